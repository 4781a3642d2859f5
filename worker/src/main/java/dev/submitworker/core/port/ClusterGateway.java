package dev.submitworker.core.port;

import java.util.Optional;

/**
 * One Flink cluster entry as the worker reaches it: a session cluster over REST (local, standalone,
 * kubernetes-session), or Kubernetes for application clusters. Every call is bounded in time.
 */
public interface ClusterGateway {

    /** The JobManager's REST address as {@code host:port}, as answers report it. */
    String address();

    /**
     * Submits (or deploys) the job unless the cluster already has this JobID: submitting twice leaves one job, and
     * the second call reports that it was there already, after checking that it is this job (same name).
     *
     * @throws ClusterUnreachableException the cluster could not be reached or did not answer in time (transient)
     * @throws RefusedException            the cluster answered and refused the job, or the JobID is taken by another
     *                                     job
     */
    Deployment submit(CompiledJob job);

    /**
     * The job with this JobID as the cluster knows it, or empty when it does not (never had it, or has forgotten it).
     *
     * @throws ClusterUnreachableException the cluster could not be asked (transient)
     */
    Optional<JobState> find(String jobId);

    /**
     * @param created          false when the cluster had the job already
     * @param jobManagerAddress the REST address of the cluster that runs the job, {@code host:port}
     * @param clusterId        the Kubernetes cluster-id of an application cluster, else null
     */
    record Deployment(boolean created, String jobManagerAddress, String clusterId) {}

    /**
     * @param name   the job's name on the cluster
     * @param status Flink's state of the job ({@code RUNNING}, {@code FINISHED}, ...)
     */
    record JobState(String jobId, String name, String status) {}
}
