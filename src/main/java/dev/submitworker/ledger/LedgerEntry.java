package dev.submitworker.ledger;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.submitworker.result.ResultEnvelope;
import java.time.Instant;

/**
 * One record of the ledger topic, keyed by requestId. {@code SUBMITTING} is written (durably, before the job is sent
 * to Flink) with the JobID and the command's fingerprint; {@code DONE} carries the answer and is written in the same
 * Kafka transaction as the answer itself and the command's offset.
 *
 * @param envelope the answer; only in DONE entries
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LedgerEntry(State state, String requestId, String fingerprint, String jobId, Integer taskId, Instant at,
                          ResultEnvelope envelope) {

    public enum State {
        SUBMITTING,
        DONE
    }

    public static LedgerEntry submitting(String requestId, String fingerprint, String jobId, int taskId, Instant at) {
        return new LedgerEntry(State.SUBMITTING, requestId, fingerprint, jobId, taskId, at, null);
    }

    public static LedgerEntry done(String fingerprint, ResultEnvelope envelope, Instant at) {
        String jobId = envelope.data() == null ? null : envelope.data().jobId();
        return new LedgerEntry(State.DONE, envelope.requestId(), fingerprint, jobId, envelope.taskId(), at, envelope);
    }
}
