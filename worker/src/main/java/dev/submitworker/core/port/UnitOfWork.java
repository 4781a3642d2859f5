package dev.submitworker.core.port;

/**
 * The transaction boundary. Everything written through the ledger, answers and intake ports since the last commit
 * becomes durable together with the positions of the records read so far, or not at all. It commits only while this
 * worker still owns the partitions it wrote for: an owner that lost them (it froze, its session expired) fails to
 * commit, so it can never answer for a partition that moved on.
 */
public interface UnitOfWork {

    /**
     * Writes from now on are made for this cause (the record being handled, or whatever the caller blames for them),
     * or for none: a write that fails at commit hands its cause back in the exception.
     */
    void attribute(Object cause);

    /**
     * @return whether anything was made durable (false: there was nothing new to write)
     * @throws CommitFailedException nothing was made durable; the exception names the record to blame, if any
     */
    boolean commit();

    void abort();

    /**
     * The commit failed; {@link #blamed()} is the cause of the write that was refused, or null when no write was
     * (Kafka was unavailable, this worker lost its partitions).
     */
    class CommitFailedException extends RuntimeException {

        private final transient Object blamed;

        public CommitFailedException(String message, Throwable cause, Object blamed) {
            super(message, cause);
            this.blamed = blamed;
        }

        public Object blamed() {
            return blamed;
        }
    }
}
