package dev.submitworker.core.port;

import dev.submitworker.core.Incoming;

/** What happens to records that are not handled here. Writes are part of the current unit of work. */
public interface Intake {

    /** Copies the record, unchanged, to the dead-letter topic with the reason (and failure, if any) in its headers. */
    void deadLetter(Incoming record, String reason, Throwable failure);

    /** Passes a command on to the commands partition of its requestId. */
    void forward(Incoming record, int partition);
}
