package dev.submitworker.cluster;

import dev.submitworker.compile.Failures;
import dev.submitworker.compile.SessionJob;
import dev.submitworker.core.port.ClusterGateway;
import dev.submitworker.core.port.ClusterUnreachableException;
import dev.submitworker.core.port.CompiledJob;
import dev.submitworker.core.port.RefusedException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.api.common.JobID;
import org.apache.flink.client.deployment.StandaloneClusterId;
import org.apache.flink.client.program.rest.RestClusterClient;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.runtime.client.DuplicateJobSubmissionException;
import org.apache.flink.runtime.client.JobSubmissionException;
import org.apache.flink.runtime.messages.FlinkJobNotFoundException;
import org.apache.flink.runtime.messages.webmonitor.MultipleJobsDetails;
import org.apache.flink.runtime.rest.messages.EmptyRequestBody;
import org.apache.flink.runtime.rest.messages.MessageHeaders;
import org.apache.flink.runtime.rest.messages.MessageParameters;
import org.apache.flink.runtime.rest.messages.ResponseBody;
import org.apache.flink.runtime.rest.messages.job.JobDetailsInfo;
import org.apache.flink.runtime.rest.handler.async.AsynchronousOperationResult;
import org.apache.flink.runtime.rest.handler.async.TriggerResponse;
import org.apache.flink.runtime.rest.messages.TriggerId;
import org.apache.flink.runtime.rest.messages.job.savepoints.SavepointInfo;
import org.apache.flink.runtime.rest.messages.job.savepoints.SavepointStatusHeaders;
import org.apache.flink.runtime.rest.messages.job.savepoints.SavepointStatusMessageParameters;
import org.apache.flink.runtime.rest.messages.job.savepoints.SavepointTriggerHeaders;
import org.apache.flink.runtime.rest.messages.job.savepoints.SavepointTriggerMessageParameters;
import org.apache.flink.runtime.rest.messages.job.savepoints.SavepointTriggerRequestBody;
import org.apache.flink.runtime.rest.messages.job.savepoints.stop.StopWithSavepointRequestBody;
import org.apache.flink.runtime.rest.messages.job.savepoints.stop.StopWithSavepointTriggerHeaders;
import org.apache.flink.runtime.rest.messages.queue.QueueStatus;
import org.apache.flink.runtime.rest.util.RestClientException;
import org.apache.flink.util.ExceptionUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Flink session cluster reached over its REST API with Flink's {@link RestClusterClient}: the worker's local
 * MiniCluster, a standalone cluster, or a kubernetes-session cluster at the address its Kubernetes Service exposes.
 * One client per cluster, shared by all submissions (it is thread-safe).
 *
 * <p>Every call is bounded ({@link ClusterTimeouts}). Only an answer that refuses the job is final: a client error
 * (4xx), or a 500 in which the dispatcher names a {@link JobSubmissionException}. Anything else (5xx, a leader
 * election in progress, a refused, reset or silent connection, a timeout) is transient. After such a failure the
 * address is looked up again on the next call, so a session cluster redeployed behind a new address is found.
 */
public final class RestSessionGateway implements ClusterGateway, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RestSessionGateway.class);
    /** A line of a stack trace, as Flink's REST handlers send it too: the exception's class and message, if any. */
    private static final Pattern EXCEPTION_LINE = Pattern.compile(
            "(?m)^\\[?(?:<Exception on server side:\\s*)?(?:Caused by: )?((?:[\\w$]+\\.)+[\\w$]+)(?:: (.+))?$");
    private static final int MAX_REASON = 2000;

    private final String entry;
    private final Supplier<URI> addressLookup;
    private final Configuration clientConfiguration;
    private final ClusterTimeouts timeouts;
    private final Duration overviewShared;
    private Connection connection; // guarded by this; null once the cluster could not be reached there
    private OverviewRead overviewRead; // guarded by this
    private volatile String address;

    private record Connection(String address, RestClusterClient<StandaloneClusterId> client) {}

    /** The jobs overview read in one window of time (its number since the epoch). */
    private record OverviewRead(long window, CompletableFuture<MultipleJobsDetails> overview) {}

    /**
     * @param addressLookup finds the cluster's REST address: now, and again after the cluster could not be reached
     * @param flinkConfig   Flink options of the REST client (e.g. {@code rest.retry.max-attempts}, SSL)
     * @param overviewShared the windows of time (counted from the epoch) in which one read of the jobs overview
     *                       answers every observation: the workers' poll interval, so that the followers of all the
     *                       process's consumers, which ask at the start of each interval, cost the cluster one call;
     *                       zero reads it for each observation
     * @throws ClusterUnreachableException the lookup failed
     */
    public RestSessionGateway(String entry, Supplier<URI> addressLookup, Map<String, String> flinkConfig,
                              ClusterTimeouts timeouts, Duration overviewShared) {
        this.entry = entry;
        this.addressLookup = addressLookup;
        this.timeouts = timeouts;
        this.overviewShared = overviewShared;
        this.clientConfiguration = timeouts.restClientDefaults();
        clientConfiguration.addAll(Configuration.fromMap(flinkConfig));
        connection();
    }

    /** A session cluster at a fixed address (local, standalone). */
    public static RestSessionGateway at(String entry, URI restAddress, Map<String, String> flinkConfig,
                                        ClusterTimeouts timeouts, Duration overviewShared) {
        return new RestSessionGateway(entry, () -> restAddress, flinkConfig, timeouts, overviewShared);
    }

    /** The same, reading the jobs overview for each observation. */
    public static RestSessionGateway at(String entry, URI restAddress, Map<String, String> flinkConfig,
                                        ClusterTimeouts timeouts) {
        return at(entry, restAddress, flinkConfig, timeouts, Duration.ZERO);
    }

    /** Accepts {@code http://host:port}, {@code https://host:port} and {@code host:port}. */
    public static URI parseAddress(String address) {
        String withScheme = address.contains("://") ? address : "http://" + address;
        URI uri = URI.create(withScheme.strip());
        if (uri.getHost() == null || uri.getPort() < 0) {
            throw new IllegalArgumentException("'" + address + "' is not a REST address of the form http://host:port");
        }
        return uri;
    }

    @Override
    public String address() {
        return address;
    }

    /**
     * @throws IllegalArgumentException the job is not a {@link SessionJob}
     */
    @Override
    public Deployment submit(CompiledJob job) {
        if (!(job instanceof SessionJob session)) {
            throw new IllegalArgumentException("Cluster entry '" + entry + "' is a session cluster: it takes a "
                    + "SessionJob (a JobGraph), not " + job.getClass().getSimpleName());
        }
        Connection connection = connection();
        String jobId = session.jobId();
        try {
            Bounded.await(connection.client().submitJob(session.jobGraph()), timeouts.submit(),
                    "submitting job " + jobId);
            return new Deployment(true, connection.address(), null);
        } catch (ExecutionException | TimeoutException e) {
            Throwable failure = unwrap(e);
            switch (Verdict.of(failure)) {
                case DUPLICATE -> {
                    log.info("Cluster '{}' already has job {}; not submitted again", entry, jobId);
                    return alreadyThere(session, connection, find(jobId));
                }
                case REFUSED -> {
                    // an earlier attempt whose answer was lost may have submitted it after all
                    Optional<JobState> there = find(jobId);
                    if (there.isPresent()) {
                        return alreadyThere(session, connection, there);
                    }
                    throw new RefusedException("Cluster '" + entry + "' (" + connection.address() + ") refused job "
                            + jobId, explain(failure), failure);
                }
                default -> throw unreachable(connection, "Submitting job " + jobId, failure);
            }
        }
    }

    /**
     * The cluster has a job with this JobID: this request's, unless its name says otherwise. A job that finished long
     * ago may be gone from the cluster's job store while its JobID stays taken; it cannot be compared, and counts as
     * this request's.
     */
    private Deployment alreadyThere(SessionJob job, Connection connection, Optional<JobState> existing) {
        String expected = job.description().jobName();
        if (existing.isPresent() && !existing.get().name().equals(expected)) {
            throw new RefusedException("JobID " + job.jobId() + " is taken on cluster '" + entry + "' ("
                    + connection.address() + ") by another job, '" + existing.get().name() + "', not '" + expected
                    + "': its requestId was used before, by a request the ledger no longer remembers or by another "
                    + "deployment sharing the cluster");
        }
        return new Deployment(false, connection.address(), null);
    }

    @Override
    public Optional<JobState> find(String jobId) {
        Connection connection = connection();
        try {
            CompletableFuture<JobDetailsInfo> details = connection.client().getJobDetails(JobID.fromHexString(jobId));
            JobDetailsInfo job = Bounded.await(details, timeouts.request(), "reading job " + jobId);
            return Optional.of(new JobState(jobId, job.getName(), job.getJobStatus().name()));
        } catch (ExecutionException | TimeoutException e) {
            Throwable failure = unwrap(e);
            if (Verdict.of(failure) == Verdict.UNKNOWN_JOB) {
                return Optional.empty();
            }
            throw unreachable(connection, "Reading job " + jobId, failure);
        }
    }

    /**
     * One call, the cluster's jobs overview, for all the jobs; more only for the jobs whose status changed (see
     * {@link JobObserver}). The overview is read once per window of {@code overviewShared}, whoever asks within it:
     * each consumer of the process follows the jobs of its own partitions, and they all ask at the same moments. A job
     * the window's read does not list may have been submitted after it: those are asked about again with a new read,
     * which the rest of the window shares.
     */
    @Override
    public Observation observe(Map<String, String> known) {
        Connection connection = connection();
        JobObserver observer = new JobObserver(rest(connection.client()), timeouts.request());
        try {
            Observation shared = observer.observe(known, () -> overview(observer, false));
            if (shared.unknown().isEmpty() || overviewShared.isZero()) {
                return shared;
            }
            Map<String, String> missing = new HashMap<>();
            shared.unknown().forEach(jobId -> missing.put(jobId, known.get(jobId)));
            Observation fresh = observer.observe(missing, () -> overview(observer, true));
            Map<String, JobState> jobs = new HashMap<>(shared.jobs());
            jobs.putAll(fresh.jobs());
            return new Observation(jobs, fresh.unknown(), fresh.unreachable());
        } catch (ExecutionException | TimeoutException e) {
            throw unreachable(connection, "Reading the jobs overview", unwrap(e));
        }
    }

    /**
     * The overview read in the current window, or a new read if there is none yet or {@code fresh} is asked for; each
     * caller has its own copy to wait for (and give up on) within its bound.
     */
    private synchronized CompletableFuture<MultipleJobsDetails> overview(JobObserver observer, boolean fresh) {
        if (overviewShared.isZero()) {
            return observer.overview();
        }
        long window = System.currentTimeMillis() / overviewShared.toMillis();
        if (fresh || overviewRead == null || overviewRead.window() != window) {
            overviewRead = new OverviewRead(window, observer.overview());
        }
        return overviewRead.overview().copy();
    }

    private static JobObserver.Rest rest(RestClusterClient<?> client) {
        return new JobObserver.Rest() {
            @Override
            public <M extends MessageHeaders<EmptyRequestBody, P, U>, U extends MessageParameters,
                    P extends ResponseBody> CompletableFuture<P> get(M headers, U parameters) {
                return client.sendRequest(headers, parameters, EmptyRequestBody.getInstance());
            }
        };
    }

    @Override
    public Optional<SavepointStatus> savepointStatus(String jobId, String triggerId) {
        Connection connection = connection();
        SavepointStatusMessageParameters parameters = SavepointStatusHeaders.getInstance()
                .getUnresolvedMessageParameters();
        parameters.jobIdPathParameter.resolve(JobID.fromHexString(jobId));
        parameters.triggerIdPathParameter.resolve(TriggerId.fromHexString(triggerId));
        try {
            AsynchronousOperationResult<SavepointInfo> operation = Bounded.await(connection.client().sendRequest(
                    SavepointStatusHeaders.getInstance(), parameters, EmptyRequestBody.getInstance()),
                    timeouts.request(), "reading savepoint " + triggerId + " of job " + jobId);
            if (operation.queueStatus().getId() != QueueStatus.Id.COMPLETED) {
                return Optional.of(new SavepointStatus(false, null, null));
            }
            SavepointInfo info = operation.resource();
            return Optional.of(info.getFailureCause() == null ? new SavepointStatus(true, info.getLocation(), null)
                    : new SavepointStatus(true, null, causes(info.getFailureCause().getFullStringifiedStackTrace())));
        } catch (ExecutionException | TimeoutException e) {
            Throwable failure = unwrap(e);
            if (Verdict.of(failure) == Verdict.UNKNOWN_JOB) {
                return Optional.empty();
            }
            throw unreachable(connection, "Reading savepoint " + triggerId + " of job " + jobId, failure);
        }
    }

    @Override
    public void triggerSavepoint(String jobId, String triggerId, String directory, boolean stop, boolean drain) {
        Connection connection = connection();
        SavepointTriggerMessageParameters parameters = new SavepointTriggerMessageParameters();
        parameters.jobID.resolve(JobID.fromHexString(jobId));
        TriggerId trigger = TriggerId.fromHexString(triggerId);
        CompletableFuture<TriggerResponse> triggered = stop
                ? connection.client().sendRequest(StopWithSavepointTriggerHeaders.getInstance(), parameters,
                        new StopWithSavepointRequestBody(directory, drain, SavepointFormatType.CANONICAL, trigger))
                : connection.client().sendRequest(SavepointTriggerHeaders.getInstance(), parameters,
                        new SavepointTriggerRequestBody(directory, false, SavepointFormatType.CANONICAL, trigger));
        awaitAnswer(connection, triggered, (stop ? "Stopping job " : "Triggering a savepoint of job ") + jobId);
    }

    @Override
    public void cancel(String jobId) {
        Connection connection = connection();
        awaitAnswer(connection, connection.client().cancel(JobID.fromHexString(jobId)), "Cancelling job " + jobId);
    }

    /** Waits for a call whose answer is all: a refusal is final, anything else transient. */
    private void awaitAnswer(Connection connection, CompletableFuture<?> call, String what) {
        try {
            Bounded.await(call, timeouts.request(), what.toLowerCase(java.util.Locale.ROOT));
        } catch (ExecutionException | TimeoutException e) {
            Throwable failure = unwrap(e);
            Verdict verdict = Verdict.of(failure);
            if (verdict == Verdict.REFUSED || verdict == Verdict.UNKNOWN_JOB) {
                throw new RefusedException(what + " on cluster '" + entry + "' (" + connection.address()
                        + ") was refused", explain(failure), failure);
            }
            throw unreachable(connection, what, failure);
        }
    }

    /** A session cluster keeps nothing for a job besides the job, which Flink forgets in its own time. */
    @Override
    public void release(String jobId) {
        // nothing was deployed for the job alone
    }

    /** What the cluster's answer to a failed call means. */
    enum Verdict {
        /** No answer (a refused, reset or silent connection, a timeout), or one that means "not now" (5xx). */
        UNREACHABLE,
        /** The dispatcher has a job with this JobID already. */
        DUPLICATE,
        /** The cluster does not know the job. */
        UNKNOWN_JOB,
        /** The cluster answered and refused: a client error, or the dispatcher refused to take the job. */
        REFUSED;

        static Verdict of(Throwable failure) {
            Optional<RestClientException> answer = ExceptionUtils.findThrowable(failure, RestClientException.class);
            if (answer.isEmpty()) {
                return UNREACHABLE;
            }
            int status = answer.get().getHttpResponseStatus().code();
            // the dispatcher's exceptions reach a REST client only as text in the answer's "errors"
            String said = String.valueOf(answer.get().getMessage());
            if (said.contains(DuplicateJobSubmissionException.class.getName())) {
                return DUPLICATE;
            }
            if (status == 404 || said.contains(FlinkJobNotFoundException.class.getName())) {
                return UNKNOWN_JOB;
            }
            if (status == 500 && said.contains(JobSubmissionException.class.getName())) {
                return REFUSED;
            }
            boolean clientError = status >= 400 && status < 500 && status != 408 && status != 429;
            return clientError ? REFUSED : UNREACHABLE;
        }
    }

    private synchronized Connection connection() {
        if (connection == null) {
            URI uri = addressLookup.get();
            String hostPort = uri.getHost() + ":" + uri.getPort();
            Configuration configuration = new Configuration(clientConfiguration);
            configuration.set(RestOptions.ADDRESS, uri.getHost());
            configuration.set(RestOptions.PORT, uri.getPort());
            try {
                connection = new Connection(hostPort,
                        new RestClusterClient<>(configuration, StandaloneClusterId.getInstance()));
            } catch (Exception e) {
                throw new IllegalStateException("Cannot create a REST client for cluster '" + entry + "' at "
                        + hostPort, e);
            }
            address = hostPort;
        }
        return connection;
    }

    /** The cluster could not be reached at this connection's address: the next call looks the address up again. */
    private ClusterUnreachableException unreachable(Connection failed, String what, Throwable failure) {
        boolean forgotten;
        synchronized (this) {
            forgotten = connection == failed;
            if (forgotten) {
                connection = null;
            }
        }
        if (forgotten) {
            // closing waits for the client's threads; the caller need not
            CompletableFuture.runAsync(failed.client()::close);
        }
        return new ClusterUnreachableException(what + " on cluster '" + entry + "' at " + failed.address()
                + " failed: " + explain(failure), failure);
    }

    private static Throwable unwrap(Exception failure) {
        return ExceptionUtils.stripCompletionException(ExceptionUtils.stripExecutionException(failure));
    }

    /**
     * What went wrong, in a line or two: for an answer of the cluster, its HTTP status and the exceptions its stack
     * trace names (the first and the root cause), not the whole trace.
     */
    static String explain(Throwable failure) {
        return ExceptionUtils.findThrowable(failure, RestClientException.class)
                .map(answer -> "HTTP " + answer.getHttpResponseStatus().code() + ": "
                        + serverReason(String.valueOf(answer.getMessage())))
                .orElseGet(() -> Failures.explain(failure));
    }

    private static String serverReason(String said) {
        String causes = causes(said);
        return causes.isEmpty() ? bounded(said.replaceAll("^\\[|]$", "").replaceAll("\\s+", " ").strip()) : causes;
    }

    /**
     * The exceptions a stack trace names, class and message: the first, and the root cause when it is another; empty
     * when it names none. At most {@value #MAX_REASON} characters.
     */
    static String causes(String stackTrace) {
        List<String> exceptions = exceptions(stackTrace);
        return bounded(exceptions.isEmpty() ? "" : exceptions.size() == 1 ? exceptions.get(0)
                : exceptions.get(0) + "; root cause: " + exceptions.get(exceptions.size() - 1));
    }

    /** The root cause a stack trace names, class and message, or null; at most {@value #MAX_REASON} characters. */
    static String rootCause(String stackTrace) {
        List<String> exceptions = exceptions(stackTrace);
        return exceptions.isEmpty() ? null : bounded(exceptions.get(exceptions.size() - 1));
    }

    private static List<String> exceptions(String stackTrace) {
        List<String> exceptions = new ArrayList<>();
        Matcher matcher = EXCEPTION_LINE.matcher(stackTrace);
        while (matcher.find()) {
            exceptions.add(matcher.group(2) == null ? matcher.group(1)
                    : matcher.group(1) + ": " + matcher.group(2).strip());
        }
        return exceptions;
    }

    private static String bounded(String reason) {
        return reason.length() > MAX_REASON ? reason.substring(0, MAX_REASON) + "..." : reason;
    }

    @Override
    public void close() {
        Connection open;
        synchronized (this) {
            open = connection;
            connection = null;
        }
        if (open != null) {
            open.client().close();
        }
    }
}
