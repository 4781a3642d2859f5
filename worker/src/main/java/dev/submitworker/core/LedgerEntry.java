package dev.submitworker.core;

import java.time.Instant;
import java.util.Objects;

/**
 * What the worker remembers of a requestId, one entry per requestId in the ledger of its partition.
 *
 * <ul>
 *   <li>{@code PENDING}: accepted and not answered yet: its submission is under way or waits to be tried again (its
 *   cluster was unreachable). Holds the command, so whoever owns the partition next can finish it.</li>
 *   <li>{@code DONE}: answered; holds the first answer, which every duplicate gets again.</li>
 *   <li>{@code GAVE_UP}: answered at the retry deadline (the cluster stayed unreachable); the same command sent again
 *   is tried again, after asking the cluster whether the job got there after all.</li>
 * </ul>
 *
 * @param at                when the entry was written
 * @param command           PENDING: the command to finish
 * @param firstFailure      PENDING: when its cluster was first found unreachable (the deadline counts from there), or
 *                          null while it has not failed
 * @param waitingDuplicates PENDING: how many duplicates arrived meanwhile; each gets the first answer when it comes
 * @param answer            DONE: the first answer
 * @param following         DONE with a job: how far its status has been followed; else null
 */
public record LedgerEntry(RequestId requestId, State state, String fingerprint, int taskId, Instant at,
                          SubmitCommand command, Instant firstFailure, int waitingDuplicates, StoredAnswer answer,
                          Following following) {

    public enum State {
        PENDING,
        DONE,
        GAVE_UP
    }

    public LedgerEntry {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(fingerprint, "fingerprint");
        Objects.requireNonNull(at, "at");
    }

    public static LedgerEntry pending(SubmitCommand command, Instant at, Instant firstFailure, int waitingDuplicates) {
        return new LedgerEntry(command.requestId(), State.PENDING, command.fingerprint(), command.taskId(), at, command,
                firstFailure, waitingDuplicates, null, null);
    }

    public static LedgerEntry done(SubmitCommand command, StoredAnswer answer, Instant at) {
        return done(command, answer, at, null);
    }

    /** @param following the job to follow to its end, or null when the answer has no job */
    public static LedgerEntry done(SubmitCommand command, StoredAnswer answer, Instant at, Following following) {
        return new LedgerEntry(command.requestId(), State.DONE, command.fingerprint(), command.taskId(), at, null, null,
                0, Objects.requireNonNull(answer, "answer"), following);
    }

    public static LedgerEntry gaveUp(SubmitCommand command, Instant at) {
        return new LedgerEntry(command.requestId(), State.GAVE_UP, command.fingerprint(), command.taskId(), at, null,
                null, 0, null, null);
    }

    public LedgerEntry withWaitingDuplicates(int count, Instant now) {
        return new LedgerEntry(requestId, state, fingerprint, taskId, now, command, firstFailure, count, answer,
                following);
    }

    /** The same entry, its job followed this far. Its time stays: the retention counts from the answer. */
    public LedgerEntry with(Following following) {
        return new LedgerEntry(requestId, state, fingerprint, taskId, at, command, firstFailure, waitingDuplicates,
                answer, following);
    }

    /** Whether its job is still followed (or what was deployed for it still to be released). */
    public boolean followed() {
        return following != null && !following.settled();
    }

    public boolean is(State state) {
        return this.state == state;
    }

    /** The Flink JobID of the request. */
    public String jobId() {
        return requestId.jobId();
    }
}
