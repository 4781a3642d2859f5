package dev.submitworker.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;

/** Reads the records of one requestId from the partition that holds them, as JSON, within a deadline. */
final class KeyReader {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration POLL = Duration.ofMillis(200);

    private final KafkaConsumer<String, String> consumer;
    private final TopicPartition partition;
    private final String key;

    /** Reads {@code key}'s records of {@code partition}, from where the consumer is positioned. */
    KeyReader(KafkaConsumer<String, String> consumer, TopicPartition partition, String key) {
        this.consumer = consumer;
        this.partition = partition;
        this.key = key;
        consumer.assign(List.of(partition));
    }

    /** From the partition's start: what the compacted status topic still holds. */
    KeyReader fromBeginning() {
        consumer.seekToBeginning(List.of(partition));
        return this;
    }

    /** From the partition's end as it is now (forcing the lookup): only records written after this call. */
    KeyReader fromEnd(Instant deadline) {
        consumer.seekToEnd(List.of(partition));
        consumer.position(partition, left(deadline));
        return this;
    }

    /** The first record of the key that {@code wanted} accepts, or null when the deadline passes first. */
    JsonNode first(Predicate<JsonNode> wanted, Instant deadline) {
        while (Instant.now().isBefore(deadline)) {
            for (ConsumerRecord<String, String> record : consumer.poll(min(POLL, left(deadline)))) {
                if (key.equals(record.key()) && record.value() != null) {
                    JsonNode value = parse(record);
                    if (wanted.test(value)) {
                        return value;
                    }
                }
            }
        }
        return null;
    }

    /** The last record of the key up to the partition's end as it is now, or null when there is none. */
    JsonNode last(Instant deadline) {
        long end = consumer.endOffsets(List.of(partition), left(deadline)).getOrDefault(partition, 0L);
        JsonNode last = null;
        while (consumer.position(partition, left(deadline)) < end) {
            if (!Instant.now().isBefore(deadline)) {
                throw new TimeoutException("Reading " + partition + " took too long");
            }
            for (ConsumerRecord<String, String> record : consumer.poll(min(POLL, left(deadline)))) {
                if (key.equals(record.key()) && record.value() != null) {
                    last = parse(record);
                }
            }
        }
        return last;
    }

    private static JsonNode parse(ConsumerRecord<String, String> record) {
        try {
            return JSON.readTree(record.value());
        } catch (IOException e) {
            return JSON.createObjectNode().put("unreadable", record.value());
        }
    }

    static Duration left(Instant deadline) {
        Duration left = Duration.between(Instant.now(), deadline);
        return left.isNegative() ? Duration.ZERO : left;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
