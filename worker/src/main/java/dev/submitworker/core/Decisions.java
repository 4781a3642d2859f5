package dev.submitworker.core;

import java.time.Duration;
import java.time.Instant;

/**
 * The decision table of exactly-once submission, as two pure functions. Everything else in the core carries out what
 * these decide.
 *
 * <pre>
 * a command arrives; the ledger knows the requestId as ...        decision
 * ------------------------------------------------------------------------------------------------------------
 * (any state), but the command differs (another fingerprint)       CONFLICT: refused, the first one stands
 * DONE                                                             REPEAT: the first answer again, as a duplicate
 * PENDING, or its submission is under way in this worker           JOIN: answered with the first answer when it comes
 * GAVE_UP (answered at the deadline)                               RESUME: tried again, asking the cluster first
 * unknown                                                          RUN: submitted
 *
 * a submission ended ...                                           decision
 * ------------------------------------------------------------------------------------------------------------
 * in any way but "cluster unreachable"                             ANSWER: the answer, and DONE in the ledger
 * cluster unreachable, before the deadline (first failure + it)    RETRY: PENDING, tried again after a backoff
 * cluster unreachable, at or past the deadline                     GIVE_UP: answered (code 5), GAVE_UP in the ledger
 *
 * a command on a job is to be run; its target's partition found     decision
 * the target ...
 * ------------------------------------------------------------------------------------------------------------
 * unknown (or the target is the command itself)                    UNKNOWN_TARGET: refused (code 6)
 * under way: not answered yet                                      NOT_ANSWERED: refused (code 1)
 * answered without a job (refused, failed, gave up)                NO_JOB: refused (code 1)
 * answered with a job whose end has been seen, but for a restart   ENDED: refused (code 1), naming the status
 * answered with a job not seen to end, or a restart's              ACT: the cluster is asked (and may say it ended)
 * </pre>
 *
 * <p>This is decided in the command's own partition, after its target's partition passed on what it found, and only
 * for the first copy of the command to get there: a later copy is a duplicate of the first, whatever was found for it
 * (the target may have ended meanwhile, by this very command). A restart is not refused for a target whose end has
 * been seen: the cluster tells whether one without a savepoint path can stop it.
 */
final class Decisions {

    private Decisions() {}

    enum OnCommand { CONFLICT, REPEAT, JOIN, RESUME, RUN }

    enum OnOutcome { ANSWER, RETRY, GIVE_UP }

    enum OnControl { UNKNOWN_TARGET, NOT_ANSWERED, NO_JOB, ENDED, ACT }

    /**
     * @param known              the ledger's entry for the requestId, or null
     * @param fingerprintInFlight the fingerprint of a submission of the requestId under way here, or null
     */
    static OnCommand onCommand(SubmitCommand command, LedgerEntry known, String fingerprintInFlight) {
        String fingerprint = command.fingerprint();
        if (known != null && !known.fingerprint().equals(fingerprint)
                || fingerprintInFlight != null && !fingerprintInFlight.equals(fingerprint)) {
            return OnCommand.CONFLICT;
        }
        if (fingerprintInFlight != null) {
            return OnCommand.JOIN;
        }
        if (known == null) {
            return OnCommand.RUN;
        }
        return switch (known.state()) {
            case DONE -> OnCommand.REPEAT;
            case PENDING -> OnCommand.JOIN;
            case GAVE_UP -> OnCommand.RESUME;
        };
    }

    /** @param command a command on a job, checked: {@code command.control().found()} is what was found */
    static OnControl onControl(SubmitCommand command) {
        Control.Found found = command.control().found();
        if (command.requestId().equals(command.control().target())) {
            return OnControl.UNKNOWN_TARGET;
        }
        return switch (found.state()) {
            case UNKNOWN -> OnControl.UNKNOWN_TARGET;
            case UNDER_WAY -> OnControl.NOT_ANSWERED;
            case NO_JOB, GAVE_UP -> OnControl.NO_JOB;
            case JOB -> found.ended() != null && command.control().action() != Control.Action.RESTART
                    ? OnControl.ENDED : OnControl.ACT;
        };
    }

    /**
     * @param firstFailure when the cluster was first found unreachable for this request (now, if this is the first
     *                     time)
     */
    static OnOutcome onOutcome(Outcome outcome, Instant firstFailure, Instant now, Duration deadline) {
        if (!(outcome instanceof Outcome.Unreachable)) {
            return OnOutcome.ANSWER;
        }
        return now.isBefore(firstFailure.plus(deadline)) ? OnOutcome.RETRY : OnOutcome.GIVE_UP;
    }
}
