package dev.submitworker.cluster;

import dev.submitworker.core.port.ClusterGateway.JobState;
import dev.submitworker.core.port.ClusterGateway.Observation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.runtime.messages.webmonitor.JobDetails;
import org.apache.flink.runtime.messages.webmonitor.MultipleJobsDetails;
import org.apache.flink.runtime.rest.messages.EmptyMessageParameters;
import org.apache.flink.runtime.rest.messages.EmptyRequestBody;
import org.apache.flink.runtime.rest.messages.JobExceptionsHeaders;
import org.apache.flink.runtime.rest.messages.JobExceptionsInfoWithHistory;
import org.apache.flink.runtime.rest.messages.JobExceptionsInfoWithHistory.RootExceptionInfo;
import org.apache.flink.runtime.rest.messages.JobMessageParameters;
import org.apache.flink.runtime.rest.messages.JobsOverviewHeaders;
import org.apache.flink.runtime.rest.messages.MessageHeaders;
import org.apache.flink.runtime.rest.messages.MessageParameters;
import org.apache.flink.runtime.rest.messages.ResponseBody;
import org.apache.flink.runtime.rest.messages.checkpoints.CheckpointStatistics;
import org.apache.flink.runtime.rest.messages.checkpoints.CheckpointStatistics.CompletedCheckpointStatistics;
import org.apache.flink.runtime.rest.messages.checkpoints.CheckpointingStatistics;
import org.apache.flink.runtime.rest.messages.checkpoints.CheckpointingStatisticsHeaders;
import org.apache.flink.runtime.rest.messages.job.JobExceptionsMessageParameters;
import org.apache.flink.runtime.rest.messages.job.UpperLimitExceptionParameter;
import org.apache.flink.runtime.state.memory.NonPersistentMetadataCheckpointStorageLocation;
import org.apache.flink.util.ExceptionUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Observes jobs through one JobManager's REST API. Its jobs overview answers for every job of the cluster in one call,
 * however many there are. Only for a job whose status changed since it was last reported are more calls made, and only
 * those that can tell something new: the newest entry of its exception history when it fails, restarts or has failed;
 * its last completed checkpoint or savepoint when it starts running or ends.
 *
 * <p>Those extra answers come from handlers that cache a job's execution graph and checkpoint statistics for
 * {@code web.refresh-interval} (3 s by default): asked within that time of an earlier read of the same job, they tell
 * the job as it was then.
 */
final class JobObserver {

    /** Jobs whose extra calls are in flight at once: a JobManager that saw many jobs end together is spared. */
    static final int EXTRA_CALLS_AT_ONCE = 8;

    private static final Logger log = LoggerFactory.getLogger(JobObserver.class);
    private static final Set<JobStatus> FAILURE_STATES =
            EnumSet.of(JobStatus.FAILING, JobStatus.RESTARTING, JobStatus.FAILED);

    /** GETs to one JobManager. The method is generic, so gateways implement it with a class, not a lambda. */
    interface Rest {
        <M extends MessageHeaders<EmptyRequestBody, P, U>, U extends MessageParameters, P extends ResponseBody>
        CompletableFuture<P> get(M headers, U parameters);
    }

    private final Rest rest;
    private final Duration bound;

    /** @param bound the longest wait for each call */
    JobObserver(Rest rest, Duration bound) {
        this.rest = rest;
        this.bound = bound;
    }

    /**
     * @param known the jobs to observe, by JobID, with the status last reported for each (null if none yet)
     * @return the jobs the overview lists, and as unknown those it does not; nothing is unreachable here
     * @throws ExecutionException the overview could not be read; its cause says why
     * @throws TimeoutException   the overview did not come within the bound
     */
    Observation observe(Map<String, String> known) throws ExecutionException, TimeoutException {
        return observe(known, this::overview);
    }

    /**
     * The same, from an overview read elsewhere: one a gateway shares between the observers that ask it at the same
     * time.
     *
     * @param overview reads the jobs overview (or gives one under way); not called when no job is to be observed
     */
    Observation observe(Map<String, String> known, Supplier<CompletableFuture<MultipleJobsDetails>> overview)
            throws ExecutionException, TimeoutException {
        if (known.isEmpty()) {
            return new Observation(Map.of(), Set.of(), Set.of());
        }
        MultipleJobsDetails read = Bounded.await(overview.get(), bound, "reading the jobs overview");
        Map<String, JobState> jobs = new HashMap<>();
        List<JobDetails> changed = new ArrayList<>();
        for (JobDetails job : read.getJobs()) {
            String jobId = job.getJobId().toHexString();
            if (!known.containsKey(jobId)) {
                continue;
            }
            if (job.getStatus().name().equals(known.get(jobId))) {
                jobs.put(jobId, state(job, null, null));
            } else {
                changed.add(job);
            }
        }
        AtomicBoolean silent = new AtomicBoolean();
        for (int from = 0; from < changed.size(); from += EXTRA_CALLS_AT_ONCE) {
            changed.subList(from, Math.min(from + EXTRA_CALLS_AT_ONCE, changed.size())).stream()
                    .map(job -> told(job, silent))
                    .toList()
                    // each call is bounded on its own: the batch takes one bound at most
                    .forEach(told -> {
                        JobState state = told.join();
                        jobs.put(state.jobId(), state);
                    });
        }
        Set<String> unknown = new HashSet<>(known.keySet());
        unknown.removeAll(jobs.keySet());
        return new Observation(jobs, unknown, Set.of());
    }

    /** The cluster's jobs overview: every job it knows, in one call. */
    CompletableFuture<MultipleJobsDetails> overview() {
        return rest.get(JobsOverviewHeaders.getInstance(), EmptyMessageParameters.getInstance());
    }

    /** A changed job's state with what the extra calls tell; once the JobManager stops answering, none are made. */
    private CompletableFuture<JobState> told(JobDetails job, AtomicBoolean silent) {
        JobStatus status = job.getStatus();
        CompletableFuture<String> failure = FAILURE_STATES.contains(status)
                ? extra(JobExceptionsHeaders.getInstance(), newestException(job.getJobId()), JobObserver::rootCause,
                        job.getJobId(), silent)
                : CompletableFuture.completedFuture(null);
        CompletableFuture<String> checkpoint = status == JobStatus.RUNNING || status.isGloballyTerminalState()
                ? extra(CheckpointingStatisticsHeaders.getInstance(), jobParameters(job.getJobId()),
                        statistics -> lastCheckpoint(statistics, status.isGloballyTerminalState()), job.getJobId(),
                        silent)
                : CompletableFuture.completedFuture(null);
        return failure.thenCombine(checkpoint, (cause, path) -> state(job, cause, path));
    }

    /** What one extra call tells, or null when it could not be read: the job is reported all the same. */
    private <U extends JobMessageParameters, P extends ResponseBody> CompletableFuture<String> extra(
            MessageHeaders<EmptyRequestBody, P, U> headers, U parameters, Function<P, String> read, JobID jobId,
            AtomicBoolean silent) {
        if (silent.get()) {
            return CompletableFuture.completedFuture(null);
        }
        return rest.get(headers, parameters)
                .thenApply(read)
                .orTimeout(bound.toMillis(), TimeUnit.MILLISECONDS)
                .exceptionally(failure -> {
                    Throwable cause = ExceptionUtils.stripCompletionException(failure);
                    if (RestSessionGateway.Verdict.of(cause) == RestSessionGateway.Verdict.UNREACHABLE) {
                        silent.set(true);
                    }
                    log.debug("{} of job {} could not be read: {}", headers.getTargetRestEndpointURL(), jobId,
                            RestSessionGateway.explain(cause));
                    return null;
                });
    }

    private static JobMessageParameters jobParameters(JobID jobId) {
        JobMessageParameters parameters = CheckpointingStatisticsHeaders.getInstance()
                .getUnresolvedMessageParameters();
        parameters.jobPathParameter.resolve(jobId);
        return parameters;
    }

    /** Only the newest entry: a restarting job's history holds up to 20 stack traces. */
    private static JobExceptionsMessageParameters newestException(JobID jobId) {
        JobExceptionsMessageParameters parameters = JobExceptionsHeaders.getInstance()
                .getUnresolvedMessageParameters();
        parameters.jobPathParameter.resolve(jobId);
        parameters.getQueryParameters().stream()
                .filter(UpperLimitExceptionParameter.class::isInstance)
                .map(UpperLimitExceptionParameter.class::cast)
                .forEach(limit -> limit.resolve(List.of(1)));
        return parameters;
    }

    /**
     * The root cause of the newest failure (newest first in the history), class and message: what went wrong, where
     * the exception on top mostly says that Flink gave up ("Recovery is suppressed by ...").
     */
    private static String rootCause(JobExceptionsInfoWithHistory exceptions) {
        List<RootExceptionInfo> entries = exceptions.getExceptionHistory().getEntries();
        if (entries.isEmpty()) {
            return null;
        }
        RootExceptionInfo newest = entries.get(0);
        String cause = RestSessionGateway.rootCause(newest.getStacktrace());
        return cause == null ? newest.getExceptionName() : cause;
    }

    /**
     * The newer of the last completed checkpoint and the last savepoint (one counter numbers both). One kept only in
     * the JobManager's memory has no path. While the job runs, the newest its statistics name counts even when a newer
     * one has replaced (discarded) it since; once the job has ended, one discarded with it (not retained) is gone.
     */
    private static String lastCheckpoint(CheckpointingStatistics statistics, boolean ended) {
        CheckpointingStatistics.LatestCheckpoints latest = statistics.getLatestCheckpoints();
        return Stream.of(latest.getCompletedCheckpointStatistics(), latest.getSavepointStatistics())
                .filter(Objects::nonNull)
                .filter(checkpoint -> !(ended && checkpoint.isDiscarded()) && checkpoint.getExternalPath() != null
                        && !checkpoint.getExternalPath().equals(
                                NonPersistentMetadataCheckpointStorageLocation.EXTERNAL_POINTER))
                .max(Comparator.comparingLong(CheckpointStatistics::getId))
                .map(CompletedCheckpointStatistics::getExternalPath)
                .orElse(null);
    }

    private static JobState state(JobDetails job, String failure, String checkpoint) {
        return new JobState(job.getJobId().toHexString(), job.getJobName(), job.getStatus().name(),
                time(job.getStartTime()), time(job.getEndTime()), failure, checkpoint);
    }

    /** Flink reports -1 for a time that has not come. */
    private static Long time(long epochMillis) {
        return epochMillis > 0 ? epochMillis : null;
    }
}
