package dev.submitworker.core.port;

import dev.submitworker.core.Incoming;
import dev.submitworker.core.SubmitCommand;

/** What happens to records that are not handled here. Writes are part of the current unit of work. */
public interface Intake {

    /** Copies the record, unchanged, to the dead-letter topic with the reason (and failure, if any) in its headers. */
    void deadLetter(Incoming record, String reason, Throwable failure);

    /** Passes a command on to the commands partition of its requestId. */
    void forward(Incoming record, int partition);

    /**
     * Passes a restart on to the partition of its next step ({@link dev.submitworker.core.Control.Step}): its target's
     * to be checked, or, checked, its own with the task it is to submit. The record's value stays as it was sent.
     */
    void passOn(Incoming record, SubmitCommand next);
}
