package dev.submitworker.dev;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
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
 * {@code make demo}: sends a submit-task command to a running worker and prints the envelope that answers it. Exits
 * with 0 when every answer's code is 0, 1 when one is not, 2 when it cannot send (bad options, no broker, no results
 * topic) and 3 when an answer does not come in time.
 *
 * <p>Options (system properties): {@code demo.bootstrap} (default: the broker of a running {@code make run}, else
 * localhost:9092), {@code demo.task} (default 1), {@code demo.vars} (the command's variables, {@code k=v,k2=v2}; a
 * value cannot hold a comma), {@code demo.request-id} (default a fresh one), {@code demo.commands} and
 * {@code demo.results} (the default topics), {@code demo.timeout} (ISO-8601 or seconds, default 240 s),
 * {@code demo.repeat} (default 1: with N > 1, N commands one after another, each with the requestId and a suffix
 * -1..-N, and the latency of each and their median instead of the envelope), {@code demo.follow} (true: after a
 * successful answer, print the job's status events from {@code demo.status} as they come, until the terminal one or
 * for at most {@code demo.follow-seconds}, default 20, then one line {@code status: requestId=.. final=.. events=..};
 * exits 1 when the job ended other than FINISHED).
 */
public final class DemoClient {

    /** Longer than the worker's default retry deadline (worker.retry.deadline, 3m), after which it answers code 5. */
    private static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(4);
    private static final ObjectMapper JSON = new ObjectMapper();

    private DemoClient() {}

    public static void main(String[] args) throws Exception {
        String bootstrap = System.getProperty("demo.bootstrap", "");
        if (bootstrap.isBlank()) {
            bootstrap = Files.exists(EmbeddedLauncher.BOOTSTRAP_FILE)
                    ? Files.readString(EmbeddedLauncher.BOOTSTRAP_FILE).strip()
                    : "localhost:9092";
        }
        int taskId = Integer.parseInt(System.getProperty("demo.task", "1"));
        Map<String, String> variables = variables(System.getProperty("demo.vars", ""));
        String requestId = System.getProperty("demo.request-id", "");
        if (requestId.isBlank()) {
            requestId = "demo-" + UUID.randomUUID().toString().substring(0, 8);
        }
        String commands = System.getProperty("demo.commands", "submit-worker.commands");
        String results = System.getProperty("demo.results", "submit-worker.results");
        String status = System.getProperty("demo.status", "submit-worker.status");
        boolean follow = Boolean.parseBoolean(System.getProperty("demo.follow", "false"))
                || "1".equals(System.getProperty("demo.follow"));
        Duration followFor = timeout(System.getProperty("demo.follow-seconds", "20"));
        int repeat = Integer.parseInt(System.getProperty("demo.repeat", "1"));
        Duration timeout = timeout(System.getProperty("demo.timeout", ""));

        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.describeCluster().nodes().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            System.err.println("No Kafka broker answers at " + bootstrap + ". Start the worker first (make run) "
                    + "in another terminal, or name its broker: make demo BOOTSTRAP=host:port.");
            System.exit(2);
        }

        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class));
             KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                     ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                     ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                     ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class))) {
            // Read the results topic from its current end, so only answers that come after the command are seen.
            List<TopicPartition> partitions = consumer.partitionsFor(results, Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            if (partitions.isEmpty()) {
                System.err.println("The broker at " + bootstrap + " has no topic " + results
                        + ": is the worker running (make run)?");
                System.exit(2);
            }
            if (follow) {
                partitions = new ArrayList<>(partitions);
                partitions.addAll(consumer.partitionsFor(status, Duration.ofSeconds(10)).stream()
                        .map(p -> new TopicPartition(p.topic(), p.partition())).toList());
            }
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position);
            Sender sender = new Sender(producer, consumer, commands, results, taskId, variables, timeout);

            if (repeat == 1) {
                long sent = System.nanoTime();
                JsonNode envelope = sender.roundTrip(requestId);
                System.out.printf("<- %s  key=%s  after %d ms%n", results, requestId,
                        (System.nanoTime() - sent) / 1_000_000);
                System.out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(envelope));
                if (code(envelope) != 0) {
                    System.exit(1);
                }
                System.exit(follow ? follow(consumer, status, requestId, followFor) : 0);
            }
            List<Double> latencies = new ArrayList<>();
            JsonNode firstFailure = null;
            for (int i = 1; i <= repeat; i++) {
                long sent = System.nanoTime();
                JsonNode envelope = sender.roundTrip(requestId + "-" + i);
                double ms = (System.nanoTime() - sent) / 1e6;
                latencies.add(ms);
                System.out.printf("%3d  %-40s code %d  %8.1f ms%n", i, requestId + "-" + i, code(envelope), ms);
                if (code(envelope) != 0 && firstFailure == null) {
                    firstFailure = envelope;
                }
            }
            Collections.sort(latencies);
            System.out.printf("demo: n=%d median=%.1f ms min=%.1f ms max=%.1f ms%n", repeat,
                    latencies.get(latencies.size() / 2), latencies.get(0), latencies.get(latencies.size() - 1));
            if (firstFailure != null) {
                System.out.println("The first answer whose code is not 0:");
                System.out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(firstFailure));
                System.exit(1);
            }
        } catch (NoAnswerException e) {
            System.err.println(e.getMessage());
            System.exit(3);
        }
    }

    /**
     * Prints the request's status events as they come, until its terminal one or {@code followFor}; the consumer sits
     * on the status topic from before the command was sent, so none is missed.
     */
    private static int follow(KafkaConsumer<String, byte[]> consumer, String status, String requestId,
                              Duration followFor) throws Exception {
        long deadline = System.nanoTime() + followFor.toNanos();
        String last = "NONE";
        int events = 0;
        boolean terminal = false;
        while (!terminal && System.nanoTime() < deadline) {
            for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(50))) {
                if (status.equals(record.topic()) && requestId.equals(record.key())) {
                    JsonNode event = JSON.readTree(new String(record.value(), StandardCharsets.UTF_8));
                    System.out.printf("<- %s  key=%s  #%d %s%n%s%n", status, requestId, event.path("sequence").asInt(),
                            event.path("status").asText(), JSON.writeValueAsString(event));
                    last = event.path("status").asText();
                    terminal = event.path("terminal").asBoolean();
                    events++;
                }
            }
        }
        System.out.printf("status: requestId=%s final=%s events=%d%n", requestId, last, events);
        return terminal && !"FINISHED".equals(last) ? 1 : 0;
    }

    private static int code(JsonNode envelope) {
        return envelope.path("code").asInt(-1);
    }

    /** {@code k=v,k2=v2} into the command's variables, in order; blank means none. */
    private static Map<String, String> variables(String spec) {
        Map<String, String> variables = new LinkedHashMap<>();
        for (String pair : spec.split(",")) {
            if (pair.isBlank()) {
                continue;
            }
            int equals = pair.indexOf('=');
            if (equals < 1) {
                System.err.println("VARS takes name=value pairs separated by commas, not: " + pair);
                System.exit(2);
            }
            variables.put(pair.substring(0, equals).strip(), pair.substring(equals + 1));
        }
        return variables;
    }

    private static Duration timeout(String value) {
        if (value.isBlank()) {
            return DEFAULT_TIMEOUT;
        }
        return value.chars().allMatch(Character::isDigit) ? Duration.ofSeconds(Long.parseLong(value))
                : Duration.parse(value);
    }

    /** Sends commands and waits for their answers; the consumer already sits at the end of the results topic. */
    private record Sender(KafkaProducer<String, String> producer, KafkaConsumer<String, byte[]> consumer,
                          String commands, String results, int taskId, Map<String, String> variables, Duration timeout) {

        JsonNode roundTrip(String requestId) throws Exception {
            ObjectNode command = JSON.createObjectNode().put("requestId", requestId).put("id", taskId);
            if (!variables.isEmpty()) {
                variables.forEach(command.putObject("variables")::put);
            }
            String value = JSON.writeValueAsString(command);
            System.out.println("-> " + commands + "  key=" + requestId + "  " + value);
            producer.send(new ProducerRecord<>(commands, requestId, value)).get();
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(20))) {
                    if (record.topic().equals(results) && requestId.equals(record.key())) {
                        return JSON.readTree(new String(record.value(), StandardCharsets.UTF_8));
                    }
                }
            }
            throw new NoAnswerException("demo: no answer for " + requestId + " within " + timeout.toSeconds()
                    + " s (a worker answers within its retry deadline, 3 min by default). Is the worker running"
                    + " (make run) and consuming " + commands + "? Its log says what became of the command.");
        }
    }

    private static final class NoAnswerException extends Exception {
        NoAnswerException(String message) {
            super(message);
        }
    }
}
