package dev.submitworker.core;

import dev.submitworker.core.port.ClusterGateway;
import dev.submitworker.core.port.ClusterUnreachableException;
import dev.submitworker.core.port.Clusters;
import dev.submitworker.core.port.Ledger;
import dev.submitworker.core.port.Redaction;
import dev.submitworker.core.port.RefusedException;
import dev.submitworker.core.port.RetryPolicy;
import dev.submitworker.core.port.StatusEvents;
import dev.submitworker.core.port.Telemetry;
import dev.submitworker.core.port.UnitOfWork;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the jobs its partitions submitted to their end, and publishes each change of their status. Every interval
 * each cluster is asked once about all the jobs followed on it (a session cluster answers for all of them with one
 * call); what changed becomes an event, and the request's ledger entry records it in the same unit of work, so whoever
 * owns the partition next goes on with the next sequence and never publishes a status twice or goes back. A job its
 * cluster no longer knows, or whose cluster cannot be asked for {@code lostAfter}, or whose cluster entry is gone,
 * ends with a last event of status {@link StatusEvent#UNKNOWN} and a reason. Once an application cluster's job has
 * ended and that is recorded, what was deployed for it is released. Its writes commit on their own, apart from the
 * commands': a status topic that cannot be written holds back the events only. Used from the engine's thread only.
 */
final class Follower {

    private static final Logger log = LoggerFactory.getLogger(Follower.class);
    private static final int MAX_FAILURE = 2_000;
    /**
     * How long after a job failed its root cause may still be missing from its cluster's answer (Flink serves a job's
     * exceptions from a cache refreshed every few seconds): until then the failure is asked for again rather than
     * published without it.
     */
    static final Duration CAUSE_GRACE = Duration.ofSeconds(10);

    /**
     * @param interval  how often each cluster is asked about its followed jobs
     * @param lostAfter how long a job's cluster may stay unreachable before the job is given up as UNKNOWN
     */
    record Settings(Duration interval, Duration lostAfter) {}

    /** A followed job, as far as it has been published. */
    private static final class Watched {
        private final int partition;
        private final RequestId requestId;
        private final int taskId;
        private Following following;

        Watched(int partition, RequestId requestId, int taskId, Following following) {
            this.partition = partition;
            this.requestId = requestId;
            this.taskId = taskId;
            this.following = following;
        }

        String jobId() {
            return requestId.jobId();
        }
    }

    /** What asking a cluster gave: its observation, or that it could not be asked, or that its entry is gone. */
    private record Result(ClusterGateway.Observation observation, boolean unreachable, String gone) {}

    /** One cluster being asked about some of its jobs. */
    private record Probe(ClusterTarget target, List<RequestId> asked, CompletableFuture<Result> result) {}

    private final Clusters clusters;
    private final StatusEvents events;
    private final UnitOfWork unitOfWork;
    private final RetryPolicy retries;
    private final Redaction redaction;
    private final Telemetry telemetry;
    private final Clock clock;
    private final Executor executor;
    private final Runnable wakeUp;
    private final Settings settings;
    private final Map<RequestId, Watched> watched = new LinkedHashMap<>();
    private final Map<ClusterTarget, Probe> probes = new HashMap<>();
    private final Map<RequestId, CompletableFuture<Boolean>> releases = new HashMap<>();
    private Instant nextObservation = Instant.MIN;
    private Instant retryAt = Instant.MIN;
    private int failedCommits;

    Follower(Clusters clusters, StatusEvents events, UnitOfWork unitOfWork, RetryPolicy retries, Redaction redaction,
             Telemetry telemetry, Clock clock, Executor executor, Runnable wakeUp, Settings settings) {
        this.clusters = clusters;
        this.events = events;
        this.unitOfWork = unitOfWork;
        this.retries = retries;
        this.redaction = redaction;
        this.telemetry = telemetry;
        this.clock = clock;
        this.executor = executor;
        this.wakeUp = wakeUp;
        this.settings = settings;
    }

    /** Follows the job of a DONE entry, from where its ledger entry says it stands (once committed). */
    void watch(int partition, LedgerEntry done) {
        if (done.followed()) {
            watched.put(done.requestId(), new Watched(partition, done.requestId(), done.taskId(), done.following()));
        }
    }

    void open(int partition, Ledger ledger) {
        ledger.followed().forEach(entry -> watch(partition, entry));
    }

    /** A partition given up: its jobs are followed by its next owner, from the ledger. */
    void close(int partition) {
        watched.values().removeIf(w -> w.partition == partition);
    }

    /** The number of jobs followed. */
    int size() {
        return watched.size();
    }

    /** When something is next due: an observation, or writing one whose commit failed. */
    Optional<Instant> due() {
        if (watched.isEmpty()) {
            return Optional.empty();
        }
        Instant next = probes.isEmpty() && releases.isEmpty() ? nextObservation : clock.instant();
        return Optional.of(next.isBefore(retryAt) ? retryAt : next);
    }

    /** Asks the clusters when it is time, and publishes what the answers that came in say, in a unit of work. */
    void follow(Map<Integer, Ledger> ledgers) {
        Instant now = clock.instant();
        if (now.isBefore(retryAt)) {
            return;
        }
        if (!watched.isEmpty() && !now.isBefore(nextObservation)) {
            nextObservation = nextTick(now);
            observe();
            release();
        }
        List<Runnable> afterCommit = new ArrayList<>();
        boolean wrote = false;
        for (Probe probe : List.copyOf(probes.values())) {
            if (probe.result().isDone()) {
                wrote |= apply(probe, ledgers, now, afterCommit);
                afterCommit.add(() -> probes.remove(probe.target(), probe));
            }
        }
        for (Map.Entry<RequestId, CompletableFuture<Boolean>> release : List.copyOf(releases.entrySet())) {
            if (release.getValue().isDone()) {
                wrote |= released(release.getKey(), release.getValue().join(), ledgers, afterCommit);
                afterCommit.add(() -> releases.remove(release.getKey(), release.getValue()));
            }
        }
        if (!wrote) {
            afterCommit.forEach(Runnable::run);
            return;
        }
        try {
            unitOfWork.commit();
        } catch (RuntimeException e) {
            unitOfWork.abort();
            // the answers are kept and written again: the same events, with the same sequences
            Duration pause = retries.delay(++failedCommits);
            retryAt = now.plus(pause);
            log.warn("Publishing status events failed; trying again in {}: {}", pause, redaction.mask(e.toString()));
            return;
        }
        failedCommits = 0;
        afterCommit.forEach(Runnable::run);
    }

    /**
     * The next multiple of the interval since the epoch: the followers of all the process's consumers ask at the same
     * moments, so that a session cluster's one answer serves them all (its gateway shares the read of an interval).
     */
    private Instant nextTick(Instant now) {
        long interval = Math.max(1, settings.interval().toMillis());
        return Instant.ofEpochMilli(Math.floorDiv(now.toEpochMilli(), interval) * interval + interval);
    }

    /** Asks each cluster, once, about all its followed jobs that have not ended. */
    private void observe() {
        Map<ClusterTarget, Map<String, String>> byCluster = new LinkedHashMap<>();
        Map<ClusterTarget, List<RequestId>> asked = new HashMap<>();
        for (Watched w : watched.values()) {
            if (!w.following.terminal()) {
                byCluster.computeIfAbsent(w.following.target(), t -> new LinkedHashMap<>())
                        .put(w.jobId(), w.following.status());
                asked.computeIfAbsent(w.following.target(), t -> new ArrayList<>()).add(w.requestId);
            }
        }
        byCluster.forEach((target, known) -> {
            if (probes.containsKey(target)) {
                return; // the last question is not answered yet
            }
            CompletableFuture<Result> result = CompletableFuture.supplyAsync(() -> ask(target, known), executor);
            result.whenComplete((answer, failure) -> wakeUp.run());
            probes.put(target, new Probe(target, asked.get(target), result));
        });
    }

    private Result ask(ClusterTarget target, Map<String, String> known) {
        ClusterGateway gateway;
        try {
            gateway = clusters.gateway(target);
        } catch (RefusedException | IllegalArgumentException e) {
            return new Result(null, false, "its cluster entry '" + target.entry() + "' is no longer configured");
        } catch (RuntimeException e) {
            return new Result(null, true, null);
        }
        try {
            return new Result(gateway.observe(known), false, null);
        } catch (ClusterUnreachableException e) {
            return new Result(null, true, null);
        } catch (RuntimeException e) {
            log.warn("Asking cluster '{}' about its jobs failed: {}", target.entry(), redaction.mask(e.toString()));
            return new Result(null, true, null);
        }
    }

    /** Releases what was deployed for jobs whose end is recorded. */
    private void release() {
        for (Watched w : watched.values()) {
            if (w.following.terminal() && !w.following.settled() && !releases.containsKey(w.requestId)) {
                CompletableFuture<Boolean> done = CompletableFuture.supplyAsync(() -> {
                    try (LogContext context = LogContext.of(w.requestId, w.taskId)) {
                        return release(w);
                    }
                }, executor);
                done.whenComplete((ok, failure) -> wakeUp.run());
                releases.put(w.requestId, done);
            }
        }
    }

    /** @return whether it is released (or there is nothing left to release) */
    private boolean release(Watched w) {
        try {
            clusters.gateway(w.following.target()).release(w.jobId());
            return true;
        } catch (RefusedException | IllegalArgumentException e) {
            return true; // its entry is gone: nothing the worker can release any more
        } catch (RuntimeException e) {
            log.info("Releasing the cluster of job {} failed; trying again: {}", w.jobId(),
                    redaction.mask(e.toString()));
            return false;
        }
    }

    private boolean released(RequestId requestId, boolean done, Map<Integer, Ledger> ledgers,
                             List<Runnable> afterCommit) {
        Watched w = watched.get(requestId);
        if (!done || w == null || ledgers.get(w.partition) == null) {
            return false;
        }
        Following following = w.following.releasedNow();
        if (!record(w, following, ledgers)) {
            return false;
        }
        afterCommit.add(() -> watched.remove(requestId));
        return true;
    }

    /** What a cluster's answer means for each job it was asked about. */
    private boolean apply(Probe probe, Map<Integer, Ledger> ledgers, Instant now, List<Runnable> afterCommit) {
        Result result = probe.result().join();
        boolean wrote = false;
        for (RequestId requestId : probe.asked()) {
            Watched w = watched.get(requestId);
            if (w == null || w.following.terminal() || ledgers.get(w.partition) == null) {
                continue;
            }
            Following following = w.following;
            StatusEvent event = null;
            if (result.gone() != null) {
                event = unknown(w, result.gone(), now);
            } else if (result.unreachable() || result.observation().unreachable().contains(w.jobId())) {
                Instant since = following.unreachableSince() == null ? now : following.unreachableSince();
                if (!now.isBefore(since.plus(settings.lostAfter()))) {
                    event = unknown(w, "its cluster could not be asked for " + settings.lostAfter(), now);
                } else if (following.unreachableSince() == null) {
                    following = following.unreachable(now); // recorded, so that a new owner counts from it too
                }
            } else {
                ClusterGateway.JobState state = result.observation().jobs().get(w.jobId());
                if (state == null) {
                    event = unknown(w, "its cluster no longer knows it (a session cluster forgets a finished job "
                            + "after jobstore.expiration-time, and a cluster that was replaced forgets them all)", now);
                } else {
                    following = following.unreachable(null);
                    if (!state.status().equals(following.status()) && !causeToCome(state, now)) {
                        event = event(w, state, now);
                    }
                }
            }
            if (event != null) {
                events.publish(event);
                following = following.published(event.status(), event.terminal());
                try (LogContext context = LogContext.of(requestId, w.taskId)) {
                    log.info("Request {}: job {} is {}{}", requestId, w.jobId(), event.status(),
                            event.reason() == null ? "" : " (" + event.reason() + ")");
                }
                String status = event.status();
                afterCommit.add(() -> telemetry.statusEvent(status));
            }
            if (!following.equals(w.following) && record(w, following, ledgers)) {
                Following recorded = following;
                afterCommit.add(() -> {
                    w.following = recorded;
                    if (recorded.settled()) {
                        watched.remove(requestId, w);
                    }
                });
                wrote = true;
            }
        }
        return wrote;
    }

    private static boolean causeToCome(ClusterGateway.JobState state, Instant now) {
        return "FAILED".equals(state.status()) && state.failure() == null && state.endTime() != null
                && now.isBefore(Instant.ofEpochMilli(state.endTime()).plus(CAUSE_GRACE));
    }

    /** The request's DONE entry with its job followed this far, in the unit of work. */
    private static boolean record(Watched w, Following following, Map<Integer, Ledger> ledgers) {
        Ledger ledger = ledgers.get(w.partition);
        Optional<LedgerEntry> entry = ledger.find(w.requestId).filter(done -> done.following() != null);
        entry.ifPresent(done -> ledger.record(done.with(following)));
        return entry.isPresent();
    }

    private StatusEvent event(Watched w, ClusterGateway.JobState state, Instant now) {
        String failure = state.failure() == null ? null : redaction.mask(bounded(state.failure()));
        return new StatusEvent(w.requestId, w.taskId, w.jobId(), w.following.cluster(), w.following.clusterId(),
                state.status(), w.following.status(), w.following.sequence() + 1,
                StatusEvent.terminal(state.status()), now, state.startTime(), state.endTime(), failure,
                state.checkpoint() == null ? null : redaction.mask(state.checkpoint()), null);
    }

    private static StatusEvent unknown(Watched w, String reason, Instant now) {
        return new StatusEvent(w.requestId, w.taskId, w.jobId(), w.following.cluster(), w.following.clusterId(),
                StatusEvent.UNKNOWN, w.following.status(), w.following.sequence() + 1, true, now, null, null, null,
                null, reason);
    }

    private static String bounded(String text) {
        return text.length() <= MAX_FAILURE ? text : text.substring(0, MAX_FAILURE) + "...";
    }
}
