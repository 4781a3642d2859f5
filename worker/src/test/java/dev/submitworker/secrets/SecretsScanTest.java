package dev.submitworker.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import ch.qos.logback.core.AppenderBase;
import com.fasterxml.jackson.databind.JsonNode;
import dev.submitworker.testing.FlinkTestClient;
import dev.submitworker.testing.KafkaTestClient;
import dev.submitworker.testing.SharedInfrastructure;
import dev.submitworker.testing.TestJars;
import dev.submitworker.testing.WorkerTest;
import dev.submitworker.testing.WorkerTestInitializer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Tasks with planted secrets (configJson, SET statements, WITH options, EXECUTE JAR and jar-task arguments, a command
 * variable that fills a secret option), some
 * succeeding and some failing, then a scan of every record on the results and dead-letter topics (values and headers,
 * aborted transactions included) and of every log line written meanwhile: no planted value appears. The cluster shows
 * that Flink got the real values.
 */
@WorkerTest
class SecretsScanTest {

    private static final KafkaTestClient kafka = KafkaTestClient.shared();
    private static final List<String> PLANTED = List.of(
            "planted-141-configjson-a81c", "planted-141-accesskey-27de", "planted-141-set-5b0e",
            "planted-141-credentials-c3f9", "planted-142-configjson-0d4a", "planted-142-with-9e77",
            "planted-143-args-71aa", "planted-143-args-f00d", "planted-144-configjson-61b2", "planted-144-args-3c3c",
            "planted-144-args-9a9a", "planted-145-args-4e4e", "planted-146-variable-b7e1");

    private static final List<String> logLines = new CopyOnWriteArrayList<>();
    private static final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private static final Logger worker = (Logger) LoggerFactory.getLogger("dev.submitworker");
    private static final AppenderBase<ILoggingEvent> capture = new AppenderBase<>() {
        @Override
        protected void append(ILoggingEvent event) {
            StringBuilder line = new StringBuilder(event.getLoggerName()).append(' ').append(event.getFormattedMessage());
            for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
                line.append('\n').append(t.getClassName()).append(": ").append(t.getMessage());
                for (StackTraceElementProxy frame : t.getStackTraceElementProxyArray()) {
                    line.append("\n\tat ").append(frame.getSTEAsString());
                }
            }
            logLines.add(line.toString());
        }
    };
    private static Level workerLevel;
    private static FlinkTestClient flink;

    @BeforeAll
    static void connect() {
        flink = FlinkTestClient.session();
    }

    @AfterAll
    static void disconnect() {
        flink.close();
    }

    // Not before all: the worker's context starts after that, and Spring Boot's logging set-up resets Logback.
    @BeforeEach
    void captureLogs() {
        capture.setContext(root.getLoggerContext());
        capture.start();
        root.addAppender(capture);
        // the worker's debug lines are scanned too
        workerLevel = worker.getLevel();
        worker.setLevel(Level.DEBUG);
    }

    @AfterEach
    void stopCapturing() {
        root.detachAppender(capture);
        worker.setLevel(workerLevel);
    }

    private static JsonNode submit(int taskId, Map<String, String> variables) {
        String requestId = "secrets-" + taskId + "-" + UUID.randomUUID();
        kafka.sendCommand(requestId, taskId, variables, null);
        return kafka.awaitEnvelope(requestId);
    }

    @Test
    void plantedSecretsAppearInNoEnvelopeDeadLetterOrLogLine() throws Exception {
        // where tasks 144 and 145 expect it (relative to the worker's working directory)
        Path jobsJar = TestJars.jobsJar(Files.createDirectories(Path.of("target", "test-jars"))).toAbsolutePath();

        JsonNode sql = submit(141, null);
        assertThat(sql.get("code").asInt()).as(sql.toPrettyString()).isZero();
        assertThat(sql.at("/data/jobConfig/configJson/custom.api-token").asText()).isEqualTo(Redactor.MASK);
        assertThat(sql.at("/data/statement").asText()).contains("'custom.db.password' = '******'");

        JsonNode refusedWith = submit(142, null);
        assertThat(refusedWith.get("code").asInt()).as(refusedWith.toPrettyString()).isEqualTo(1);
        assertThat(refusedWith.at("/data/error").asText()).contains("password");

        JsonNode executeJar = submit(143, Map.of("appJar", jobsJar.toString()));
        assertThat(executeJar.get("code").asInt()).as(executeJar.toPrettyString()).isZero();
        assertThat(executeJar.at("/data/statement").asText()).contains("--password=******").contains("--token ******");
        // the program names its job after its first argument: the real value reached Flink
        assertThat(flink.jobName(executeJar.at("/data/jobId").asText())).isEqualTo("--password=planted-143-args-71aa");

        JsonNode jar = submit(144, null);
        assertThat(jar.get("code").asInt()).as(jar.toPrettyString()).isZero();
        assertThat(jar.at("/data/statement").asText()).contains("--db.password=******").contains("--api-key ******");
        assertThat(flink.jobName(jar.at("/data/jobId").asText())).isEqualTo("--db.password=planted-144-args-3c3c");

        JsonNode failingJar = submit(145, null);
        assertThat(failingJar.get("code").asInt()).as(failingJar.toPrettyString()).isEqualTo(1);
        assertThat(failingJar.at("/data/error").asText()).contains(TestJars.FAILING_JOB_MESSAGE);

        JsonNode variable = submit(146, Map.of("pw", "planted-146-variable-b7e1"));
        assertThat(variable.get("code").asInt()).as(variable.toPrettyString()).isZero();
        assertThat(variable.at("/data/jobConfig/variables/pw").asText()).isEqualTo(Redactor.MASK);

        List<String> published = publishedRecords();
        assertThat(published).as("records on the results topic").anyMatch(text -> text.contains(sql.get("requestId").asText()));
        assertThat(logLines).as("captured log lines").anyMatch(line -> line.contains(sql.get("requestId").asText()));
        for (String secret : PLANTED) {
            assertThat(published).as("records with %s", secret).noneMatch(text -> text.contains(secret));
            assertThat(logLines).as("log lines with %s", secret).noneMatch(line -> line.contains(secret));
        }
    }

    /** Every record of the results and dead-letter topics, aborted ones included: its key, value and headers. */
    private static List<String> publishedRecords() {
        List<String> texts = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedInfrastructure.kafkaBootstrap(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class))) {
            List<TopicPartition> partitions = List.of(WorkerTestInitializer.RESULTS, WorkerTestInitializer.DEAD_LETTERS)
                    .stream().flatMap(topic -> consumer.partitionsFor(topic).stream()
                            .map(info -> new TopicPartition(topic, info.partition())))
                    .collect(Collectors.toList());
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(partition -> consumer.position(partition) < ends.get(partition))) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    StringBuilder text = new StringBuilder();
                    text.append(record.key() == null ? "" : new String(record.key(), StandardCharsets.UTF_8));
                    text.append('\n').append(record.value() == null ? ""
                            : new String(record.value(), StandardCharsets.UTF_8));
                    for (Header header : record.headers()) {
                        text.append('\n').append(header.key()).append('=')
                                .append(new String(header.value(), StandardCharsets.UTF_8));
                    }
                    texts.add(text.toString());
                }
            }
        }
        return texts;
    }
}
