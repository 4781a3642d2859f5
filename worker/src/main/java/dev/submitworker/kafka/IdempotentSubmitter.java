package dev.submitworker.kafka;

import dev.submitworker.core.RequestId;
import dev.submitworker.dinky.SubmitTaskCommand;
import dev.submitworker.dinky.Envelopes;
import dev.submitworker.dinky.ResultEnvelope;
import dev.submitworker.dinky.SubmissionReport;
import dev.submitworker.submit.SubmissionGuard;
import dev.submitworker.submit.SubmissionService;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.flink.api.common.JobID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Exactly one Flink job and one answer per requestId. Consults the ledger before anything reaches Flink:
 * <ul>
 *   <li>answered before, same command: the first answer again, flagged as a duplicate; Flink is not touched;</li>
 *   <li>same requestId, different command: refused (code 6); the first submission stands;</li>
 *   <li>waiting for its cluster (PARKED): nothing to do, the answer comes when the cluster does;</li>
 *   <li>SUBMITTING without DONE (a worker died mid-way): the cluster is asked for the request's JobID first;</li>
 *   <li>unknown: SUBMITTING is made durable, then the job is submitted.</li>
 * </ul>
 * The answer is recorded as DONE in the caller's transaction. A command whose cluster cannot be reached is not
 * answered yet: it is PARKED (in the same transaction as its offset) and retried in its cluster's lane
 * ({@link RetryLanes}) until it is answered or its deadline passes; then it is answered with code 5. A code-5 answer is
 * not final: the same command sent again is tried again.
 */
public final class IdempotentSubmitter {

    private static final Logger log = LoggerFactory.getLogger(IdempotentSubmitter.class);

    private final SubmissionLedger ledger;
    private final SubmissionService submissions;
    private final Envelopes envelopes;
    private final RetryLanes lanes;
    private final ResultPublisher publisher;
    private final Consumer<Runnable> transaction;
    private final Duration retryDeadline;
    private final Clock clock;

    /**
     * @param transaction runs its argument in a Kafka transaction of its own (retries run outside the listener's)
     */
    public IdempotentSubmitter(SubmissionLedger ledger, SubmissionService submissions, Envelopes envelopes,
                               RetryLanes lanes, ResultPublisher publisher, Consumer<Runnable> transaction,
                               Duration retryDeadline, Clock clock) {
        this.ledger = ledger;
        this.submissions = submissions;
        this.envelopes = envelopes;
        this.lanes = lanes;
        this.publisher = publisher;
        this.transaction = transaction;
        this.retryDeadline = retryDeadline;
        this.clock = clock;
    }

    /**
     * An answer to publish.
     *
     * @param repeated the request's first answer again (a duplicate's): published with
     *                 {@link ResultPublisher#publishAgain}, which need not wait for the transaction
     */
    public record Answer(ResultEnvelope envelope, boolean repeated) {}

    /**
     * @param partition the commands partition the command came from (the ledger partition it belongs to)
     * @return the answer to publish, or empty when the command waits for its cluster
     */
    public Optional<Answer> handle(int partition, SubmitTaskCommand command) {
        String fingerprint = Fingerprint.of(command);
        Optional<LedgerEntry> known = ledger.lookup(partition, command.requestId());
        if (known.isPresent() && !known.get().fingerprint().equals(fingerprint)) {
            return Optional.of(new Answer(conflict(command, known.get()), false));
        }
        if (known.isPresent() && known.get().state() == LedgerEntry.State.DONE) {
            log.debug("Request {} was answered before; answering again as a duplicate", command.requestId());
            return Optional.of(new Answer(known.get().envelope().asDuplicate(), true));
        }
        if (known.isPresent() && known.get().state() == LedgerEntry.State.PARKED) {
            log.info("Request {} is already waiting for cluster '{}'", command.requestId(), known.get().cluster());
            return Optional.empty();
        }
        Optional<String> cluster = submissions.clusterOf(command);
        if (cluster.isPresent() && lanes.isWaiting(cluster.get())) {
            // its cluster is known to be down: wait behind the others instead of paying a failed try
            park(partition, command, fingerprint, cluster.get());
            return Optional.empty();
        }
        long[] ledgerNanos = {0};
        LedgerEntry intent = LedgerEntry.submitting(command.requestId(), fingerprint,
                new RequestId(command.requestId()).jobId(), command.id(), clock.instant());
        // a command that can reach a cluster writes its intent now, while its job compiles; others only if they must
        SubmissionLedger.Durable early = cluster.isPresent() ? ledger.recordSubmitting(partition, intent) : null;
        SubmissionReport report = submissions.submit(command, new SubmissionGuard() {
            @Override
            public void beforeSubmit(JobID jobId) {
                long start = System.nanoTime();
                (early != null ? early : ledger.recordSubmitting(partition, intent)).await();
                ledgerNanos[0] += System.nanoTime() - start;
            }

            @Override
            public boolean mayHaveBeenSubmitted() {
                return known.isPresent();
            }
        });
        if (early != null) {
            early.await(); // before DONE or PARKED: the ledger keeps the last entry of a requestId
        }
        if (report.code() == ResultEnvelope.EXCEPTION && report.clusterName() != null) {
            log.info("Request {}: cluster '{}' could not be reached; retrying for up to {}", command.requestId(),
                    report.clusterName(), retryDeadline);
            park(partition, command, fingerprint, report.clusterName());
            return Optional.empty();
        }
        ResultEnvelope envelope = envelopes.toEnvelope(report);
        long start = System.nanoTime();
        ledger.recordTransactionally(partition, LedgerEntry.done(fingerprint, envelope, clock.instant()));
        ledgerNanos[0] += System.nanoTime() - start;
        if (log.isDebugEnabled()) {
            logCost(command.requestId(), ledgerNanos[0]);
        }
        return Optional.of(new Answer(envelope, false));
    }

    private void park(int partition, SubmitTaskCommand command, String fingerprint, String cluster) {
        LedgerEntry parked = LedgerEntry.parked(command, fingerprint, new RequestId(command.requestId()).jobId(),
                cluster, clock.instant());
        ledger.recordTransactionally(partition, parked);
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                lanes.park(partition, parked);
            }
        });
    }

    /**
     * One retry of a parked command, in a transaction of its own: the answer (DONE, or at the deadline a code-5 answer
     * that leaves the request open to a resend) and its ledger entry commit together.
     */
    public boolean retry(int partition, LedgerEntry parked, boolean lastAttempt) {
        Optional<LedgerEntry> current;
        try {
            current = ledger.lookup(partition, parked.requestId());
        } catch (IllegalStateException notOwned) {
            return true; // the partition moved to another worker, which retries it from the ledger
        }
        if (current.isEmpty() || current.get().state() != LedgerEntry.State.PARKED) {
            return true;
        }
        boolean[] answered = {false};
        transaction.accept(() -> {
            SubmissionReport report = submissions.submit(parked.command(), PARKED_GUARD);
            boolean unreachable = report.code() == ResultEnvelope.EXCEPTION;
            if (unreachable && !lastAttempt) {
                return;
            }
            ResultEnvelope envelope = envelopes.toEnvelope(unreachable
                    ? report.withMessage(report.msg() + "; gave up after " + retryDeadline + " of retries")
                    : report);
            ledger.recordTransactionally(partition, unreachable
                    ? LedgerEntry.submitting(parked.requestId(), parked.fingerprint(), parked.jobId(),
                            parked.taskId(), clock.instant())
                    : LedgerEntry.done(parked.fingerprint(), envelope, clock.instant()));
            publisher.publish(envelope);
            answered[0] = true;
        });
        if (answered[0]) {
            log.info("Request {}: answered after waiting for cluster '{}'", parked.requestId(), parked.cluster());
        }
        return answered[0];
    }

    /** A parked command may have reached its cluster before the cluster went away; PARKED is its durable intent. */
    private static final SubmissionGuard PARKED_GUARD = new SubmissionGuard() {
        @Override
        public void beforeSubmit(JobID jobId) {}

        @Override
        public boolean mayHaveBeenSubmitted() {
            return true;
        }
    };

    private ResultEnvelope conflict(SubmitTaskCommand command, LedgerEntry first) {
        String msg = "requestId '" + command.requestId() + "' was already used for a different command (task "
                + first.taskId() + (first.jobId() == null ? "" : ", job " + first.jobId())
                + "); that submission stands. Use a new requestId for a new submission.";
        String error = "conflicting command for requestId " + command.requestId() + ": task " + command.id()
                + " now, task " + first.taskId() + " first";
        return envelopes.toEnvelope(SubmissionReport.failure(command.requestId(), command.id(), clock.instant(),
                ResultEnvelope.BAD_PARAMETERS, msg, error));
    }

    /** What exactly-once costs a command: the ledger writes, and the commit of answer, DONE and offset together. */
    private static void logCost(String requestId, long ledgerNanos) {
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            private long commitStart;

            @Override
            public void beforeCommit(boolean readOnly) {
                commitStart = System.nanoTime();
            }

            @Override
            public void afterCommit() {
                log.debug("Request {}: ledger writes {} ms, transaction commit {} ms", requestId,
                        ledgerNanos / 1_000_000.0, (System.nanoTime() - commitStart) / 1_000_000.0);
            }
        });
    }
}
