package dev.submitworker.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
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
 * {@code demo.request-id} (default a fresh one), {@code demo.commands} and {@code demo.results} (the default topics).
 */
public final class DemoClient {

    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(90);

    private DemoClient() {}

    public static void main(String[] args) throws Exception {
        String bootstrap = System.getProperty("demo.bootstrap", Files.exists(EmbeddedLauncher.BOOTSTRAP_FILE)
                ? Files.readString(EmbeddedLauncher.BOOTSTRAP_FILE).strip()
                : "localhost:9092");
        int taskId = Integer.parseInt(System.getProperty("demo.task", "1"));
        String requestId = System.getProperty("demo.request-id", "demo-" + UUID.randomUUID().toString().substring(0, 8));
        String commands = System.getProperty("demo.commands", "submit-worker.commands");
        String results = System.getProperty("demo.results", "submit-worker.results");
        ObjectMapper json = new ObjectMapper();

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

            ObjectNode command = json.createObjectNode().put("requestId", requestId).put("id", taskId);
            String value = json.writeValueAsString(command);
            System.out.println("-> " + commands + "  key=" + requestId + "  " + value);
            long sent = System.nanoTime();
            producer.send(new ProducerRecord<>(commands, requestId, value)).get();

            long deadline = sent + ANSWER_TIMEOUT.toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (requestId.equals(record.key())) {
                        JsonNode envelope = json.readTree(new String(record.value(), StandardCharsets.UTF_8));
                        System.out.printf("<- %s  key=%s  after %d ms%n", results, record.key(),
                                (System.nanoTime() - sent) / 1_000_000);
                        System.out.println(json.writerWithDefaultPrettyPrinter().writeValueAsString(envelope));
                        return;
                    }
                }
            }
            System.err.println("No answer for " + requestId + " within " + ANSWER_TIMEOUT.toSeconds() + " s");
            System.exit(1);
        }
    }
}
