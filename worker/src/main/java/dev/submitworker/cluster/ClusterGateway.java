package dev.submitworker.cluster;

import java.util.Optional;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.runtime.jobgraph.JobGraph;

/** One Flink cluster as the worker sees it: it takes JobGraphs and tells the state of a job. */
public interface ClusterGateway extends AutoCloseable {

    /** The JobManager's REST address as {@code host:port}, as the envelope reports it. */
    String address();

    /**
     * Submits the job unless the cluster already has a job with its JobID: submitting the same JobGraph twice leaves
     * one job, and both calls return normally.
     *
     * @return true if this call created the job, false if the cluster already had it
     * @throws ClusterUnavailableException the cluster could not be reached (transient)
     * @throws SubmissionRejectedException the cluster answered and refused the job
     */
    boolean submit(JobGraph jobGraph);

    /** The job's current state on the cluster; empty if the cluster does not know the job. */
    Optional<JobStatus> status(JobID jobId);

    @Override
    void close();
}
