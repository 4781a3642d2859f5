package dev.submitworker.kafka;

import dev.submitworker.core.Engine;
import dev.submitworker.core.Incoming;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One consumer of the commands topic, on a thread of its own, with its own transactional producer and its own
 * {@link Engine}. It polls, hands each poll's commands to the engine as one round, and seeks back when a round fails.
 *
 * <p>A partition it is given is paused until its ledger is restored (on the restore executor, not in the rebalance
 * callback, so a large ledger never holds up the group or this consumer's other partitions), then opened. A partition
 * it gives up is settled first, while it still owns it: what ended is written, what is under way is handed off to the
 * ledger. One it loses (its session expired) is dropped without a write, since nothing it wrote could commit anyway.
 * With the cooperative assignor, a rebalance moves only the partitions that change owner; the others keep flowing.
 */
final class CommandConsumer implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(CommandConsumer.class);
    private static final Duration IDLE_POLL = Duration.ofMillis(500);
    private static final Duration REPLY_TOPIC_LOOKUP = Duration.ofSeconds(5);

    private final String name;
    private final String commandsTopic;
    private final Consumer<byte[], byte[]> consumer;
    private final AutoCloseable consumerMetrics;
    private final ProducerHolder producer;
    private final Shared shared;
    private final KafkaUnitOfWork unitOfWork;
    private final Engine engine;
    private final Map<Integer, KafkaLedger> ledgers = new HashMap<>();
    /** Reply topics the broker said exist. */
    private final Set<String> replyTopics = new HashSet<>();
    private final Map<Integer, CompletableFuture<LedgerIndex>> restoring = new ConcurrentHashMap<>();
    /** The current round's records, by the incoming commands the engine sees. */
    private final Map<Incoming, ConsumerRecord<byte[], byte[]>> round = new HashMap<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final CompletableFuture<Void> firstReady = new CompletableFuture<>();
    private volatile boolean running = true;
    /** It has been given its share of the partitions (none, maybe) at least once. */
    private volatile boolean assigned;
    private volatile long ledgerEntries;
    private Instant ledgerCounted = Instant.MIN;
    private volatile Duration shutdownHold = Duration.ZERO;
    private int failedRounds;

    /** @param consumerMetrics the consumer's own metrics, unbound once it is closed */
    CommandConsumer(String name, Consumer<byte[], byte[]> consumer, AutoCloseable consumerMetrics,
                    ProducerHolder producer, Shared shared) {
        this.name = name;
        this.consumerMetrics = consumerMetrics;
        this.commandsTopic = shared.topics().commands();
        this.consumer = consumer;
        this.producer = producer;
        this.shared = shared;
        this.unitOfWork = new KafkaUnitOfWork(producer::get, this::positions, consumer::groupMetadata,
                producer::broken);
        this.engine = shared.engine(unitOfWork, round::get, consumer::wakeup);
    }

    @Override
    public void run() {
        Thread.currentThread().setName(name);
        try {
            // a predecessor with this transactional id may have left a transaction open: abort it before anything
            initProducer();
            consumer.subscribe(List.of(commandsTopic), new Rebalance());
            while (running) {
                iterate();
            }
            settle(engine.partitions(), shutdownHold);
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) {
            log.error("Consumer {} stopped on an unexpected failure", name, e);
            firstReady.completeExceptionally(e);
            throw e;
        } finally {
            firstReady.completeExceptionally(new IllegalStateException("Consumer " + name + " stopped before ready"));
            try {
                consumer.close(Duration.ofSeconds(10));
            } finally {
                ProducerHolder.closeQuietly(consumerMetrics);
                producer.close();
                ledgers.values().forEach(ledger -> ledger.index().close());
                stopped.countDown();
            }
        }
    }

    private void initProducer() {
        try {
            producer.get();
        } catch (RuntimeException e) {
            // Kafka may not be there yet: the first commit tries again
            log.warn("{} could not start its transactional producer yet: {}", name, e.toString());
        }
    }

    /** Stops after settling: submissions under way get up to {@code hold} to end and be answered. */
    void stop(Duration hold) {
        shutdownHold = hold;
        running = false;
        consumer.wakeup();
    }

    boolean awaitStopped(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Whether every partition it was given is open (its ledger restored), and it was given at least one. */
    boolean ready() {
        return restoring.isEmpty() && !ledgers.isEmpty();
    }

    /**
     * Whether it serves its share of the commands now: it has been given its partitions (none is a share too: the
     * group has more consumers than the topic partitions) and restored every one's ledger, and it has not stopped.
     * Safe to call from any thread.
     */
    boolean serving() {
        return running && assigned && restoring.isEmpty() && stopped.getCount() > 0;
    }

    /** The entries of its ledger partitions, as of the last second or so (RocksDB's estimate for a store). */
    long ledgerEntries() {
        return ledgerEntries;
    }

    /** What its engine holds; safe to call from any thread. */
    Engine.Snapshot snapshot() {
        return engine.snapshot();
    }

    /** Completes the first time it is {@link #ready()}; fails if it stops before. */
    CompletableFuture<Void> firstReady() {
        return firstReady;
    }

    private void iterate() {
        ConsumerRecords<byte[], byte[]> polled;
        try {
            openRestored();
            countLedgers();
            if (!firstReady.isDone() && ready()) {
                firstReady.complete(null);
            }
            polled = consumer.poll(pollTimeout());
        } catch (WakeupException e) {
            return; // a submission or a restore ended, or stop() was called
        }
        List<Incoming> incoming = new ArrayList<>(polled.count());
        round.clear();
        Map<TopicPartition, Long> roundStart = new LinkedHashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : polled) {
            Incoming command = shared.records().read(record, this::replyTopicExists);
            incoming.add(command);
            round.put(command, record);
            TopicPartition tp = new TopicPartition(record.topic(), record.partition());
            roundStart.putIfAbsent(tp, record.offset());
        }
        try {
            engine.round(incoming);
            failedRounds = 0;
            follow();
        } catch (Engine.RoundFailedException e) {
            // nothing of the round was written: read its commands again, after a pause that grows while it fails
            roundStart.forEach(consumer::seek);
            Duration pause = backoff(++failedRounds);
            log.warn("{}; reading its commands again in {} ms", e.getMessage(), pause.toMillis(),
                    e.getCause() instanceof RuntimeException ? null : e.getCause());
            pause(pause);
        }
    }

    private void countLedgers() {
        Instant now = shared.clock().instant();
        if (now.isAfter(ledgerCounted.plusSeconds(1))) {
            ledgerCounted = now;
            ledgerEntries = ledgers.values().stream().mapToLong(ledger -> ledger.index().approximateSize()).sum();
        }
    }

    private void follow() {
        try {
            engine.follow();
        } catch (RuntimeException e) {
            // the commands go on; the jobs are followed again at the next interval
            log.warn("{} could not follow its jobs this time: {}", name, e.toString());
        }
    }

    private Duration pollTimeout() {
        Duration timeout = IDLE_POLL;
        Instant due = engine.nextDue().orElse(null);
        if (due != null) {
            Duration untilDue = Duration.between(shared.clock().instant(), due);
            timeout = untilDue.isNegative() ? Duration.ZERO : untilDue.compareTo(timeout) < 0 ? untilDue : timeout;
        }
        return timeout;
    }

    private Duration backoff(int failures) {
        return shared.failureBackoff().delay(failures);
    }

    private void pause(Duration pause) {
        try {
            // not a synchronisation: a failing round must not spin while Kafka is unavailable
            stopped.await(pause.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    /**
     * The positions to commit: every open partition's, so that every transaction is fenced by the group. Every record
     * before them was handled in this round or an earlier one; the consumer's position also counts the transaction
     * markers it skipped, which a record's offset plus one would not.
     */
    private Map<TopicPartition, OffsetAndMetadata> positions() {
        Map<TopicPartition, OffsetAndMetadata> positions = new HashMap<>();
        for (int partition : engine.partitions()) {
            TopicPartition tp = new TopicPartition(commandsTopic, partition);
            positions.put(tp, new OffsetAndMetadata(consumer.position(tp)));
        }
        return positions;
    }

    private void openRestored() {
        for (Map.Entry<Integer, CompletableFuture<LedgerIndex>> restore : List.copyOf(restoring.entrySet())) {
            int partition = restore.getKey();
            CompletableFuture<LedgerIndex> future = restore.getValue();
            if (!future.isDone()) {
                continue;
            }
            restoring.remove(partition);
            TopicPartition tp = new TopicPartition(commandsTopic, partition);
            LedgerIndex index;
            try {
                index = future.join();
            } catch (RuntimeException e) {
                // never open a partition without its ledger: try again, the partition stays paused
                log.warn("Restoring the ledger of partition {} failed; trying again: {}", partition, e.toString());
                startRestore(partition, Duration.ofSeconds(1));
                continue;
            }
            KafkaLedger ledger = shared.ledger(partition, index, unitOfWork);
            ledgers.put(partition, ledger);
            engine.open(partition, ledger);
            consumer.resume(List.of(tp));
            log.info("Partition {} of {} is open on {}", partition, commandsTopic, name);
        }
    }

    private void startRestore(int partition, Duration delay) {
        Executor executor = delay.isZero() ? shared.restoreExecutor()
                : CompletableFuture.delayedExecutor(delay.toMillis(), TimeUnit.MILLISECONDS, shared.restoreExecutor());
        CompletableFuture<LedgerIndex> future = CompletableFuture.supplyAsync(() -> shared.restore(partition),
                executor);
        restoring.put(partition, future);
        future.whenComplete((index, failure) -> consumer.wakeup());
    }

    /** Writes what has ended for these partitions, hands off what has not, while this consumer still owns them. */
    private void settle(Set<Integer> partitions, Duration hold) {
        Set<Integer> open = new HashSet<>(partitions);
        open.retainAll(engine.partitions());
        if (open.isEmpty()) {
            return;
        }
        try {
            engine.round(List.of(), hold, open);
        } catch (Engine.RoundFailedException e) {
            log.warn("Settling partitions {} before giving them up failed; their new owner finishes from the ledger: "
                    + "{}", open, e.getMessage());
        }
    }

    private void close(Collection<TopicPartition> partitions) {
        for (TopicPartition tp : partitions) {
            engine.close(tp.partition());
            KafkaLedger ledger = ledgers.remove(tp.partition());
            if (ledger != null) {
                ledger.index().close();
            }
            CompletableFuture<LedgerIndex> restore = restoring.remove(tp.partition());
            if (restore != null) {
                restore.thenAccept(LedgerIndex::close);
            }
        }
    }

    /**
     * Whether a reply topic exists, asked of the broker once per topic that does: a reply to a topic that does not
     * would fail its round's write (after the producer's max.block.ms) on every try until the command is
     * dead-lettered, holding back its partition meanwhile. When the broker cannot tell now, the reply is tried.
     */
    private boolean replyTopicExists(String topic) {
        if (replyTopics.contains(topic)) {
            return true;
        }
        try {
            boolean exists = !consumer.partitionsFor(topic, REPLY_TOPIC_LOOKUP).isEmpty();
            if (exists) {
                replyTopics.add(topic);
            }
            return exists;
        } catch (TimeoutException | WakeupException e) {
            return true;
        }
    }

    private final class Rebalance implements ConsumerRebalanceListener {

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            // called after every rebalance, also when it was given nothing (more consumers than partitions)
            assigned = true;
            if (partitions.isEmpty()) {
                return;
            }
            consumer.pause(partitions);
            for (TopicPartition tp : partitions) {
                startRestore(tp.partition(), Duration.ZERO);
            }
            log.info("{} was given partitions {}; restoring their ledgers", name, partitions);
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty()) {
                return;
            }
            Set<Integer> numbers = new HashSet<>();
            partitions.forEach(tp -> numbers.add(tp.partition()));
            settle(numbers, shared.revokeHold());
            close(partitions);
            log.info("{} gave up partitions {}", name, partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            close(partitions);
            log.warn("{} lost partitions {} (its session expired); their new owner finishes their requests", name,
                    partitions);
        }
    }
}
