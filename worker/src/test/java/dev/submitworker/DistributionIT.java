package dev.submitworker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.submitworker.testing.Distribution;
import dev.submitworker.testing.FlinkTestClient;
import dev.submitworker.testing.KafkaTestClient;
import dev.submitworker.testing.Ports;
import dev.submitworker.testing.Readiness;
import dev.submitworker.testing.SharedInfrastructure;
import dev.submitworker.testing.SinkFiles;
import dev.submitworker.testing.WorkerProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distribution as an operator gets it: the archive the build just made (maven-assembly-plugin, package phase;
 * {@code make dist}) unpacked into a temporary directory, its layout checked, and {@code bin/submit-worker} started
 * with nothing but command-line arguments against the test broker and the MiniCluster as a session cluster. It finds
 * its tasks and connectors in its own directories: a Kafka connector dropped into {@code connectors/} and a task
 * dropped into {@code tasks/} make a job that reads a topic into CSV files.
 */
class DistributionIT {

    @TempDir
    static Path temp;
    private static Path home;
    /** as unpacked, before the run test adds to them */
    private static List<String> connectors;
    private static List<String> tasks;

    @BeforeAll
    static void unpack() throws Exception {
        home = Distribution.unpack(temp);
        connectors = Distribution.names(home.resolve("connectors"));
        tasks = Distribution.names(home.resolve("tasks"));
        System.out.printf("distribution: %s archive=%.1f MB unpacked=%.1f MB lib=%d jars%n", home.getFileName(),
                Files.size(Distribution.ARCHIVE) / 1e6, size(home) / 1e6, Distribution.names(home.resolve("lib")).size());
    }

    @Test
    void itIsLaidOutAsOperatorsExpect() throws IOException {
        assertThat(home.getFileName().toString()).startsWith("submit-worker-");
        assertThat(Distribution.names(home)).containsExactlyInAnyOrder("bin", "config", "connectors", "lib", "tasks");
        assertThat(home.resolve("bin/submit-worker")).isExecutable();
        assertThat(home.resolve("bin/submit-task")).isExecutable();
        assertThat(home.resolve("bin/submit-task.jar")).isRegularFile();
        assertThat(connectors).isEmpty();
        assertThat(home.resolve("config/application.yml")).hasSameTextualContentAs(
                Path.of("src/main/resources/application.yml"));
        assertThat(tasks).containsExactlyInAnyOrderElementsOf(Distribution.names(Path.of("../tasks")));
        List<String> lib = Distribution.names(home.resolve("lib"));
        assertThat(lib).anyMatch(jar -> jar.matches("submit-worker-.*\\.jar"))
                .anyMatch(jar -> jar.startsWith("flink-connector-files-"))
                // the runtime classpath only: nothing of the tests, the embedded broker or Scala
                .noneMatch(jar -> jar.matches("(junit|assertj|awaitility|archunit|spring-kafka-test|kafka_2\\.13"
                        + "|kafka-server|scala-library|flink-sql-gateway|mockwebserver|kubernetes-server-mock).*"));
    }

    @Test
    void binSubmitTaskRunsFromTheDistribution() throws Exception {
        ProcessBuilder builder = new ProcessBuilder(home.resolve("bin/submit-task").toString(), "submit", "--help")
                .redirectErrorStream(true);
        // its class-data archive goes to the user's cache: here, the test's own directory
        builder.environment().put("XDG_CACHE_HOME", temp.resolve("cache").toString());
        Process cli = builder.start();
        String output = new String(cli.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(cli.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(cli.exitValue()).as(output).isZero();
        assertThat(output).contains("--request-id", "--wait");
    }

    @Test
    void binSubmitWorkerStartsFromArgumentsAloneAndRunsAConnectorsTask() throws Exception {
        Files.copy(ConnectorsTest.KAFKA_CONNECTOR, home.resolve("connectors").resolve(
                ConnectorsTest.KAFKA_CONNECTOR.getFileName()));
        Files.copy(Path.of("src/test/resources/tasks/191-kafka-json-to-files.yaml"),
                home.resolve("tasks/191-kafka-json-to-files.yaml"));
        String prefix = "dist-" + UUID.randomUUID().toString().substring(0, 8);
        String topic = prefix + ".orders";
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                SharedInfrastructure.kafkaBootstrap()))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        Map<String, String> properties = new HashMap<>(WorkerProcess.properties(prefix));
        properties.remove("worker.catalog.dir"); // the distribution's own tasks/
        properties.put("worker.ledger.store.dir", temp.resolve("state").toString());
        List<String> arguments = new ArrayList<>();
        properties.forEach((key, value) -> arguments.add("--" + key + "=" + value));
        arguments.add("--worker.instance-id=" + prefix);
        int port = Ports.freePort();
        arguments.add("--server.port=" + port);
        Path output = temp.resolve("orders");

        try (KafkaTestClient kafka = KafkaTestClient.forTopics(prefix + ".commands", prefix + ".results",
                prefix + ".commands.DLT");
             WorkerProcess worker = Distribution.start(home, arguments, Map.of(), prefix)) {
            long started = System.nanoTime();
            Readiness.awaitReady(port);
            System.out.printf("distribution: bin/submit-worker ready in %.1f s (its start to readiness UP)%n",
                    (System.nanoTime() - started) / 1e9);
            kafka.sendRaw(topic, "1", "{\"order_id\":1,\"customer\":\"ada\",\"amount\":12.5}".getBytes());
            kafka.sendRaw(topic, "2", "{\"order_id\":2,\"customer\":\"grace\",\"amount\":7}".getBytes());
            JsonNode answer = kafka.submit(KafkaTestClient.newRequestId("dist"), 191, Map.of(
                    "bootstrap", SharedInfrastructure.kafkaBootstrap(), "topic", topic,
                    "dir", output.toUri().toString()), null);

            FlinkTestClient.shared().awaitFinished(answer);
            assertThat(SinkFiles.lines(output)).containsExactly("1,ada,12.5", "2,grace,7");
            assertThat(worker.logLines("Connectors directory " + home.resolve("connectors") + ": "
                    + ConnectorsTest.KAFKA_CONNECTOR.getFileName())).isOne();
        }
    }

    private static long size(Path directory) throws IOException {
        try (Stream<Path> files = Files.walk(directory)) {
            return files.filter(Files::isRegularFile).mapToLong(file -> file.toFile().length()).sum();
        }
    }

}
