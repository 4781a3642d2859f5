package dev.submitworker.submit;

import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.runtime.jobgraph.JobGraph;

/** One Flink cluster as the worker sees it: it takes JobGraphs and tells the state of a job. */
public interface ClusterGateway extends AutoCloseable {

    /** The JobManager's REST address as {@code host:port}, as the envelope reports it. */
    String address();

    /**
     * Submits the job and returns its id.
     *
     * @throws ClusterUnavailableException the cluster could not be reached (transient)
     * @throws SubmissionRejectedException the cluster answered and refused the job
     */
    JobID submit(JobGraph jobGraph);

    /** The job's current state on the cluster. */
    JobStatus status(JobID jobId);

    @Override
    void close();
}
