package dev.submitworker.kafka;

import dev.submitworker.core.LedgerEntry;
import dev.submitworker.core.RequestId;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What this worker knows of one ledger partition: the latest committed entry of each requestId, as the compacted
 * topic would keep it. Written by the partition's consumer thread after each commit, or by the restore before the
 * partition opens.
 */
interface LedgerIndex extends AutoCloseable {

    Optional<LedgerEntry> get(RequestId requestId);

    /** The entry the ledger topic holds at this offset: the latest record of a key wins, as with compaction. */
    void put(LedgerEntry entry, long offset);

    /** The same, as the ledger record holds it (a restore indexes records without parsing them). */
    void putEncoded(RequestId requestId, LedgerCodec.Summary summary, byte[] value, long offset);

    /** A tombstone at this offset. */
    void remove(RequestId requestId, long offset);

    List<LedgerEntry> pending();

    /** The DONE entries whose jobs are still followed. */
    List<LedgerEntry> followed();

    /** Drops the entries written before the horizon: they have left the topic, or will with its retention. */
    void expire(Instant horizon);

    /** The ledger offset after the last record this index reflects. */
    long nextOffset();

    /** How many entries it holds: exact on the heap; RocksDB's estimate of its keys for a store (for logs). */
    long approximateSize();

    /** Forgets everything: the index is rebuilt from the start of the ledger. */
    void clear();

    /** A restore begins: it writes many records in a row and need not make each durable on its own. */
    default void restoring() {}

    /** The restore is over: what it wrote is durable. */
    default void restored() {}

    @Override
    void close();
}
