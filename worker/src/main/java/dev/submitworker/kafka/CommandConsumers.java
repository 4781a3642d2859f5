package dev.submitworker.kafka;

import dev.submitworker.core.Engine;
import dev.submitworker.core.port.Clusters;
import dev.submitworker.core.port.JobCompiler;
import dev.submitworker.core.port.RetryPolicy;
import dev.submitworker.core.port.TaskCatalog;
import dev.submitworker.core.port.Telemetry;
import dev.submitworker.dinky.CommandReader;
import dev.submitworker.dinky.Envelopes;
import dev.submitworker.secrets.Redactor;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's consumers of the commands topic, each on a thread of its own with its own transactional producer and
 * engine. Any failure that escapes a consumer is fatal for the process: a worker with a dead consumer would hold its
 * partitions and answer nothing, so it is stopped and left to be restarted.
 */
public final class CommandConsumers implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CommandConsumers.class);
    private static final int DEFAULT_MAX_REQUEST_BYTES = 1024 * 1024;
    /** Threads asking clusters about followed jobs, for all consumers: a cluster that stalls holds one per consumer. */
    private static final int OBSERVERS = 8;

    /**
     * @param threads           consumers in this process
     * @param instanceId        unique among running instances; prefixes the transactional ids
     * @param engine            the engine's settings
     * @param revokeHold        how long a partition given up waits for its submissions under way before they are
     *                          handed off to its next owner
     * @param ledgerRetention   the idempotency window
     * @param replyTopics       the reply topics a command may name in its {@code kafka_replyTopic} header
     */
    public record Settings(Topics topics, int threads, String instanceId, Engine.Settings engine,
                           Duration revokeHold, Duration ledgerRetention, LedgerStore ledgerStore,
                           java.util.regex.Pattern replyTopics) {}

    /**
     * Where this process keeps what it knows of its ledger partitions.
     *
     * @param directory   under it, {@code <instance-id>/<ledger topic>-<partition>}: one RocksDB store per partition
     * @param memoryBytes the memory (off the Java heap) all stores share: block cache and write buffers
     * @param onHeap      keep the entries on the Java heap instead (they are then restored in full on every start)
     * @param ephemeral   the instance id was generated for this process: its stores are of no use after it
     */
    public record LedgerStore(java.nio.file.Path directory, long memoryBytes, boolean onHeap, boolean ephemeral) {}

    /** The core's services every consumer's engine runs over. */
    public record Services(TaskCatalog catalog, JobCompiler compiler, Clusters clusters, RetryPolicy retries,
                           Envelopes envelopes, Redactor redactor, CommandReader reader, Clock clock,
                           ExecutorService submissions, Telemetry telemetry, KafkaClientMetrics clientMetrics) {}

    /** Binds a Kafka client's own metrics (consumer, producer) to wherever metrics go; closed with the client. */
    @FunctionalInterface
    public interface KafkaClientMetrics {

        KafkaClientMetrics NONE = client -> () -> {};

        /** @param client a {@code KafkaConsumer} or a {@code KafkaProducer} */
        AutoCloseable bind(AutoCloseable client);
    }

    private final Settings settings;
    private final Services services;
    private final Map<String, Object> consumerConfig;
    private final Map<String, Object> producerConfig;
    private final Consumer<Throwable> fatal;
    /** Read by health checks and metrics on other threads. */
    private final List<CommandConsumer> consumers = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final ExecutorService restores = Executors.newCachedThreadPool(daemon("ledger-restore"));
    /**
     * The followers' questions to the clusters and releases, apart from the submissions: each follower has at most one
     * question per cluster under way, each bounded in time.
     */
    private final ExecutorService observers = Executors.newFixedThreadPool(OBSERVERS, daemon("status-observer"));
    private RocksLedgerIndex.Resources rocks;
    private StoreDirectory storeDirectory;

    /**
     * @param consumerConfig the connection and group settings; the consumers add what exactly-once needs
     * @param producerConfig the connection settings; the producers add what exactly-once needs
     * @param fatal          told of a failure that stopped a consumer
     */
    public CommandConsumers(Settings settings, Services services, Map<String, Object> consumerConfig,
                            Map<String, Object> producerConfig, Consumer<Throwable> fatal) {
        this.settings = settings;
        this.services = services;
        this.consumerConfig = consumerConfig(consumerConfig);
        this.producerConfig = producerConfig(producerConfig);
        this.fatal = fatal;
    }

    private static Map<String, Object> consumerConfig(Map<String, Object> given) {
        Map<String, Object> config = new HashMap<>(given);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // the worker creates its own topics; looking up a command's reply topic must not create it
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        // answers and ledger entries are written in transactions; aborted ones must stay invisible
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        if (!"consumer".equalsIgnoreCase(String.valueOf(config.get(ConsumerConfig.GROUP_PROTOCOL_CONFIG)))) {
            // a rebalance moves only the partitions that change owner; the others keep their ledgers and flow on
            config.putIfAbsent(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
                    CooperativeStickyAssignor.class.getName());
        }
        return config;
    }

    private static Map<String, Object> producerConfig(Map<String, Object> given) {
        Map<String, Object> config = new HashMap<>(given);
        config.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        // a transaction is open only while a round's writes are sent, so this bounds nothing that waits on a cluster;
        // it is how long a dead instance's open transaction (if any) can hold back readers of its partitions
        config.putIfAbsent(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 30_000);
        return config;
    }

    /** Creates and checks the topics, then starts the consumers. */
    public void start(Admin admin) {
        int partitions = settings.topics().provision(admin, settings.ledgerRetention());
        Object maxRequest = producerConfig.get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
        int maxRequestBytes = maxRequest == null ? DEFAULT_MAX_REQUEST_BYTES : Integer.parseInt(maxRequest.toString());
        String groupId = String.valueOf(consumerConfig.get(ConsumerConfig.GROUP_ID_CONFIG));
        LedgerRestorer restorer = new LedgerRestorer(consumerConfig, settings.topics().ledger(),
                settings.ledgerRetention(), services.clock(), ledgerIndexes(settings.topics().ledgerTopicId(admin)));
        Shared shared = new Shared(settings.topics(), new CommandRecords(services.reader(), partitions,
                settings.replyTopics()),
                services.clock(), services.retries(), settings.revokeHold(), restores, restorer,
                settings.ledgerRetention(), (unitOfWork, records, wakeUp) -> new Engine(new Engine.Ports(
                        services.catalog(), services.compiler(), services.clusters(),
                        new KafkaAnswers(settings.topics().results(), services.envelopes(), unitOfWork),
                        new KafkaIntake(settings.topics().deadLetter(), settings.topics().commands(), groupId,
                                maxRequestBytes, partitions, services.redactor(), records, unitOfWork),
                        new KafkaStatusEvents(settings.topics().status(), unitOfWork),
                        unitOfWork, services.retries(), services.redactor()::redactText, services.telemetry()),
                        settings.engine(),
                        services.clock(), services.submissions(), observers,
                        wakeUp));
        for (int i = 0; i < settings.threads(); i++) {
            String name = "commands-" + i;
            Map<String, Object> producer = new HashMap<>(producerConfig);
            producer.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, settings.instanceId() + "-" + i);
            producer.put(ProducerConfig.CLIENT_ID_CONFIG, settings.instanceId() + "-" + name);
            Map<String, Object> consumer = new HashMap<>(consumerConfig);
            consumer.put(ConsumerConfig.CLIENT_ID_CONFIG, settings.instanceId() + "-" + name);
            KafkaConsumer<byte[], byte[]> kafkaConsumer = new KafkaConsumer<>(consumer);
            consumers.add(new CommandConsumer(name, kafkaConsumer, services.clientMetrics().bind(kafkaConsumer),
                    new ProducerHolder(producer, KafkaProducer::new, services.clientMetrics()), shared));
        }
        for (CommandConsumer consumer : consumers) {
            Thread thread = new Thread(() -> {
                try {
                    consumer.run();
                } catch (Throwable e) {
                    fatal.accept(e);
                }
            });
            threads.add(thread);
            thread.start();
        }
        log.info("{} consumers of {} started ({} partitions)", consumers.size(), settings.topics().commands(),
                partitions);
    }

    private java.util.function.IntFunction<LedgerIndex> ledgerIndexes(String ledgerTopicId) {
        LedgerStore store = settings.ledgerStore();
        if (store.onHeap()) {
            return partition -> new MemoryLedgerIndex();
        }
        storeDirectory = StoreDirectory.claim(store.directory(), settings.instanceId(), store.ephemeral());
        rocks = new RocksLedgerIndex.Resources(store.memoryBytes());
        java.nio.file.Path base = storeDirectory.path();
        log.info("Ledger stores in {}", base);
        return partition -> RocksLedgerIndex.open(base.resolve(settings.topics().ledger() + "-" + partition),
                ledgerTopicId, rocks);
    }

    /**
     * Whether this process serves its share of the commands now: its topics were checked, every consumer has been
     * given its partitions and restored their ledgers, and none has stopped.
     */
    public boolean serving() {
        return running() && consumers.stream().allMatch(CommandConsumer::serving);
    }

    /** What the consumers' engines hold, summed; safe to call from any thread. */
    public Engine.Snapshot snapshot() {
        Map<String, Integer> parked = new HashMap<>();
        Map<String, Boolean> reachable = new HashMap<>();
        int followed = 0;
        for (CommandConsumer consumer : consumers) {
            Engine.Snapshot snapshot = consumer.snapshot();
            snapshot.parked().forEach((cluster, count) -> parked.merge(cluster, count, Integer::sum));
            // unreachable if any consumer's last try found it so
            snapshot.reachable().forEach((cluster, reached) -> reachable.merge(cluster, reached, Boolean::logicalAnd));
            followed += snapshot.followed();
        }
        return new Engine.Snapshot(Map.copyOf(parked), Map.copyOf(reachable), followed);
    }

    /** The entries of the ledger partitions this process holds (RocksDB's estimate for its stores). */
    public long ledgerEntries() {
        return consumers.stream().mapToLong(CommandConsumer::ledgerEntries).sum();
    }

    /** Whether every consumer is still consuming: none has stopped on a failure. */
    public boolean running() {
        return !threads.isEmpty() && threads.stream().allMatch(Thread::isAlive);
    }

    /**
     * Completes once every consumer has been ready (opened every partition it was given) at least once, so a command
     * is answered; fails if a consumer stops before. Call after {@link #start}.
     */
    public CompletableFuture<Void> firstReady() {
        if (consumers.isEmpty()) {
            throw new IllegalStateException("The consumers have not been started");
        }
        return CompletableFuture.allOf(consumers.stream().map(CommandConsumer::firstReady)
                .toArray(CompletableFuture[]::new));
    }

    /**
     * Stops the consumers: each writes what has ended, gives submissions under way up to {@code hold} to end, hands
     * off the rest to the ledger, and leaves the group.
     */
    public void stop(Duration hold) {
        consumers.forEach(consumer -> consumer.stop(hold));
        // one deadline for all: the shutdown's bound does not grow with the number of consumers (docs/operations.md)
        Duration bound = hold.plusSeconds(30);
        long deadline = System.nanoTime() + bound.toNanos();
        for (CommandConsumer consumer : consumers) {
            try {
                if (!consumer.awaitStopped(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
                    log.warn("A consumer did not stop within {}", bound);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        restores.shutdownNow();
        // stop() runs twice on shutdown (the lifecycle's, then close()): what is closed is forgotten
        observers.shutdownNow();
        if (rocks != null) {
            rocks.close();
            rocks = null;
        }
        if (storeDirectory != null) {
            storeDirectory.close();
            storeDirectory = null;
        }
    }

    @Override
    public void close() {
        stop(Duration.ZERO);
    }

    static java.util.concurrent.ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
