package dev.submitworker.kafka;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The ledger as a compacted Kafka topic keyed by requestId, co-partitioned with the commands topic, and an in-memory
 * index of the partitions this worker owns.
 *
 * <p>SUBMITTING entries go through a plain idempotent producer and are awaited: they must be durable before the job
 * is sent to Flink, whatever happens to the surrounding transaction. DONE entries go through the transactional
 * template, so they commit or vanish together with the answer and the command's offset; the index learns of them only
 * after the commit. Until then they are visible to lookups of the same transaction only (the thread that wrote them):
 * one transaction answers a whole batch of commands, and a requestId sent twice within the batch must find its first
 * answer. Entries older than the retention are not kept in memory: the index holds at most what the topic holds.
 */
public final class KafkaSubmissionLedger implements SubmissionLedger {

    private static final Logger log = LoggerFactory.getLogger(KafkaSubmissionLedger.class);
    private static final Duration RESTORE_POLL = Duration.ofMillis(200);
    private static final long WRITE_TIMEOUT_SECONDS = 30;
    private static final int SWEEP_EVERY = 1_000;

    static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final String topic;
    private final Producer<String, byte[]> durableProducer;
    private final KafkaTemplate<String, byte[]> transactionalTemplate;
    private final Map<String, Object> restoreConsumerConfig;
    private final Duration retention;
    private final Clock clock;
    private final Map<Integer, Map<String, LedgerEntry>> partitions = new ConcurrentHashMap<>();
    private final Map<Integer, Integer> writesSinceSweep = new ConcurrentHashMap<>();
    /** Entries written in the current thread's open transaction, by partition and requestId. */
    private final ThreadLocal<Map<Integer, Map<String, LedgerEntry>>> uncommitted = new ThreadLocal<>();

    /**
     * @param restoreConsumerConfig consumer settings (bootstrap, security); the ledger adds what restoring needs
     */
    public KafkaSubmissionLedger(String topic, Producer<String, byte[]> durableProducer,
                                 KafkaTemplate<String, byte[]> transactionalTemplate,
                                 Map<String, Object> restoreConsumerConfig, Duration retention, Clock clock) {
        this.topic = topic;
        this.durableProducer = durableProducer;
        this.transactionalTemplate = transactionalTemplate;
        this.restoreConsumerConfig = restoreConsumerConfig;
        this.retention = retention;
        this.clock = clock;
    }

    @Override
    public void restore(Collection<Integer> assigned) {
        if (assigned.isEmpty()) {
            return;
        }
        long start = System.nanoTime();
        Instant horizon = clock.instant().minus(retention);
        List<TopicPartition> topicPartitions = assigned.stream().map(p -> new TopicPartition(topic, p)).toList();
        Map<Integer, Map<String, LedgerEntry>> restored = new ConcurrentHashMap<>();
        assigned.forEach(p -> restored.put(p, new ConcurrentHashMap<>()));
        int records = 0;
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(restoreConsumerConfig)) {
            consumer.assign(topicPartitions);
            consumer.seekToBeginning(topicPartitions);
            // read_committed: the end is the last stable offset, so aborted and still-open transactions are skipped
            Map<TopicPartition, Long> end = consumer.endOffsets(topicPartitions);
            while (topicPartitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(RESTORE_POLL)) {
                    records++;
                    apply(restored.get(record.partition()), record, horizon);
                }
            }
        }
        partitions.putAll(restored);
        int entries = restored.values().stream().mapToInt(Map::size).sum();
        log.info("Ledger partitions {} restored: {} entries from {} records in {} ms", assigned, entries, records,
                (System.nanoTime() - start) / 1_000_000);
    }

    private static void apply(Map<String, LedgerEntry> index, ConsumerRecord<String, byte[]> record, Instant horizon) {
        if (record.value() == null) {
            index.remove(record.key());
            return;
        }
        LedgerEntry entry;
        try {
            entry = JSON.readValue(record.value(), LedgerEntry.class);
        } catch (IOException e) {
            log.warn("Ledger record {}-{}@{} is unreadable and ignored: {}", record.topic(), record.partition(),
                    record.offset(), e.getMessage());
            return;
        }
        if (entry.at() != null && entry.at().isBefore(horizon)) {
            index.remove(record.key());
            return;
        }
        // DONE is final: a late SUBMITTING (a fenced zombie's) must not reopen a request that was answered
        LedgerEntry current = index.get(record.key());
        if (current == null || current.state() != LedgerEntry.State.DONE) {
            index.put(record.key(), entry);
        }
    }

    @Override
    public void forget(Collection<Integer> revoked) {
        revoked.forEach(partitions::remove);
    }

    @Override
    public Optional<LedgerEntry> lookup(int partition, String requestId) {
        Map<String, LedgerEntry> index = partitions.get(partition);
        if (index == null) {
            throw new IllegalStateException("Ledger partition " + partition + " is not restored on this worker");
        }
        LedgerEntry written = uncommitted(partition, requestId);
        return Optional.ofNullable(written != null ? written : index.get(requestId));
    }

    private LedgerEntry uncommitted(int partition, String requestId) {
        Map<Integer, Map<String, LedgerEntry>> pending = uncommitted.get();
        return pending == null ? null : pending.getOrDefault(partition, Map.of()).get(requestId);
    }

    @Override
    public Durable recordSubmitting(int partition, LedgerEntry entry) {
        Future<RecordMetadata> sent = durableProducer.send(new ProducerRecord<>(topic, partition, entry.requestId(),
                serialize(entry)));
        // indexed by the thread that awaits it, never later by the producer's: a late SUBMITTING must not overwrite
        // the DONE that follows it
        return () -> {
            try {
                sent.get(WRITE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while writing the ledger", e);
            } catch (ExecutionException | TimeoutException e) {
                throw new IllegalStateException("Writing SUBMITTING for " + entry.requestId() + " to the ledger failed: "
                        + e.getMessage(), e);
            }
            index(partition).put(entry.requestId(), entry);
        };
    }

    @Override
    public void recordTransactionally(int partition, LedgerEntry entry) {
        // Not awaited: the commit of the surrounding transaction fails if this write did.
        transactionalTemplate.send(topic, partition, entry.requestId(), serialize(entry));
        Map<Integer, Map<String, LedgerEntry>> pending = uncommitted.get();
        if (pending == null) {
            pending = new HashMap<>();
            TransactionSynchronizationManager.registerSynchronization(new Publish(pending)); // refused outside one
            uncommitted.set(pending);
        }
        pending.computeIfAbsent(partition, p -> new HashMap<>()).put(entry.requestId(), entry);
    }

    /** At the end of a transaction: its entries join the index if it committed, and are dropped if not. */
    private final class Publish implements TransactionSynchronization {

        private final Map<Integer, Map<String, LedgerEntry>> pending;

        Publish(Map<Integer, Map<String, LedgerEntry>> pending) {
            this.pending = pending;
        }

        @Override
        public void afterCompletion(int status) {
            uncommitted.remove();
            if (status != STATUS_COMMITTED) {
                return;
            }
            pending.forEach((partition, entries) -> {
                index(partition).putAll(entries);
                sweepNowAndThen(partition, entries.size());
            });
        }
    }

    @Override
    public List<LedgerEntry> parked(Collection<Integer> owned) {
        return owned.stream()
                .flatMap(p -> partitions.getOrDefault(p, Map.of()).values().stream())
                .filter(entry -> entry.state() == LedgerEntry.State.PARKED)
                .sorted(java.util.Comparator.comparing(LedgerEntry::at))
                .toList();
    }

    private Map<String, LedgerEntry> index(int partition) {
        return partitions.computeIfAbsent(partition, p -> new ConcurrentHashMap<>());
    }

    /** Entries past the retention are gone from the topic too; without this a long-lived worker would keep them. */
    private void sweepNowAndThen(int partition, int writes) {
        if (writesSinceSweep.merge(partition, writes, Integer::sum) < SWEEP_EVERY) {
            return;
        }
        writesSinceSweep.put(partition, 0);
        Instant horizon = clock.instant().minus(retention);
        index(partition).values().removeIf(entry -> entry.at() != null && entry.at().isBefore(horizon));
    }

    private static byte[] serialize(LedgerEntry entry) {
        try {
            return JSON.writeValueAsBytes(entry);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Entries held in memory, for metrics and tests. */
    public int size() {
        return partitions.values().stream().mapToInt(Map::size).sum();
    }
}
