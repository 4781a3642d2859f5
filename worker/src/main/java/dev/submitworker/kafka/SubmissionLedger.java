package dev.submitworker.kafka;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * What the worker remembers per requestId, partitioned like the commands topic: the worker that owns commands
 * partition p holds the entries of ledger partition p.
 */
public interface SubmissionLedger {

    /** Loads the entries of these partitions; called when the worker is assigned them, before their commands. */
    void restore(Collection<Integer> partitions);

    /** Drops the entries of partitions the worker no longer owns. */
    void forget(Collection<Integer> partitions);

    /** The request's entry, including one written by this thread's open transaction. */
    Optional<LedgerEntry> lookup(int partition, String requestId);

    /**
     * Starts writing a SUBMITTING entry; it is durable (it survives a crash right after) once the returned write's
     * {@link Durable#await} has returned. Started early, the write overlaps the job's compilation.
     */
    Durable recordSubmitting(int partition, LedgerEntry entry);

    /** A write under way. */
    @FunctionalInterface
    interface Durable {

        /** Returns once the entry is durable and indexed; throws if it could not be written. Idempotent. */
        void await();
    }

    /**
     * Writes an entry (DONE, PARKED) as part of the current transaction, with the answer and the command's offset;
     * the index learns of it when the transaction commits.
     */
    void recordTransactionally(int partition, LedgerEntry entry);

    /** The PARKED entries of these partitions (commands waiting for their cluster), oldest first. */
    List<LedgerEntry> parked(Collection<Integer> partitions);
}
