package dev.submitworker.testing;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * What a producer and a subscriber of the worker see: sends records to the commands topic, and collects every
 * record of the results and dead-letter topics from the beginning on a background thread, so tests can wait for the
 * answers they expect (and check that no others came).
 */
public final class KafkaTestClient implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static KafkaTestClient shared;

    private final String bootstrap;
    private final String commandsTopic;
    private final KafkaProducer<String, byte[]> producer;
    private KafkaProducer<String, byte[]> transactionalProducer;
    private final Thread collector;
    private volatile boolean closed;
    private final Map<String, List<JsonNode>> envelopes = new ConcurrentHashMap<>();
    private final List<String> arrivals = new CopyOnWriteArrayList<>();
    private final List<ConsumerRecord<String, byte[]>> deadLetters = new CopyOnWriteArrayList<>();
    private final Map<String, List<JsonNode>> statusEvents = new ConcurrentHashMap<>();

    private KafkaTestClient(String bootstrap, String commandsTopic, String resultsTopic, String deadLetterTopic,
                            String statusTopic) {
        this.bootstrap = bootstrap;
        this.commandsTopic = commandsTopic;
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class));
        this.collector = new Thread(() -> collect(bootstrap, resultsTopic, deadLetterTopic, statusTopic),
                "test-results-collector");
        collector.setDaemon(true);
        collector.start();
    }

    /** A client of a worker configured with these topics (for tests that run their own worker processes). */
    public static KafkaTestClient forTopics(String commands, String results, String deadLetters) {
        return forTopics(SharedInfrastructure.kafkaBootstrap(), commands, results, deadLetters);
    }

    /** The same, on another broker. */
    public static KafkaTestClient forTopics(String bootstrap, String commands, String results, String deadLetters) {
        return new KafkaTestClient(bootstrap, commands, results, deadLetters, null);
    }

    /** A client that also collects the status events of a worker configured with these topics. */
    public static KafkaTestClient withStatus(String commands, String results, String deadLetters, String status) {
        return new KafkaTestClient(SharedInfrastructure.kafkaBootstrap(), commands, results, deadLetters, status);
    }

    /** The client of the shared worker's topics. */
    public static synchronized KafkaTestClient shared() {
        if (shared == null) {
            shared = new KafkaTestClient(SharedInfrastructure.kafkaBootstrap(), WorkerTestInitializer.COMMANDS,
                    WorkerTestInitializer.RESULTS, WorkerTestInitializer.DEAD_LETTERS, WorkerTestInitializer.STATUS);
        }
        return shared;
    }

    private void collect(String bootstrap, String resultsTopic, String deadLetterTopic, String statusTopic) {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "test-collector-" + System.nanoTime(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.METADATA_MAX_AGE_CONFIG, 500,
                // the worker creates its topics (the status topic compacted); a reader must not create them first
                ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class))) {
            consumer.subscribe(statusTopic == null ? List.of(resultsTopic, deadLetterTopic)
                    : List.of(resultsTopic, deadLetterTopic, statusTopic));
            while (!closed) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    if (record.topic().equals(deadLetterTopic)) {
                        deadLetters.add(record);
                    } else if (record.topic().equals(statusTopic)) {
                        statusEvents.computeIfAbsent(record.key(), k -> new CopyOnWriteArrayList<>()).add(parse(record));
                    } else {
                        envelopes.computeIfAbsent(record.key(), k -> new CopyOnWriteArrayList<>()).add(parse(record));
                        arrivals.add(record.key());
                    }
                }
            }
        }
    }

    private static JsonNode parse(ConsumerRecord<String, byte[]> record) {
        try {
            return JSON.readTree(record.value());
        } catch (IOException e) {
            throw new IllegalStateException("The worker published an envelope that is not JSON: " + record, e);
        }
    }

    /** Sends a command (validated against the published schema first) keyed by its requestId. */
    public void sendCommand(String commandJson) {
        JsonNode command;
        try {
            command = JSON.readTree(commandJson);
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
        Schemas.assertValid(Schemas.COMMAND, command);
        sendRaw(commandsTopic, command.get("requestId").asText(), commandJson.getBytes());
    }

    /** A control command on a job as JSON: {@code {requestId, action, target}}. */
    public static String controlCommand(String requestId, String action, String target) {
        return JSON.createObjectNode().put("requestId", requestId).put("action", action).put("target", target)
                .toString();
    }

    /** Sends the command {@code {requestId, id, savePointPath, variables}}; the last two are left out when null. */
    public void sendCommand(String requestId, int taskId, Map<String, String> variables, String savePointPath) {
        ObjectNode command = JSON.createObjectNode().put("requestId", requestId).put("id", taskId);
        if (savePointPath != null) {
            command.put("savePointPath", savePointPath);
        }
        if (variables != null) {
            command.set("variables", JSON.valueToTree(variables));
        }
        sendCommand(command.toString());
    }

    public void sendRaw(String topic, String key, byte[] value) {
        send(new ProducerRecord<>(topic, key, value));
    }

    /** Sends a record to the commands topic, to a partition of the test's choice, and returns where it landed. */
    public RecordMetadata sendRaw(int partition, String key, byte[] value) {
        return send(new ProducerRecord<>(commandsTopic, partition, key, value));
    }

    /** Sends records to the commands topic without waiting for each (they are batched), then waits for all. */
    public void sendAllRaw(List<Map.Entry<String, byte[]>> keysAndValues) {
        List<java.util.concurrent.Future<RecordMetadata>> sent = new ArrayList<>();
        for (Map.Entry<String, byte[]> record : keysAndValues) {
            sent.add(producer.send(new ProducerRecord<>(commandsTopic, record.getKey(), record.getValue())));
        }
        sent.forEach(KafkaTestClient::acked);
    }

    /**
     * Sends records to one partition of the commands topic in one producer transaction: the worker (read_committed)
     * sees them all at once, so they arrive in one poll, one batch.
     */
    public synchronized void sendInOneBatch(int partition, List<Map.Entry<String, byte[]>> keysAndValues) {
        if (transactionalProducer == null) {
            transactionalProducer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    ProducerConfig.TRANSACTIONAL_ID_CONFIG, "test-client-" + java.util.UUID.randomUUID(),
                    ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                    ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class));
            transactionalProducer.initTransactions();
        }
        transactionalProducer.beginTransaction();
        for (Map.Entry<String, byte[]> record : keysAndValues) {
            transactionalProducer.send(new ProducerRecord<>(commandsTopic, partition, record.getKey(),
                    record.getValue()));
        }
        transactionalProducer.commitTransaction();
    }

    private RecordMetadata send(ProducerRecord<String, byte[]> record) {
        return acked(producer.send(record));
    }


    private static RecordMetadata acked(java.util.concurrent.Future<RecordMetadata> sent) {
        try {
            return sent.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /** A fresh requestId: tests keep apart through their own ids. */
    public static String newRequestId(String label) {
        return label + "-" + java.util.UUID.randomUUID();
    }

    /** The partitions of the commands topics the tests' workers create (worker.topics.partitions). */
    public static final int PARTITIONS = 4;

    /** The commands partition a requestId belongs to: the one Kafka's default partitioner gives its key. */
    public static int partitionOf(String requestId) {
        return BuiltInPartitioner.partitionForKey(requestId.getBytes(StandardCharsets.UTF_8), PARTITIONS);
    }

    /** A fresh requestId whose commands belong to the partition. */
    public static String newRequestId(String label, int partition) {
        String requestId = newRequestId(label);
        while (partitionOf(requestId) != partition) {
            requestId = newRequestId(label);
        }
        return requestId;
    }

    /** Sends a command (variables and savePointPath may be null) and waits for its first answer. */
    public JsonNode submit(String requestId, int taskId, Map<String, String> variables, String savePointPath) {
        sendCommand(requestId, taskId, variables, savePointPath);
        return awaitEnvelope(requestId);
    }

    /** Waits for the first envelope of a request, checks it against the schema, and returns it. */
    public JsonNode awaitEnvelope(String requestId) {
        await().atMost(Duration.ofSeconds(60)).until(() -> !envelopes(requestId).isEmpty());
        JsonNode envelope = envelopes(requestId).get(0);
        Schemas.assertValid(Schemas.ENVELOPE, envelope);
        return envelope;
    }

    public List<JsonNode> envelopes(String requestId) {
        return new ArrayList<>(envelopes.getOrDefault(requestId, List.of()));
    }

    /** The status events of a request received so far, in the order of the topic, each checked against the schema. */
    public List<JsonNode> statusEvents(String requestId) {
        List<JsonNode> events = new ArrayList<>(statusEvents.getOrDefault(requestId, List.of()));
        events.forEach(event -> Schemas.assertValid(Schemas.STATUS_EVENT, event));
        return events;
    }

    /** Every status event received so far, by requestId. */
    public Map<String, List<JsonNode>> allStatusEvents() {
        Map<String, List<JsonNode>> copy = new java.util.HashMap<>();
        statusEvents.forEach((key, list) -> copy.put(key, new ArrayList<>(list)));
        return copy;
    }

    /** Waits for the terminal status event of a request and returns all its events. */
    public List<JsonNode> awaitTerminal(String requestId, Duration atMost) {
        await().atMost(atMost).until(() -> statusEvents(requestId).stream()
                .anyMatch(event -> event.get("terminal").asBoolean()));
        return statusEvents(requestId);
    }

    /**
     * The requestIds of the envelopes in the order they were read: for requestIds whose answers share a results
     * partition, the order the worker wrote them in.
     */
    public List<String> arrivals() {
        return new ArrayList<>(arrivals);
    }

    public List<ConsumerRecord<String, byte[]>> deadLetters() {
        return new ArrayList<>(deadLetters);
    }

    /** Every envelope received so far, by requestId. */
    public Map<String, List<JsonNode>> allEnvelopes() {
        Map<String, List<JsonNode>> copy = new java.util.HashMap<>();
        envelopes.forEach((key, list) -> copy.put(key, new ArrayList<>(list)));
        return copy;
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        collector.join(10_000);
        producer.close();
        if (transactionalProducer != null) {
            transactionalProducer.close();
        }
    }
}
