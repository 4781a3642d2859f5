package dev.submitworker.ledger;

import dev.submitworker.command.SubmitTaskCommand;
import dev.submitworker.result.Envelopes;
import dev.submitworker.result.ResultEnvelope;
import dev.submitworker.result.SubmissionReport;
import dev.submitworker.submit.SubmissionGuard;
import dev.submitworker.submit.SubmissionService;
import java.time.Clock;
import java.util.Optional;
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
 *   <li>SUBMITTING without DONE (a worker died mid-way): the cluster is asked for the request's JobID first;</li>
 *   <li>unknown: SUBMITTING is made durable, then the job is submitted.</li>
 * </ul>
 * The answer is recorded as DONE in the caller's transaction, except answers with code 5 (the cluster could not be
 * reached): those are not final, and the same command sent again is tried again.
 */
public final class IdempotentSubmitter {

    private static final Logger log = LoggerFactory.getLogger(IdempotentSubmitter.class);

    private final SubmissionLedger ledger;
    private final SubmissionService submissions;
    private final Envelopes envelopes;
    private final Clock clock;

    public IdempotentSubmitter(SubmissionLedger ledger, SubmissionService submissions, Envelopes envelopes,
                               Clock clock) {
        this.ledger = ledger;
        this.submissions = submissions;
        this.envelopes = envelopes;
        this.clock = clock;
    }

    /**
     * @param partition the commands partition the command came from (the ledger partition it belongs to)
     * @return the envelope to publish
     */
    public ResultEnvelope handle(int partition, SubmitTaskCommand command) {
        String fingerprint = Fingerprint.of(command);
        Optional<LedgerEntry> known = ledger.lookup(partition, command.requestId());
        if (known.isPresent() && !known.get().fingerprint().equals(fingerprint)) {
            return conflict(command, known.get());
        }
        if (known.isPresent() && known.get().state() == LedgerEntry.State.DONE) {
            log.info("Request {} was answered before; answering again as a duplicate", command.requestId());
            return known.get().envelope().asDuplicate();
        }
        boolean mayHaveBeenSubmitted = known.isPresent();
        long[] ledgerNanos = {0};
        SubmissionReport report = submissions.submit(command, new SubmissionGuard() {
            @Override
            public void beforeSubmit(JobID jobId) {
                long start = System.nanoTime();
                ledger.recordSubmitting(partition, LedgerEntry.submitting(command.requestId(), fingerprint,
                        jobId.toHexString(), command.id(), clock.instant()));
                ledgerNanos[0] += System.nanoTime() - start;
            }

            @Override
            public boolean mayHaveBeenSubmitted() {
                return mayHaveBeenSubmitted;
            }
        });
        ResultEnvelope envelope = envelopes.toEnvelope(report);
        if (envelope.code() != ResultEnvelope.EXCEPTION) {
            long start = System.nanoTime();
            ledger.recordDone(partition, LedgerEntry.done(fingerprint, envelope, clock.instant()));
            ledgerNanos[0] += System.nanoTime() - start;
        }
        if (log.isDebugEnabled()) {
            logCost(command.requestId(), ledgerNanos[0]);
        }
        return envelope;
    }

    /** What exactly-once costs a command: the ledger writes, and the commit of answer, DONE and offset together. */
    private static void logCost(String requestId, long ledgerNanos) {
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            log.debug("Request {}: ledger writes {} ms", requestId, ledgerNanos / 1_000_000.0);
            return;
        }
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

    private ResultEnvelope conflict(SubmitTaskCommand command, LedgerEntry first) {
        String msg = "requestId '" + command.requestId() + "' was already used for a different command (task "
                + first.taskId() + (first.jobId() == null ? "" : ", job " + first.jobId())
                + "); that submission stands. Use a new requestId for a new submission.";
        String error = "conflicting command for requestId " + command.requestId() + ": task " + command.id()
                + " now, task " + first.taskId() + " first";
        return envelopes.toEnvelope(SubmissionReport.failure(command.requestId(), command.id(), clock.instant(),
                ResultEnvelope.BAD_PARAMETERS, msg, error));
    }
}
