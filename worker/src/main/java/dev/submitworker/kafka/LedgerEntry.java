package dev.submitworker.kafka;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.submitworker.dinky.SubmitTaskCommand;
import dev.submitworker.dinky.ResultEnvelope;
import java.time.Instant;

/**
 * One record of the ledger topic, keyed by requestId. {@code SUBMITTING} is written (durably, before the job is sent
 * to Flink) with the JobID and the command's fingerprint; {@code DONE} carries the answer and is written in the same
 * Kafka transaction as the answer itself and the command's offset.
 *
 * <p>{@code PARKED} holds a command whose cluster could not be reached: written with the command's offset, it is retried
 * in the background until it is answered or its deadline passes (see {@link RetryLanes}).
 *
 * @param at       when the entry was made; for PARKED, when the cluster was first found unreachable
 * @param envelope the answer; only in DONE entries
 * @param command  the command; only in PARKED entries
 * @param cluster  the cluster entry the command waits for; only in PARKED entries
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LedgerEntry(State state, String requestId, String fingerprint, String jobId, Integer taskId, Instant at,
                          ResultEnvelope envelope, SubmitTaskCommand command, String cluster) {

    public enum State {
        SUBMITTING,
        PARKED,
        DONE
    }

    public static LedgerEntry submitting(String requestId, String fingerprint, String jobId, int taskId, Instant at) {
        return new LedgerEntry(State.SUBMITTING, requestId, fingerprint, jobId, taskId, at, null, null, null);
    }

    public static LedgerEntry done(String fingerprint, ResultEnvelope envelope, Instant at) {
        String jobId = envelope.data() == null ? null : envelope.data().jobId();
        return new LedgerEntry(State.DONE, envelope.requestId(), fingerprint, jobId, envelope.taskId(), at, envelope,
                null, null);
    }

    public static LedgerEntry parked(SubmitTaskCommand command, String fingerprint, String jobId, String cluster,
                                     Instant firstFailure) {
        return new LedgerEntry(State.PARKED, command.requestId(), fingerprint, jobId, command.id(), firstFailure, null,
                command, cluster);
    }
}
