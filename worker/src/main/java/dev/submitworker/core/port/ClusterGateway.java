package dev.submitworker.core.port;

import java.util.Map;
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
     * The jobs of a set, as the cluster reports them now, in as few calls as it can: a session cluster answers for all
     * of them with one call (its jobs overview), however many there are; an application cluster is asked on its own
     * (one job each, a bounded number at once). For a job whose state changed since {@code known} says, it also tells
     * the cause of a failure and the last completed checkpoint or savepoint.
     *
     * @param known the jobs to observe, by JobID, with the status last reported for each (null if none yet)
     * @throws ClusterUnreachableException the cluster could not be asked at all (transient)
     */
    Observation observe(Map<String, String> known);

    /**
     * Removes what the worker deployed for a job whose end has been recorded (an application cluster, kept after its
     * job ended so that it is never deployed twice). Nothing for a session cluster. Done is done: asking again is no
     * error.
     *
     * @throws ClusterUnreachableException it could not be done now (transient)
     */
    void release(String jobId);

    /**
     * The savepoint operation of a job under a trigger id, as the cluster knows it: empty when it knows none (never
     * triggered, or forgotten: Flink keeps an operation's result for {@code rest.async.store-duration}, 5 minutes by
     * default).
     *
     * @throws ClusterUnreachableException the cluster could not be asked (transient)
     */
    Optional<SavepointStatus> savepointStatus(String jobId, String triggerId);

    /**
     * Triggers a savepoint of the job under a trigger id of the caller's; with {@code stop}, a stop with savepoint.
     * Flink takes one savepoint per job and trigger id however often it is asked while it remembers the operation:
     * asking again joins the first.
     *
     * @param directory where the savepoint is written, or null for the cluster's default
     *                  ({@code execution.checkpointing.savepoint-dir})
     * @param drain     stop only: advance event time to the end first
     * @throws ClusterUnreachableException the cluster could not be asked (transient)
     * @throws RefusedException            the cluster refused (the job does not run, no directory is configured)
     */
    void triggerSavepoint(String jobId, String triggerId, String directory, boolean stop, boolean drain);

    /**
     * Cancels the job. Cancelling a job that has ended already is no error.
     *
     * @throws ClusterUnreachableException the cluster could not be asked (transient)
     * @throws RefusedException            the cluster refused
     */
    void cancel(String jobId);

    /**
     * The calls of one control attempt on one job ({@link #find}, {@link #savepointStatus}, {@link #triggerSavepoint},
     * {@link #cancel}, with their meaning there), made on one connection to the JobManager that runs it: an
     * application cluster's JobManager is looked up once for the attempt, not once per call, and the savepoint is
     * triggered and polled with one REST client. A session cluster's connection is the entry's own: its calls are the
     * gateway's. Close it when the attempt ends.
     */
    default JobControl control(String jobId) {
        ClusterGateway gateway = this;
        return new JobControl() {
            @Override
            public Optional<JobState> find() {
                return gateway.find(jobId);
            }

            @Override
            public Optional<SavepointStatus> savepointStatus(String triggerId) {
                return gateway.savepointStatus(jobId, triggerId);
            }

            @Override
            public void triggerSavepoint(String triggerId, String directory, boolean stop, boolean drain) {
                gateway.triggerSavepoint(jobId, triggerId, directory, stop, drain);
            }

            @Override
            public void cancel() {
                gateway.cancel(jobId);
            }

            @Override
            public void close() {
                // the gateway's connection outlives the attempt
            }
        };
    }

    /** One job's control calls within one attempt: see {@link ClusterGateway#control}. */
    interface JobControl extends AutoCloseable {

        /** As {@link ClusterGateway#find}. */
        Optional<JobState> find();

        /** As {@link ClusterGateway#savepointStatus}. */
        Optional<SavepointStatus> savepointStatus(String triggerId);

        /** As {@link ClusterGateway#triggerSavepoint}. */
        void triggerSavepoint(String triggerId, String directory, boolean stop, boolean drain);

        /** As {@link ClusterGateway#cancel}. */
        void cancel();

        /** Releases the connection the calls were made on. */
        @Override
        void close();
    }

    /**
     * @param complete whether the operation has ended; then either {@code path} or {@code failure} is set
     * @param path     the savepoint's location
     * @param failure  why Flink could not take it (class and message of the root cause)
     */
    record SavepointStatus(boolean complete, String path, String failure) {}

    /**
     * @param jobs        the jobs the cluster reported
     * @param unknown     the jobs it does not know (never had, or has forgotten: a session cluster keeps a finished
     *                    job for {@code jobstore.expiration-time}, an hour by default)
     * @param unreachable the jobs it could not be asked about (one application cluster of several did not answer)
     */
    record Observation(Map<String, JobState> jobs, java.util.Set<String> unknown, java.util.Set<String> unreachable) {}

    /**
     * @param created          false when the cluster had the job already
     * @param jobManagerAddress the REST address of the cluster that runs the job, {@code host:port}
     * @param clusterId        the Kubernetes cluster-id of an application cluster, else null
     */
    record Deployment(boolean created, String jobManagerAddress, String clusterId) {}

    /**
     * @param name       the job's name on the cluster
     * @param status     Flink's state of the job ({@code RUNNING}, {@code FINISHED}, ...)
     * @param startTime  when Flink started the job, epoch millis, or null
     * @param endTime    when it ended, epoch millis, or null while it runs
     * @param failure    why it failed, when it did and the cluster says (class and message of the root cause)
     * @param checkpoint the last completed checkpoint or savepoint, when the cluster reports one
     */
    record JobState(String jobId, String name, String status, Long startTime, Long endTime, String failure,
                    String checkpoint) {

        public JobState(String jobId, String name, String status) {
            this(jobId, name, status, null, null, null, null);
        }
    }
}
