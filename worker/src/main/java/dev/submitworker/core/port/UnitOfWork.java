package dev.submitworker.core.port;

import dev.submitworker.core.Incoming;

/**
 * The transaction boundary. Everything written through the ledger, answers and intake ports since the last commit
 * becomes durable together with the positions of the records read so far, or not at all. It commits only while this
 * worker still owns the partitions it wrote for: an owner that lost them (it froze, its session expired) fails to
 * commit, so it can never answer for a partition that moved on.
 */
public interface UnitOfWork {

    /** Writes from now on are made for this record: a write that fails at commit names it. */
    void attribute(Incoming record);

    /** @throws CommitFailedException nothing was made durable; the exception names the record to blame, if any */
    void commit();

    void abort();

    /** The commit failed; {@link #blamed()} is the record whose write was refused, or null (Kafka was unavailable). */
    class CommitFailedException extends RuntimeException {

        private final transient Incoming blamed;

        public CommitFailedException(String message, Throwable cause, Incoming blamed) {
            super(message, cause);
            this.blamed = blamed;
        }

        public Incoming blamed() {
            return blamed;
        }
    }
}
