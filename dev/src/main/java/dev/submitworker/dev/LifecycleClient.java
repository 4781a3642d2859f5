package dev.submitworker.dev;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.submitworker.core.RequestId;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * {@code make lifecycle}: a streaming job's life through control commands, against the worker of {@code make run}.
 * Submits a task (default 2, the streaming sample), triggers a savepoint of its job, stops it with a savepoint,
 * restarts its task from the stop's savepoint (a restart with that {@code savePointPath}), then cancels the restarted
 * job; prints each command, its answer and the status
 * events, and ends with one line
 * {@code lifecycle: submitted=.. savepoint=.. stopped=.. restarted=.. restoredFrom=.. cancelled=.. violations=n}.
 * A violation is anything that contradicts the worker's guarantees: an answer missing or not successful, a job whose
 * JobID is not its requestId's, a restart that restored from another savepoint than the stop's, a stopped job that
 * did not end FINISHED or a cancelled one CANCELED. Exits 0 without violations, 1 with some, 2 without a broker.
 *
 * <p>Options (system properties): {@code demo.bootstrap}, {@code demo.task} (default 2), {@code demo.timeout}
 * (seconds per answer or status, default 120).
 */
public final class LifecycleClient {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String COMMANDS = "submit-worker.commands";
    private static final String RESULTS = "submit-worker.results";
    private static final String STATUS = "submit-worker.status";

    private final KafkaProducer<String, String> producer;
    private final KafkaConsumer<String, byte[]> consumer;
    private final Duration timeout;
    private final Map<String, List<JsonNode>> answers = new HashMap<>();
    private final Map<String, List<JsonNode>> events = new HashMap<>();
    private final List<String> violations = new ArrayList<>();

    private LifecycleClient(KafkaProducer<String, String> producer, KafkaConsumer<String, byte[]> consumer,
                            Duration timeout) {
        this.producer = producer;
        this.consumer = consumer;
        this.timeout = timeout;
    }

    public static void main(String[] args) throws Exception {
        String bootstrap = System.getProperty("demo.bootstrap", "");
        if (bootstrap.isBlank()) {
            if (!Files.exists(EmbeddedLauncher.BOOTSTRAP_FILE)) {
                System.err.println("No running worker found: start it first (make run) in another terminal, or "
                        + "name its broker: make lifecycle BOOTSTRAP=host:port.");
                System.exit(2);
            }
            bootstrap = Files.readString(EmbeddedLauncher.BOOTSTRAP_FILE).strip();
        }
        int task = Integer.parseInt(System.getProperty("demo.task", "2"));
        Duration timeout = Duration.ofSeconds(Long.parseLong(System.getProperty("demo.timeout", "120")));
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class));
             KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                     ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                     ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                     ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                     ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class))) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : List.of(RESULTS, STATUS)) {
                consumer.partitionsFor(topic, Duration.ofSeconds(10))
                        .forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position);
            System.exit(new LifecycleClient(producer, consumer, timeout).run(task));
        }
    }

    private int run(int task) throws Exception {
        String id = "lifecycle-" + UUID.randomUUID().toString().substring(0, 8);
        String submit = id + "-submit";
        JsonNode submitted = command(JSON.createObjectNode().put("requestId", submit).put("id", task));
        String job = jobOf(submit, submitted);
        awaitStatus(submit, "RUNNING");

        JsonNode savepoint = command(control(id + "-savepoint", "savepoint", submit));
        String savepointPath = savepoint.at("/data/control/savepointPath").asText(null);

        JsonNode stop = command(control(id + "-stop", "stop", submit).put("drain", false));
        String stopPath = stop.at("/data/control/savepointPath").asText(null);
        String stopped = awaitStatus(submit, "FINISHED");

        String restart = id + "-restart";
        JsonNode restarted = command(control(restart, "restart", submit).put("savePointPath", stopPath));
        String restartedJob = jobOf(restart, restarted);
        String restoredFrom = restarted.at("/data/control/savepointPath").asText(null);
        if (stopPath == null || !stopPath.equals(restoredFrom)) {
            violations.add("the restart restored from " + restoredFrom + ", not the stop's savepoint " + stopPath);
        }
        awaitStatus(restart, "RUNNING");

        command(control(id + "-cancel", "cancel", restart));
        String cancelled = awaitStatus(restart, "CANCELED");

        System.out.printf("lifecycle: submitted=%s savepoint=%s stopped=%s restarted=%s restoredFrom=%s "
                + "cancelled=%s violations=%d%n", job, savepointPath, stopped, restartedJob, restoredFrom, cancelled,
                violations.size());
        violations.forEach(violation -> System.out.println("  violation: " + violation));
        return violations.isEmpty() ? 0 : 1;
    }

    private static ObjectNode control(String requestId, String action, String target) {
        return JSON.createObjectNode().put("requestId", requestId).put("action", action).put("target", target);
    }

    /** Sends the command and returns its answer (a missing or failed answer is a violation). */
    private JsonNode command(ObjectNode command) throws Exception {
        String requestId = command.get("requestId").asText();
        String value = JSON.writeValueAsString(command);
        System.out.println("-> " + COMMANDS + "  key=" + requestId + "  " + value);
        producer.send(new ProducerRecord<>(COMMANDS, requestId, value)).get();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!answers.containsKey(requestId) && System.nanoTime() < deadline) {
            poll();
        }
        List<JsonNode> received = answers.get(requestId);
        if (received == null) {
            violations.add("no answer for " + requestId + " within " + timeout.toSeconds() + " s");
            return JSON.createObjectNode();
        }
        JsonNode answer = received.get(0);
        if (answer.path("code").asInt(-1) != 0) {
            violations.add(requestId + " was answered with code " + answer.path("code") + ": " + answer.path("msg"));
        }
        if (received.size() > 1 || answer.path("duplicate").asBoolean()) {
            violations.add(requestId + " was answered " + received.size() + " times, first as a duplicate: "
                    + answer.path("duplicate"));
        }
        return answer;
    }

    /** The answer's job, which must be the one derived from its requestId. */
    private String jobOf(String requestId, JsonNode answer) {
        String job = answer.at("/data/jobId").asText(null);
        if (!new RequestId(requestId).jobId().equals(job)) {
            violations.add("the job of " + requestId + " is " + job + ", not " + new RequestId(requestId).jobId());
        }
        return job;
    }

    /** Waits for the request's job to reach the status (or end otherwise); returns the last status seen. */
    private String awaitStatus(String requestId, String status) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            List<JsonNode> seen = events.getOrDefault(requestId, List.of());
            JsonNode last = seen.isEmpty() ? null : seen.get(seen.size() - 1);
            if (last != null && (status.equals(last.path("status").asText()) || last.path("terminal").asBoolean())) {
                if (!status.equals(last.path("status").asText())) {
                    violations.add("the job of " + requestId + " is " + last.path("status").asText() + ", not "
                            + status);
                }
                return last.path("status").asText();
            }
            poll();
        }
        violations.add("the job of " + requestId + " did not become " + status + " within " + timeout.toSeconds()
                + " s");
        return "NONE";
    }

    private void poll() {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(50))) {
            JsonNode value;
            try {
                value = JSON.readTree(new String(record.value(), StandardCharsets.UTF_8));
            } catch (java.io.IOException e) {
                violations.add("a record on " + record.topic() + " is not JSON: " + e.getMessage());
                continue;
            }
            boolean answer = RESULTS.equals(record.topic());
            (answer ? answers : events).computeIfAbsent(record.key(), key -> new ArrayList<>()).add(value);
            System.out.println("<- " + record.topic() + "  key=" + record.key() + "  " + (answer
                    ? "code " + value.path("code") + ": " + value.path("msg").asText()
                    : "#" + value.path("sequence") + " " + value.path("status").asText()));
        }
    }
}
