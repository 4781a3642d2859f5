package dev.submitworker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.submitworker.catalog.DirectoryTaskCatalog;
import dev.submitworker.cluster.ClusterTimeouts;
import dev.submitworker.cluster.RestSessionGateway;
import dev.submitworker.compile.FlinkJobCompiler;
import dev.submitworker.compile.JarJobBuilder;
import dev.submitworker.compile.SessionJob;
import dev.submitworker.compile.SqlJobBuilder;
import dev.submitworker.compile.TaskCompiler;
import dev.submitworker.core.ClusterTarget;
import dev.submitworker.core.RequestId;
import dev.submitworker.core.RunMode;
import dev.submitworker.core.SubmitCommand;
import dev.submitworker.core.Task;
import dev.submitworker.core.port.CompiledJob;
import dev.submitworker.core.port.RefusedException;
import dev.submitworker.testing.FlinkTestClient;
import dev.submitworker.testing.KafkaTestClient;
import dev.submitworker.testing.SharedInfrastructure;
import dev.submitworker.testing.SinkFiles;
import dev.submitworker.testing.WorkerTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobStatus;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What SQL scripts can name: Flink's filesystem connector and csv format out of the box, on the worker; and a connector
 * from a connectors directory (Flink's Kafka SQL connector, which is on no classpath of the tests): on the compiler's
 * classpath, and shipped with the job to a cluster that has no copy of it.
 */
@WorkerTest
class ConnectorsTest {

    /** Copied there by the build (maven-dependency-plugin), kept off every classpath. */
    static final Path KAFKA_CONNECTOR = Path.of("target/test-connectors/flink-sql-connector-kafka-5.0.0-2.2.jar");

    private static final DirectoryTaskCatalog catalog = DirectoryTaskCatalog.load(Path.of("src/test/resources/tasks"));
    private static final ClusterTimeouts TIMEOUTS =
            new ClusterTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(15), Duration.ofSeconds(60));

    @TempDir
    Path temp;

    @Test
    void aTaskWritingCsvFilesRunsOnTheWorkerOutOfTheBox() {
        String requestId = KafkaTestClient.newRequestId("csv-files");
        Path output = temp.resolve("numbers");

        JsonNode answer = KafkaTestClient.shared().submit(requestId, 190, Map.of("dir", output.toUri().toString()),
                null);

        FlinkTestClient.shared().awaitFinished(answer);
        assertThat(SinkFiles.lines(output)).containsExactly("1,row-1", "2,row-2", "3,row-3", "4,row-4", "5,row-5");
    }

    @Test
    void printAndBlackholeSinksCompileOutOfTheBox() {
        Task task = catalog.find(190).orElseThrow();
        for (String sink : List.of("print", "blackhole")) {
            String script = """
                    CREATE TEMPORARY TABLE src (n BIGINT) WITH ('connector' = 'datagen', 'number-of-rows' = '1');
                    CREATE TEMPORARY TABLE snk (n BIGINT) WITH ('connector' = '%s');
                    INSERT INTO snk SELECT n FROM src;
                    """.formatted(sink);
            assertThat(new SqlJobBuilder().build(task, "sinks-" + sink, script, null, false).jobGraph()).isNotNull();
        }
    }

    @Test
    void aKafkaTaskNeedsTheConnectorInTheConnectorsDirectory() throws Exception {
        Task task = catalog.find(191).orElseThrow();
        Map<String, String> variables = Map.of("bootstrap", SharedInfrastructure.kafkaBootstrap(), "topic", "none",
                "dir", temp.toUri().toString());
        FlinkJobCompiler withoutConnectors = compiler(List.of());

        assertThatThrownBy(() -> withoutConnectors.compile(task, command("no-connector", variables),
                new ClusterTarget("session", RunMode.STANDALONE)))
                .isInstanceOfSatisfying(RefusedException.class, refused -> assertThat(refused.detail())
                        .contains("Could not find any factory for identifier 'kafka'"));
    }

    @Test
    void aConnectorInTheConnectorsDirectoryCompilesIsShippedAndRunsOnTheCluster() throws Exception {
        Path connectors = Files.createDirectories(temp.resolve("connectors"));
        Files.copy(KAFKA_CONNECTOR, connectors.resolve(KAFKA_CONNECTOR.getFileName()));
        String topic = "connectors-orders-" + UUID.randomUUID();
        createTopic(topic);
        KafkaTestClient kafka = KafkaTestClient.shared();
        kafka.sendRaw(topic, "1", "{\"order_id\":1,\"customer\":\"ada\",\"amount\":12.50}".getBytes());
        kafka.sendRaw(topic, "2", "{\"order_id\":2,\"customer\":\"grace\",\"amount\":7}".getBytes());
        kafka.sendRaw(topic, "3", "{\"order_id\":3,\"customer\":\"alan\",\"amount\":100.25}".getBytes());
        Path output = temp.resolve("orders");
        String requestId = KafkaTestClient.newRequestId("kafka-connector");
        Task task = catalog.find(191).orElseThrow();

        CompiledJob job = compiler(SqlJobBuilder.connectorJars(connectors)).compile(task, command(requestId,
                        Map.of("bootstrap", SharedInfrastructure.kafkaBootstrap(), "topic", topic,
                                "dir", output.toUri().toString())),
                new ClusterTarget("session", RunMode.STANDALONE));
        assertThat(((SessionJob) job).jobGraph().getUserJars()).extracting(jar -> Path.of(jar.toUri()))
                .containsExactly(connectors.resolve(KAFKA_CONNECTOR.getFileName()).toAbsolutePath());
        try (RestSessionGateway cluster = RestSessionGateway.at("session", SharedInfrastructure.flinkRestAddress(),
                Map.of(), TIMEOUTS)) {
            cluster.submit(job);
        }

        assertThat(FlinkTestClient.shared().awaitEnd(new RequestId(requestId).jobId())).isEqualTo(JobStatus.FINISHED);
        assertThat(SinkFiles.lines(output)).containsExactly("1,ada,12.5", "2,grace,7", "3,alan,100.25");
    }

    @Test
    void theKafkaExampleOfTheDocsIsTheTaskThisTestRuns() throws Exception {
        String docs = Files.readString(Path.of("../docs/connectors.md"));
        String example = docs.substring(docs.indexOf("## Example"));
        example = example.substring(example.indexOf("```yaml") + "```yaml".length(), example.indexOf("```\n", 8));
        JsonNode documented = new ObjectMapper(new YAMLFactory()).readTree(example);

        assertThat(documented.get("statement").asText()).isEqualTo(catalog.find(191).orElseThrow().statement());
        assertThat(documented.get("batchModel").asBoolean()).isTrue();
    }

    private static FlinkJobCompiler compiler(List<Path> connectorJars) {
        return new FlinkJobCompiler(new TaskCompiler(new SqlJobBuilder(connectorJars),
                new JarJobBuilder(Path.of("target/connectors-test-jars")), null));
    }

    private static SubmitCommand command(String requestId, Map<String, String> variables) {
        return new SubmitCommand(new RequestId(requestId), 191, null, variables);
    }

    private static void createTopic(String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                SharedInfrastructure.kafkaBootstrap()))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
    }
}
