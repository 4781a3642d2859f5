package dev.submitworker.dev;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
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
 * {@code make demo}: sends one submit-task command to a running worker and prints the envelope that answers it.
 * Options (system properties): {@code demo.bootstrap} (default: the broker of a running {@code make run}, else
 * localhost:9092), {@code demo.task} (default 1),
 * {@code demo.request-id} (default a fresh one), {@code demo.commands} and {@code demo.results} (the default topics),
 * {@code demo.repeat} (default 1: with N > 1, N commands one after another, each with a fresh requestId, and the
 * latency of each and their median instead of the envelope).
 */
public final class DemoClient {

    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();

    private DemoClient() {}

    public static void main(String[] args) throws Exception {
        String bootstrap = System.getProperty("demo.bootstrap", Files.exists(EmbeddedLauncher.BOOTSTRAP_FILE)
                ? Files.readString(EmbeddedLauncher.BOOTSTRAP_FILE).strip()
                : "localhost:9092");
        int taskId = Integer.parseInt(System.getProperty("demo.task", "1"));
        String requestId = System.getProperty("demo.request-id", "demo-" + UUID.randomUUID().toString().substring(0, 8));
        String commands = System.getProperty("demo.commands", "submit-worker.commands");
        String results = System.getProperty("demo.results", "submit-worker.results");
        int repeat = Integer.parseInt(System.getProperty("demo.repeat", "1"));

        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.describeCluster().nodes().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            System.err.println("No Kafka broker answers at " + bootstrap + ". Start the worker first (make run) "
                    + "in another terminal, or set -Ddemo.bootstrap=host:port.");
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
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position);

            if (repeat == 1) {
                long sent = System.nanoTime();
                JsonNode envelope = roundTrip(producer, consumer, commands, requestId, taskId);
                System.out.printf("<- %s  key=%s  after %d ms%n", results, requestId, (System.nanoTime() - sent) / 1_000_000);
                System.out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(envelope));
                return;
            }
            List<Double> latencies = new ArrayList<>();
            for (int i = 1; i <= repeat; i++) {
                long sent = System.nanoTime();
                JsonNode envelope = roundTrip(producer, consumer, commands, requestId + "-" + i, taskId);
                double ms = (System.nanoTime() - sent) / 1e6;
                latencies.add(ms);
                System.out.printf("%3d  %-40s code %d  %8.1f ms%n", i, requestId + "-" + i, envelope.get("code").asInt(), ms);
            }
            Collections.sort(latencies);
            System.out.printf("demo: n=%d median=%.1f ms min=%.1f ms max=%.1f ms%n", repeat,
                    latencies.get(latencies.size() / 2), latencies.get(0), latencies.get(latencies.size() - 1));
        }
    }

    /** Sends one command and waits for its answer; the consumer must already sit at the end of the results topic. */
    private static JsonNode roundTrip(KafkaProducer<String, String> producer, KafkaConsumer<String, byte[]> consumer,
                                      String commands, String requestId, int taskId) throws Exception {
        ObjectNode command = JSON.createObjectNode().put("requestId", requestId).put("id", taskId);
        String value = JSON.writeValueAsString(command);
        System.out.println("-> " + commands + "  key=" + requestId + "  " + value);
        producer.send(new ProducerRecord<>(commands, requestId, value)).get();
        long deadline = System.nanoTime() + ANSWER_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(20))) {
                if (requestId.equals(record.key())) {
                    return JSON.readTree(new String(record.value(), StandardCharsets.UTF_8));
                }
            }
        }
        throw new IllegalStateException("No answer for " + requestId + " within " + ANSWER_TIMEOUT.toSeconds()
                + " s: is the worker running (make run)?");
    }
}
