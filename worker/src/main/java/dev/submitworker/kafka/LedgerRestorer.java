package dev.submitworker.kafka;

import dev.submitworker.core.LedgerEntry;
import dev.submitworker.core.RequestId;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a ledger partition into an index, from where the index stands to the end: the last stable offset, since it
 * reads committed records only, so an owner that lost the partition and still has a transaction open (it can no
 * longer commit it) is not waited for. Runs off the consumer's thread, while the commands partition is paused.
 */
final class LedgerRestorer {

    private static final Logger log = LoggerFactory.getLogger(LedgerRestorer.class);
    private static final Duration POLL = Duration.ofMillis(200);

    private final Map<String, Object> consumerConfig;
    private final String topic;
    private final Duration retention;
    private final Clock clock;
    private final Supplier<LedgerIndex> newIndex;

    /** @param consumerConfig the connection settings (bootstrap, security); restoring adds what it needs */
    LedgerRestorer(Map<String, Object> consumerConfig, String topic, Duration retention, Clock clock,
                   Supplier<LedgerIndex> newIndex) {
        Map<String, Object> config = new HashMap<>(consumerConfig);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        this.consumerConfig = config;
        this.topic = topic;
        this.retention = retention;
        this.clock = clock;
        this.newIndex = newIndex;
    }

    /** @throws RuntimeException the ledger could not be read: the partition must not open without it */
    LedgerIndex restore(int partition) {
        long start = System.nanoTime();
        LedgerIndex index = newIndex.get();
        TopicPartition tp = new TopicPartition(topic, partition);
        Instant horizon = clock.instant().minus(retention);
        long records = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerConfig)) {
            consumer.assign(List.of(tp));
            consumer.seek(tp, index.nextOffset());
            long end = consumer.endOffsets(List.of(tp)).get(tp);
            while (consumer.position(tp) < end) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                    records++;
                    apply(index, record, horizon);
                }
            }
        } catch (RuntimeException e) {
            index.close();
            throw e;
        }
        log.info("Ledger partition {} restored: {} entries from {} records in {} ms", partition, index.size(), records,
                (System.nanoTime() - start) / 1_000_000);
        return index;
    }

    private static void apply(LedgerIndex index, ConsumerRecord<byte[], byte[]> record, Instant horizon) {
        RequestId requestId = new RequestId(new String(record.key(), StandardCharsets.UTF_8));
        if (record.value() == null) {
            index.remove(requestId, record.offset());
            return;
        }
        LedgerEntry entry;
        try {
            entry = LedgerCodec.decode(record.value());
        } catch (IOException e) {
            log.warn("Ledger record {}-{}@{} is unreadable and ignored: {}", record.topic(), record.partition(),
                    record.offset(), e.getMessage());
            return;
        }
        if (entry.at().isBefore(horizon)) {
            index.remove(requestId, record.offset());
        } else {
            index.put(entry, record.offset());
        }
    }
}
