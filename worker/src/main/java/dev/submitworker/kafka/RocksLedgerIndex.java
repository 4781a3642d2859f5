package dev.submitworker.kafka;

import dev.submitworker.core.LedgerEntry;
import dev.submitworker.core.RequestId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.Cache;
import org.rocksdb.CompressionType;
import org.rocksdb.FlushOptions;
import org.rocksdb.MutableColumnFamilyOptions;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.Status;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteBufferManager;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A ledger partition's entries in a RocksDB store on local disk, as Kafka Streams keeps a state store: the Java heap
 * holds none of them, so it does not grow with the history. The store records, in the same atomic write as each
 * change, the ledger offset it reflects (and the ledger topic's id), so a restart on the same host replays only the
 * records written since. A store that cannot be opened or does not match the topic is deleted and rebuilt from it.
 *
 * <p>One column family, keys by prefix: {@code e<requestId>} the entry (as the ledger record holds it),
 * {@code t<at millis><requestId>} a time index for the retention, {@code p<requestId>} the PENDING entries,
 * {@code m<name>} what the store reflects. Memory is bounded by the block cache and the write buffer manager that all
 * stores of the process share ({@link Resources}).
 */
final class RocksLedgerIndex implements LedgerIndex {

    private static final Logger log = LoggerFactory.getLogger(RocksLedgerIndex.class);
    private static final byte ENTRY = 'e';
    private static final byte TIME = 't';
    private static final byte PENDING = 'p';
    private static final byte FOLLOWED = 'f';
    private static final byte[] NEXT_OFFSET = {'m', 'o'};
    private static final byte[] TOPIC = {'m', 't'};
    private static final byte[] NOTHING = new byte[0];
    /** A restore's batches: large enough to amortise a write, small enough not to be copied around as they grow. */
    private static final long BULK_BYTES = 1 << 20;

    /** What the stores of one process share: their memory budget. */
    static final class Resources implements AutoCloseable {

        private final Cache cache;
        private final WriteBufferManager writeBuffers;
        private final long writeBufferBytes;

        /**
         * @param memoryBytes the budget of all stores: half of it for memtables (a restore writes a lot), charged to
         *                    the same cache
         */
        Resources(long memoryBytes) {
            RocksDB.loadLibrary();
            this.cache = new org.rocksdb.LRUCache(memoryBytes);
            this.writeBufferBytes = Math.max(memoryBytes / 2, 4L << 20);
            this.writeBuffers = new WriteBufferManager(writeBufferBytes, cache);
        }

        Options options() {
            BlockBasedTableConfig table = new BlockBasedTableConfig()
                    .setBlockCache(cache)
                    .setCacheIndexAndFilterBlocks(true)
                    .setPinL0FilterAndIndexBlocksInCache(true)
                    .setFilterPolicy(new BloomFilter(10, false));
            return new Options()
                    .setCreateIfMissing(true)
                    .setWriteBufferManager(writeBuffers)
                    .setWriteBufferSize(Math.min(writeBufferBytes / 2, 64L << 20))
                    .setMaxWriteBufferNumber(3)
                    .setTableFormatConfig(table)
                    .setCompressionType(CompressionType.LZ4_COMPRESSION)
                    .setMaxOpenFiles(256)
                    .setParanoidChecks(true);
        }

        @Override
        public void close() {
            writeBuffers.close();
            cache.close();
        }
    }

    private final Path directory;
    private final RocksDB db;
    private final Options options;
    private final WriteOptions writes = new WriteOptions();
    private final WriteOptions bulkWrites = new WriteOptions().setDisableWAL(true);
    private volatile long nextOffset;
    /** While restoring: the changes not yet written, written a few thousand at a time. */
    private WriteBatch bulk;

    private RocksLedgerIndex(Path directory, RocksDB db, Options options, long nextOffset) {
        this.directory = directory;
        this.db = db;
        this.options = options;
        this.nextOffset = nextOffset;
    }

    /**
     * The store in this directory if it can be trusted to reflect this ledger topic, else a new, empty one (the old
     * one deleted): the restore then reads the topic from where the store stands.
     *
     * @param topicId the ledger topic's id: a topic deleted and created again is another ledger
     */
    static RocksLedgerIndex open(Path directory, String topicId, Resources resources) {
        try {
            RocksLedgerIndex index = tryOpen(directory, resources);
            byte[] topic = index.db.get(TOPIC);
            if (topic != null && topicId.equals(new String(topic, StandardCharsets.UTF_8))) {
                log.info("Ledger store {} reflects the ledger up to offset {}", directory, index.nextOffset);
                return index;
            }
            if (topic != null || index.nextOffset > 0) {
                log.warn("Ledger store {} belongs to another ledger topic; it is rebuilt", directory);
            }
            index.closeAndDelete();
        } catch (RocksDBException e) {
            if (e.getStatus() != null && e.getStatus().getCode() == Status.Code.IOError
                    && String.valueOf(e.getMessage()).contains("lock")) {
                // another process (or consumer) has it open: never delete what someone else uses
                throw new IllegalStateException("Ledger store " + directory + " is in use by another process; is "
                        + "worker.instance-id shared by two running workers?", e);
            }
            log.warn("Ledger store {} cannot be used ({}); it is rebuilt from the ledger topic", directory,
                    e.getMessage());
            delete(directory);
        }
        try {
            RocksLedgerIndex index = tryOpen(directory, resources);
            index.db.put(TOPIC, topicId.getBytes(StandardCharsets.UTF_8));
            return index;
        } catch (RocksDBException e) {
            throw new IllegalStateException("Cannot create the ledger store " + directory + ": " + e.getMessage(), e);
        }
    }

    private static RocksLedgerIndex tryOpen(Path directory, Resources resources) throws RocksDBException {
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create " + directory, e);
        }
        Options options = resources.options();
        try {
            RocksDB db = RocksDB.open(options, directory.toString());
            byte[] offset = db.get(NEXT_OFFSET);
            return new RocksLedgerIndex(directory, db, options, offset == null ? 0 : ByteBuffer.wrap(offset).getLong());
        } catch (RocksDBException e) {
            options.close();
            throw e;
        }
    }

    @Override
    public Optional<LedgerEntry> get(RequestId requestId) {
        try {
            byte[] value = db.get(key(ENTRY, requestId));
            return value == null ? Optional.empty() : Optional.of(LedgerCodec.decode(value));
        } catch (RocksDBException e) {
            throw new IllegalStateException("Reading the ledger store " + directory + " failed: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new IllegalStateException("The ledger store " + directory + " holds an unreadable entry for "
                    + requestId + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void put(LedgerEntry entry, long offset) {
        putEncoded(entry.requestId(), LedgerCodec.Summary.of(entry), LedgerCodec.encode(entry), offset);
    }

    @Override
    public void putEncoded(RequestId requestId, LedgerCodec.Summary summary, byte[] value, long offset) {
        write(offset, batch -> {
            if (bulk == null) {
                // while restoring, an entry written twice in a batch may leave a stale index key: see restoring()
                unindex(batch, requestId);
            }
            byte[] id = requestId.value().getBytes(StandardCharsets.UTF_8);
            batch.put(key(ENTRY, id), value);
            batch.put(timeKey(summary.atMillis(), id), NOTHING);
            if (summary.state() == LedgerEntry.State.PENDING) {
                batch.put(key(PENDING, id), NOTHING);
            }
            if (summary.followed()) {
                batch.put(key(FOLLOWED, id), NOTHING);
            }
        });
    }

    @Override
    public void remove(RequestId requestId, long offset) {
        write(offset, batch -> {
            unindex(batch, requestId);
            batch.delete(key(ENTRY, requestId));
        });
    }

    /** Removes the time and pending index keys of the entry the store holds now, if any. */
    private void unindex(WriteBatch batch, RequestId requestId) throws RocksDBException {
        Optional<LedgerEntry> before = get(requestId);
        if (before.isPresent()) {
            byte[] id = requestId.value().getBytes(StandardCharsets.UTF_8);
            batch.delete(timeKey(before.get().at().toEpochMilli(), id));
            batch.delete(key(PENDING, id));
            batch.delete(key(FOLLOWED, id));
        }
    }

    private interface Change {
        void apply(WriteBatch batch) throws RocksDBException;
    }

    private void write(long offset, Change change) {
        long next = Math.max(nextOffset, offset + 1);
        try {
            if (bulk != null) {
                change.apply(bulk);
                if (bulk.getDataSize() >= BULK_BYTES) {
                    bulk.put(NEXT_OFFSET, ByteBuffer.allocate(8).putLong(next).array());
                    db.write(bulkWrites, bulk);
                    bulk.clear();
                }
            } else {
                try (WriteBatch batch = new WriteBatch()) {
                    change.apply(batch);
                    batch.put(NEXT_OFFSET, ByteBuffer.allocate(8).putLong(next).array());
                    db.write(writes, batch);
                }
            }
            nextOffset = next;
        } catch (RocksDBException e) {
            throw new IllegalStateException("Writing the ledger store " + directory + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * While restoring, changes are written in large batches that skip RocksDB's write-ahead log. The store has one
     * column family, whose memtable is flushed whole, entries and offset together: a crash before
     * {@link #restored()} leaves an earlier, consistent state to go on from. An entry changed twice within a batch may
     * leave a stale index key behind, which {@link #pending()} and {@link #expire} see through.
     */
    @Override
    public void restoring() {
        bulk = new WriteBatch();
        // RocksDB's advice for a bulk load: no compactions meanwhile, and no write stalls for the level-0 files it
        // piles up; they are compacted once it is over
        tune(true);
    }

    private void tune(boolean bulkLoad) {
        try {
            db.setOptions(MutableColumnFamilyOptions.builder()
                    .setDisableAutoCompactions(bulkLoad)
                    .setLevel0SlowdownWritesTrigger(bulkLoad ? 1 << 20 : 20)
                    .setLevel0StopWritesTrigger(bulkLoad ? 1 << 20 : 36)
                    .setSoftPendingCompactionBytesLimit(bulkLoad ? 0 : 64L << 30)
                    .setHardPendingCompactionBytesLimit(bulkLoad ? 0 : 256L << 30)
                    .build());
        } catch (RocksDBException e) {
            throw new IllegalStateException("Tuning the ledger store " + directory + " failed: " + e.getMessage(), e);
        }
    }

    /** The restore is over: what it wrote is flushed to disk, and writes go through the write-ahead log again. */
    @Override
    public void restored() {
        try (WriteBatch rest = bulk; FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
            bulk = null;
            rest.put(NEXT_OFFSET, ByteBuffer.allocate(8).putLong(nextOffset).array());
            db.write(bulkWrites, rest);
            db.flush(flush);
            tune(false);
        } catch (RocksDBException e) {
            throw new IllegalStateException("Flushing the ledger store " + directory + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void clear() {
        try {
            db.deleteRange(new byte[] {0}, new byte[] {(byte) 0xFF});
            nextOffset = 0;
        } catch (RocksDBException e) {
            throw new IllegalStateException("Clearing the ledger store " + directory + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public List<LedgerEntry> pending() {
        List<LedgerEntry> pending = new ArrayList<>();
        forEachKey(PENDING, Long.MAX_VALUE, key -> get(new RequestId(new String(key, 1, key.length - 1,
                StandardCharsets.UTF_8))).filter(entry -> entry.is(LedgerEntry.State.PENDING)).ifPresent(pending::add));
        pending.sort(Comparator.comparing(LedgerEntry::at));
        return pending;
    }

    @Override
    public List<LedgerEntry> followed() {
        List<LedgerEntry> followed = new ArrayList<>();
        forEachKey(FOLLOWED, Long.MAX_VALUE, key -> get(new RequestId(new String(key, 1, key.length - 1,
                StandardCharsets.UTF_8))).filter(LedgerEntry::followed).ifPresent(followed::add));
        return followed;
    }

    @Override
    public void expire(Instant horizon) {
        List<byte[]> expired = new ArrayList<>();
        forEachKey(TIME, horizon.toEpochMilli(), expired::add);
        try (WriteBatch batch = new WriteBatch()) {
            for (byte[] timeKey : expired) {
                long millis = ByteBuffer.wrap(timeKey, 1, 8).getLong();
                RequestId requestId = new RequestId(new String(timeKey, 9, timeKey.length - 9, StandardCharsets.UTF_8));
                batch.delete(timeKey);
                // a stale index key (the entry was written again since) leaves the entry alone
                if (get(requestId).filter(entry -> entry.at().toEpochMilli() == millis).isPresent()) {
                    batch.delete(key(ENTRY, requestId));
                    batch.delete(key(PENDING, requestId));
                    batch.delete(key(FOLLOWED, requestId));
                }
            }
            db.write(writes, batch);
        } catch (RocksDBException e) {
            throw new IllegalStateException("Expiring entries of " + directory + " failed: " + e.getMessage(), e);
        }
    }

    /** The keys with this prefix, in order; for the time index only up to the given time. */
    private void forEachKey(byte prefix, long untilMillis, java.util.function.Consumer<byte[]> action) {
        byte[] upper = prefix == TIME ? ByteBuffer.allocate(9).put(TIME).putLong(untilMillis).array()
                : new byte[] {(byte) (prefix + 1)};
        try (Slice bound = new Slice(upper);
             ReadOptions read = new ReadOptions().setIterateUpperBound(bound);
             RocksIterator keys = db.newIterator(read)) {
            for (keys.seek(new byte[] {prefix}); keys.isValid(); keys.next()) {
                action.accept(keys.key());
            }
        }
    }

    @Override
    public long nextOffset() {
        return nextOffset;
    }

    @Override
    public long approximateSize() {
        try {
            // every entry has an entry key and a time key; pending and followed ones one more
            return db.getLongProperty("rocksdb.estimate-num-keys") / 2;
        } catch (RocksDBException e) {
            return -1;
        }
    }

    /** Bytes the store takes on disk. */
    long diskBytes() {
        try (Stream<Path> files = Files.walk(directory)) {
            return files.filter(Files::isRegularFile).mapToLong(file -> file.toFile().length()).sum();
        } catch (IOException e) {
            return -1;
        }
    }

    @Override
    public void close() {
        writes.close();
        bulkWrites.close();
        db.close();
        options.close();
    }

    private void closeAndDelete() {
        close();
        delete(directory);
    }

    private static void delete(Path directory) {
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete the ledger store " + directory, e);
        }
    }

    private static byte[] key(byte prefix, RequestId requestId) {
        return key(prefix, requestId.value().getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] key(byte prefix, byte[] id) {
        byte[] key = new byte[id.length + 1];
        key[0] = prefix;
        System.arraycopy(id, 0, key, 1, id.length);
        return key;
    }

    private static byte[] timeKey(long millis, byte[] id) {
        return ByteBuffer.allocate(9 + id.length).put(TIME).putLong(millis).put(id).array();
    }
}
