package dev.submitworker.core.fake;

import dev.submitworker.core.port.ClusterGateway;
import dev.submitworker.core.port.ClusterUnreachableException;
import dev.submitworker.core.port.CompiledJob;
import dev.submitworker.core.port.RefusedException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** A session cluster in memory: it keeps the jobs it was given, and can be down or refuse. */
public final class FakeCluster implements ClusterGateway {

    private final String name;
    private final Map<String, JobState> jobs = new ConcurrentHashMap<>();
    private final AtomicInteger calls = new AtomicInteger();
    private final java.util.Set<String> released = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile boolean down;
    private volatile boolean application;
    private volatile String refusal;
    private volatile String savepointFailure;
    private volatile boolean refuseCancels;
    private final Map<String, Savepoint> savepoints = new ConcurrentHashMap<>();
    private final AtomicInteger triggers = new AtomicInteger();
    private final AtomicInteger cancels = new AtomicInteger();
    private final Map<String, AtomicInteger> readsInProgress = new ConcurrentHashMap<>();
    private volatile int savepointReadsInProgress;
    private final java.util.List<Handle> handles = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final AtomicInteger directControlCalls = new AtomicInteger();

    public FakeCluster(String name) {
        this.name = name;
    }

    /** It deploys an application cluster per job, named after its JobID, as Kubernetes application mode does. */
    public FakeCluster application() {
        this.application = true;
        return this;
    }

    public void down(boolean down) {
        this.down = down;
    }

    /** From now on the cluster refuses every job with this reason (null: it takes them again). */
    public void refuse(String reason) {
        this.refusal = reason;
    }

    /** Puts a job on the cluster as if someone had submitted it. */
    public void has(String jobId, String name) {
        jobs.put(jobId, new JobState(jobId, name, "RUNNING"));
    }

    public Map<String, JobState> jobs() {
        return Map.copyOf(jobs);
    }

    /** Calls that reached the cluster or tried to: submits and look-ups. */
    public int calls() {
        return calls.get();
    }

    @Override
    public String address() {
        return name + ":8081";
    }

    @Override
    public Deployment submit(CompiledJob job) {
        answer();
        if (refusal != null) {
            throw new RefusedException("Cluster '" + name + "' refused job " + job.jobId(), refusal, null);
        }
        JobState before = jobs.putIfAbsent(job.jobId(), new JobState(job.jobId(), job.description().jobName(),
                "CREATED"));
        if (before != null && !before.name().equals(job.description().jobName())) {
            throw new RefusedException("JobID " + job.jobId() + " is taken by job '" + before.name() + "'");
        }
        return new Deployment(before == null, address(), application ? "job-" + job.jobId() : null);
    }

    @Override
    public Optional<JobState> find(String jobId) {
        answer();
        return Optional.ofNullable(jobs.get(jobId));
    }

    private void answer() {
        calls.incrementAndGet();
        if (down) {
            throw new ClusterUnreachableException("Cluster '" + name + "' (" + address() + ") could not be reached",
                    "Connection refused", null);
        }
    }

    @Override
    public Observation observe(Map<String, String> known) {
        answer();
        Map<String, JobState> found = new java.util.HashMap<>();
        java.util.Set<String> unknown = new java.util.HashSet<>();
        known.keySet().forEach(jobId -> {
            JobState state = jobs.get(jobId);
            if (state == null) {
                unknown.add(jobId);
            } else {
                found.put(jobId, state);
            }
        });
        return new Observation(found, unknown, java.util.Set.of());
    }

    @Override
    public void release(String jobId) {
        answer();
        released.add(jobId);
    }

    /** The jobs whose deployments were released. */
    public java.util.Set<String> released() {
        return java.util.Set.copyOf(released);
    }

    /** The cluster forgets a job (a session cluster's job store expires it). */
    public void forget(String jobId) {
        jobs.remove(jobId);
    }

    /**
     * A handle that counts the calls made through it and whether it was closed; they are those of the cluster, which
     * counts the control calls made on it directly ({@link #directControlCalls}) apart.
     */
    @Override
    public JobControl control(String jobId) {
        Handle handle = new Handle(jobId);
        handles.add(handle);
        return handle;
    }

    /** The handles {@link #control} gave, in order. */
    public java.util.List<Handle> handles() {
        return java.util.List.copyOf(handles);
    }

    /** Savepoint reads, triggers and cancels made on the cluster itself, not through a {@link #control} handle. */
    public int directControlCalls() {
        return directControlCalls.get();
    }

    /** From now on a savepoint is reported in progress this many times after its trigger, then complete. */
    public void savepointsInProgressFor(int reads) {
        this.savepointReadsInProgress = reads;
    }

    @Override
    public Optional<SavepointStatus> savepointStatus(String jobId, String triggerId) {
        directControlCalls.incrementAndGet();
        return readSavepoint(triggerId);
    }

    private Optional<SavepointStatus> readSavepoint(String triggerId) {
        answer();
        AtomicInteger inProgress = readsInProgress.get(triggerId);
        if (inProgress != null && inProgress.getAndDecrement() > 0) {
            return Optional.of(new SavepointStatus(false, null, null));
        }
        return Optional.ofNullable(savepoints.get(triggerId)).map(savepoint -> savepoint.status);
    }

    /**
     * Takes the savepoint at once (stopping the job to FINISHED when asked), or fails it with the reason set by
     * {@link #failSavepoints}; one per trigger id, as Flink's dispatcher does.
     */
    @Override
    public void triggerSavepoint(String jobId, String triggerId, String directory, boolean stop, boolean drain) {
        directControlCalls.incrementAndGet();
        takeSavepoint(jobId, triggerId, directory, stop);
    }

    private void takeSavepoint(String jobId, String triggerId, String directory, boolean stop) {
        answer();
        JobState job = jobs.get(jobId);
        if (job == null) {
            throw new RefusedException("Job " + jobId + " not found", "FlinkJobNotFoundException", null);
        }
        savepoints.computeIfAbsent(triggerId, id -> {
            triggers.incrementAndGet();
            readsInProgress.put(id, new AtomicInteger(savepointReadsInProgress));
            if (savepointFailure != null) {
                return new Savepoint(jobId, directory, stop, new SavepointStatus(true, null, savepointFailure));
            }
            if (stop) {
                jobs.put(jobId, new JobState(jobId, job.name(), "FINISHED"));
            }
            return new Savepoint(jobId, directory, stop,
                    new SavepointStatus(true, directory + "/savepoint-" + id.substring(0, 6), null));
        });
    }

    @Override
    public void cancel(String jobId) {
        directControlCalls.incrementAndGet();
        cancelJob(jobId);
    }

    private void cancelJob(String jobId) {
        answer();
        JobState job = jobs.get(jobId);
        if (job == null) {
            throw new RefusedException("Job " + jobId + " not found", "FlinkJobNotFoundException", null);
        }
        if (refuseCancels) {
            throw new RefusedException("Cancelling job " + jobId + " was refused", "HTTP 409: job has ended", null);
        }
        cancels.incrementAndGet();
        jobs.put(jobId, new JobState(jobId, job.name(), "CANCELED"));
    }

    /** One attempt's handle on a job: the calls made through it, and whether it was closed. */
    public final class Handle implements JobControl {

        private final String jobId;
        private final AtomicInteger calls = new AtomicInteger();
        private volatile boolean closed;

        Handle(String jobId) {
            this.jobId = jobId;
        }

        public String jobId() {
            return jobId;
        }

        public int calls() {
            return calls.get();
        }

        public boolean closed() {
            return closed;
        }

        private void call() {
            if (closed) {
                throw new IllegalStateException("a call on the handle of job " + jobId + " after it was closed");
            }
            calls.incrementAndGet();
        }

        @Override
        public Optional<JobState> find() {
            call();
            return FakeCluster.this.find(jobId);
        }

        @Override
        public Optional<SavepointStatus> savepointStatus(String triggerId) {
            call();
            return readSavepoint(triggerId);
        }

        @Override
        public void triggerSavepoint(String triggerId, String directory, boolean stop, boolean drain) {
            call();
            takeSavepoint(jobId, triggerId, directory, stop);
        }

        @Override
        public void cancel() {
            call();
            cancelJob(jobId);
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    /** A savepoint the cluster was asked for, by trigger id. */
    public record Savepoint(String jobId, String directory, boolean stop, SavepointStatus status) {}

    public Map<String, Savepoint> savepoints() {
        return Map.copyOf(savepoints);
    }

    /** How often a savepoint was taken (a trigger id asked for again is not counted again). */
    public int triggers() {
        return triggers.get();
    }

    public int cancels() {
        return cancels.get();
    }

    /** Whether cancels are refused from now on, as Flink refuses to cancel a job that has ended. */
    public void refuseCancels(boolean refuse) {
        this.refuseCancels = refuse;
    }

    /** From now on savepoints fail with this reason (null: they succeed again). */
    public void failSavepoints(String reason) {
        this.savepointFailure = reason;
    }

    /** Sets a job's state on the cluster, as Flink would report it. */
    public void set(JobState state) {
        jobs.put(state.jobId(), state);
    }
}
