package dev.submitworker.kafka;

import dev.submitworker.core.LedgerEntry;
import dev.submitworker.core.RequestId;
import dev.submitworker.core.port.Ledger;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The ledger of one commands partition: ledger topic partition p for commands partition p. Entries are written in
 * the consumer's unit of work and reach the index once it commits; until then the consumer's own thread sees them, so
 * a requestId read twice in one round finds its first decision.
 */
final class KafkaLedger implements Ledger {

    private static final int EXPIRE_EVERY = 1_000;

    private final String topic;
    private final int partition;
    private final LedgerIndex index;
    private final KafkaUnitOfWork unitOfWork;
    private final Duration retention;
    private final Clock clock;
    private final Map<RequestId, LedgerEntry> uncommitted = new HashMap<>();
    private int writesSinceExpiry;

    KafkaLedger(String topic, int partition, LedgerIndex index, KafkaUnitOfWork unitOfWork, Duration retention,
                Clock clock) {
        this.topic = topic;
        this.partition = partition;
        this.index = index;
        this.unitOfWork = unitOfWork;
        this.retention = retention;
        this.clock = clock;
        unitOfWork.onEnd(uncommitted::clear);
    }

    @Override
    public Optional<LedgerEntry> find(RequestId requestId) {
        LedgerEntry entry = uncommitted.get(requestId);
        return entry != null ? Optional.of(entry) : index.get(requestId);
    }

    @Override
    public void record(LedgerEntry entry) {
        uncommitted.put(entry.requestId(), entry);
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, partition, null,
                entry.requestId().value().getBytes(StandardCharsets.UTF_8), LedgerCodec.encode(entry),
                LedgerCodec.headers(entry));
        unitOfWork.write(record, written -> committed(entry, written.offset()));
    }

    private void committed(LedgerEntry entry, long offset) {
        index.put(entry, offset);
        // entries past the retention leave the topic too; without this a long-lived worker would keep them
        if (++writesSinceExpiry >= EXPIRE_EVERY) {
            writesSinceExpiry = 0;
            index.expire(clock.instant().minus(retention));
        }
    }

    @Override
    public List<LedgerEntry> pending() {
        return index.pending();
    }

    @Override
    public List<LedgerEntry> followed() {
        return index.followed();
    }

    int partition() {
        return partition;
    }

    LedgerIndex index() {
        return index;
    }
}
