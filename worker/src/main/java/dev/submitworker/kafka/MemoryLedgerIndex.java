package dev.submitworker.kafka;

import dev.submitworker.core.LedgerEntry;
import dev.submitworker.core.RequestId;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** A ledger partition's entries on the heap. */
final class MemoryLedgerIndex implements LedgerIndex {

    private final Map<RequestId, LedgerEntry> entries = new ConcurrentHashMap<>();
    private volatile long nextOffset;

    @Override
    public Optional<LedgerEntry> get(RequestId requestId) {
        return Optional.ofNullable(entries.get(requestId));
    }

    @Override
    public void put(LedgerEntry entry, long offset) {
        entries.put(entry.requestId(), entry);
        nextOffset = Math.max(nextOffset, offset + 1);
    }

    @Override
    public void putEncoded(RequestId requestId, LedgerCodec.Summary summary, byte[] value, long offset) {
        try {
            put(LedgerCodec.decode(value), offset);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("Not a ledger entry: " + e.getMessage(), e);
        }
    }

    @Override
    public void remove(RequestId requestId, long offset) {
        entries.remove(requestId);
        nextOffset = Math.max(nextOffset, offset + 1);
    }

    @Override
    public List<LedgerEntry> pending() {
        return entries.values().stream().filter(entry -> entry.is(LedgerEntry.State.PENDING))
                .sorted(Comparator.comparing(LedgerEntry::at)).toList();
    }

    @Override
    public List<LedgerEntry> followed() {
        return entries.values().stream().filter(LedgerEntry::followed).toList();
    }

    @Override
    public void expire(Instant horizon) {
        entries.values().removeIf(entry -> entry.at().isBefore(horizon));
    }

    @Override
    public long nextOffset() {
        return nextOffset;
    }

    @Override
    public long approximateSize() {
        return entries.size();
    }

    @Override
    public void clear() {
        entries.clear();
        nextOffset = 0;
    }

    @Override
    public void close() {
        entries.clear();
    }
}
