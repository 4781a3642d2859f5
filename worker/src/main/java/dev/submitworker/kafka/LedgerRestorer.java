package dev.submitworker.kafka;

import dev.submitworker.core.RequestId;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a ledger partition into an index, from where the index stands to the end of the log. It reads committed
 * records only, and waits for a transaction still open below the end (an owner that lost the partition had one; it
 * cannot commit it, and it is aborted within {@code transaction.timeout.ms}), so that no committed entry after it is
 * missed. Runs off the consumer's thread, while the commands partition is paused.
 */
final class LedgerRestorer {

    private static final Logger log = LoggerFactory.getLogger(LedgerRestorer.class);
    private static final Duration POLL = Duration.ofMillis(200);

    private static final Duration OPEN_TRANSACTION_WARNING = Duration.ofSeconds(10);

    private final Map<String, Object> consumerConfig;
    private final Map<String, Object> uncommittedConfig;
    private final String topic;
    private final Duration retention;
    private final Clock clock;
    private final IntFunction<LedgerIndex> openIndex;

    /**
     * @param consumerConfig the connection settings (bootstrap, security); restoring adds what it needs
     * @param openIndex      a partition's index as this process has it: what it already reflects is not read again
     */
    LedgerRestorer(Map<String, Object> consumerConfig, String topic, Duration retention, Clock clock,
                   IntFunction<LedgerIndex> openIndex) {
        Map<String, Object> config = new HashMap<>(consumerConfig);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        // a restore reads whole partitions: large fetches save thousands of round trips
        config.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 << 20);
        config.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 64 << 20);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        this.consumerConfig = config;
        Map<String, Object> uncommitted = new HashMap<>(config);
        uncommitted.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        this.uncommittedConfig = uncommitted;
        this.topic = topic;
        this.retention = retention;
        this.clock = clock;
        this.openIndex = openIndex;
    }

    /** @throws RuntimeException the ledger could not be read: the partition must not open without it */
    LedgerIndex restore(int partition) {
        long start = System.nanoTime();
        LedgerIndex index = openIndex.apply(partition);
        TopicPartition tp = new TopicPartition(topic, partition);
        Instant horizon = clock.instant().minus(retention);
        long records = 0;
        long from = index.nextOffset();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerConfig);
             KafkaConsumer<byte[], byte[]> uncommitted = new KafkaConsumer<>(uncommittedConfig)) {
            consumer.assign(List.of(tp));
            // the end of the log, not the last stable offset: records committed after a transaction still open (an
            // owner that lost the partition, until it is aborted) must be read too, so wait for it to be resolved
            long end = uncommitted.endOffsets(List.of(tp)).get(tp);
            if (from > end) {
                log.warn("The ledger store of partition {} reflects offset {}, beyond the ledger's end {} (the topic "
                        + "was truncated): it is rebuilt", partition, from, end);
                index.clear();
                from = 0;
            }
            // what retention deleted before the store reflected it is past the retention anyway
            from = Math.max(from, consumer.beginningOffsets(List.of(tp)).get(tp));
            consumer.seek(tp, from);
            index.restoring();
            long waitingSince = System.nanoTime();
            while (consumer.position(tp) < end) {
                ConsumerRecords<byte[], byte[]> polled = consumer.poll(POLL);
                for (ConsumerRecord<byte[], byte[]> record : polled) {
                    records++;
                    apply(index, record, horizon);
                }
                if (!polled.isEmpty()) {
                    waitingSince = System.nanoTime();
                } else if (System.nanoTime() - waitingSince > OPEN_TRANSACTION_WARNING.toNanos()) {
                    log.warn("Restoring ledger partition {} waits at offset {} for a transaction to be resolved "
                            + "(at most transaction.timeout.ms)", partition, consumer.position(tp));
                    waitingSince = System.nanoTime();
                }
            }
            index.restored();
            index.expire(horizon);
        } catch (RuntimeException e) {
            index.close();
            throw e;
        }
        log.info("Ledger partition {} restored: about {} entries, {} records read from offset {} in {} ms",
                partition, index.approximateSize(), records, from, (System.nanoTime() - start) / 1_000_000);
        return index;
    }

    private static void apply(LedgerIndex index, ConsumerRecord<byte[], byte[]> record, Instant horizon) {
        RequestId requestId = new RequestId(new String(record.key(), StandardCharsets.UTF_8));
        if (record.value() == null) {
            index.remove(requestId, record.offset());
            return;
        }
        LedgerCodec.Summary summary;
        try {
            summary = LedgerCodec.summary(record.headers(), record.value());
        } catch (IOException e) {
            log.warn("Ledger record {}-{}@{} is unreadable and ignored: {}", record.topic(), record.partition(),
                    record.offset(), e.getMessage());
            return;
        }
        if (summary.atMillis() < horizon.toEpochMilli()) {
            index.remove(requestId, record.offset());
        } else {
            index.putEncoded(requestId, summary, record.value(), record.offset());
        }
    }
}
