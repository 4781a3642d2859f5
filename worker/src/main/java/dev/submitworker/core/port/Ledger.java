package dev.submitworker.core.port;

import dev.submitworker.core.LedgerEntry;
import dev.submitworker.core.RequestId;
import java.util.List;
import java.util.Optional;

/**
 * The ledger of one commands partition, as its owner sees it. Used from the partition's own thread only.
 */
public interface Ledger {

    /** The request's entry, including one recorded in the unit of work not yet committed. */
    Optional<LedgerEntry> find(RequestId requestId);

    /** Records an entry as part of the current unit of work: durable when it commits, forgotten if it aborts. */
    void record(LedgerEntry entry);

    /** The partition's PENDING entries, oldest first: requests to finish. */
    List<LedgerEntry> pending();

    /** The partition's DONE entries whose jobs are still followed to their end. */
    List<LedgerEntry> followed();
}
