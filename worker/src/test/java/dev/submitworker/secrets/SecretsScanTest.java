package dev.submitworker.secrets;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import ch.qos.logback.core.AppenderBase;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Tasks and commands with planted secrets, in every form a secret was found to leak in: keys that look secret to the
 * worker or to Flink, values of harmless keys (JVM options, global job parameters, JDBC query parameters, URLs with
 * user info, "password: ..." and "Authorization: Bearer ..." texts), SET statements, WITH options, EXECUTE JAR and
 * jar-task arguments and URIs, command variables and savepoint paths. Some succeed, some fail, one waits for an
 * unreachable cluster until it is given up, one is dead-lettered. Then a scan of every record on the results and
 * dead-letter topics (keys, values and headers, aborted transactions included), of the ledger, and of every log line
 * written meanwhile: no planted value appears. A dead letter's value is the producer's record, unchanged: it may hold
 * what the producer sent. The cluster shows that Flink got the real values.
 *
 * <p>The ledger is the worker's own state, to be protected like the commands topic: the command of a PENDING entry
 * is kept as it was sent, since the request is tried again from it (after a restart too) and must submit the real
 * values. Everything else in the ledger (the first answers of DONE entries) is what was published, so redacted.
 */
@WorkerTest
class SecretsScanTest {

    private static final KafkaTestClient kafka = KafkaTestClient.shared();
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String VARIABLE_146 = "planted-146-variable-b7e1";
    private static final String VARIABLE_162 = "planted-162-variable-6a0f";
    private static final String HEADER_162 = "Authorization: Bearer planted-162-header-93d1";
    private static final String HEADER_165 = "Authorization: Bearer planted-165-header-2f88";
    private static final String SAVEPOINT =
            "s3://AKIAIOSFODNN7EXAMPLE:planted-160-savepoint-e6a9@bucket/savepoints/savepoint-1";
    private static final String DEAD_LETTER = "planted-160-deadletter-5e2b";

    /** Planted in the task files: nowhere the worker writes, its ledger included. */
    private static final List<String> IN_TASKS = List.of(
            "planted-141-configjson-a81c", "planted-141-accesskey-27de", "planted-141-set-5b0e",
            "planted-141-credentials-c3f9", "planted-142-configjson-0d4a", "planted-142-with-9e77",
            "planted-143-args-71aa", "planted-143-args-f00d", "planted-144-configjson-61b2", "planted-144-args-3c3c",
            "planted-144-args-9a9a", "planted-145-args-4e4e",
            "planted-160-jvmopts-2c41", "planted-160-jobparams-8d13", "planted-160-jdbcurl-5f70",
            "planted-160-seturi-a4b8", "planted-160-note-1e93", "planted-160-bearer-7c2d",
            "planted-161-azurekey-3b9e", "planted-161-httpheaders-64fa", "planted-161-basicauth-0c5d",
            "planted-161-authparams-5a27", "planted-161-servicekey-e390", "planted-161-jaasconfig-7b14",
            "planted-161-jvmopts-9e12", "planted-161-jobparams-47b0", "planted-161-bearer-d85a",
            "planted-161-note-f2c7",
            "planted-163-jaruri-71d6", "planted-164-jaruri-0b3e", "planted-165-withuri-c81a");
    /** Sent in commands: nowhere the worker writes, but in the commands of its PENDING ledger entries. */
    private static final List<String> IN_COMMANDS = List.of(VARIABLE_146, VARIABLE_162, "planted-162-header-93d1",
            "planted-165-header-2f88", "planted-160-savepoint-e6a9", DEAD_LETTER);
    private static final List<String> PLANTED = Stream.concat(IN_TASKS.stream(), IN_COMMANDS.stream()).toList();

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

    /** Sends the command; returns its requestId. */
    private static String send(int taskId, Map<String, String> variables, String savePointPath) {
        String requestId = "secrets-" + taskId + "-" + UUID.randomUUID();
        kafka.sendCommand(requestId, taskId, variables, savePointPath);
        return requestId;
    }

    private static JsonNode submit(int taskId, Map<String, String> variables) {
        return kafka.awaitEnvelope(send(taskId, variables, null));
    }

    @Test
    void plantedSecretsAppearInNoEnvelopeDeadLetterLedgerEntryOrLogLine() throws Exception {
        // soft: one run names every leak, not just the first
        SoftAssertions softly = new SoftAssertions();
        // where the jar tasks expect it (relative to the worker's working directory)
        Path jobsJar = TestJars.jobsJar(Files.createDirectories(Path.of("target", "test-jars"))).toAbsolutePath();
        // first, so that it waits out its retry deadline while the others run
        String parkedId = send(162, Map.of("pw", VARIABLE_162, "header", HEADER_162), null);

        JsonNode sql = submit(141, null);
        softly.assertThat(sql.get("code").asInt()).as(sql.toPrettyString()).isZero();
        softly.assertThat(sql.at("/data/jobConfig/configJson/custom.api-token").asText()).isEqualTo(Redactor.MASK);
        softly.assertThat(sql.at("/data/statement").asText()).contains("'custom.db.password' = '******'");

        JsonNode refusedWith = submit(142, null);
        softly.assertThat(refusedWith.get("code").asInt()).as(refusedWith.toPrettyString()).isEqualTo(1);
        softly.assertThat(refusedWith.at("/data/error").asText()).contains("password");

        JsonNode executeJar = submit(143, Map.of("appJar", jobsJar.toString()));
        softly.assertThat(executeJar.get("code").asInt()).as(executeJar.toPrettyString()).isZero();
        softly.assertThat(executeJar.at("/data/statement").asText()).contains("--password=******", "--token ******");
        // the program names its job after its first argument: the real value reached Flink
        softly.assertThat(flink.jobName(executeJar.at("/data/jobId").asText()))
                .isEqualTo("--password=planted-143-args-71aa");

        JsonNode jar = submit(144, null);
        softly.assertThat(jar.get("code").asInt()).as(jar.toPrettyString()).isZero();
        softly.assertThat(jar.at("/data/statement").asText()).contains("--db.password=******", "--api-key ******");
        softly.assertThat(flink.jobName(jar.at("/data/jobId").asText()))
                .isEqualTo("--db.password=planted-144-args-3c3c");

        JsonNode failingJar = submit(145, null);
        softly.assertThat(failingJar.get("code").asInt()).as(failingJar.toPrettyString()).isEqualTo(1);
        softly.assertThat(failingJar.at("/data/error").asText()).contains(TestJars.FAILING_JOB_MESSAGE);

        JsonNode variable = submit(146, Map.of("pw", VARIABLE_146));
        softly.assertThat(variable.get("code").asInt()).as(variable.toPrettyString()).isZero();
        softly.assertThat(variable.at("/data/jobConfig/variables/pw").asText()).isEqualTo(Redactor.MASK);

        JsonNode valueForms = submit(160, null);
        softly.assertThat(valueForms.get("code").asInt()).as(valueForms.toPrettyString()).isZero();
        JsonNode configJson = valueForms.at("/data/jobConfig/configJson");
        softly.assertThat(configJson.get("env.java.opts.all").asText())
                .contains("trustStorePassword=******", "-Xmx1g");
        softly.assertThat(configJson.get("pipeline.global-job-parameters").asText())
                .contains("db.password:******", "region:eu");
        softly.assertThat(configJson.get("custom.jdbc-url").asText()).contains("?user=app&password=******");
        softly.assertThat(valueForms.at("/data/statement").asText()).contains("https://ingest:******@sink.example/v1",
                "'password: ******'", "'Authorization: Bearer ******'");

        JsonNode flinkKeys = submit(161, null);
        softly.assertThat(flinkKeys.get("code").asInt()).as(flinkKeys.toPrettyString()).isZero();
        JsonNode flinkKeysConfig = flinkKeys.at("/data/jobConfig/configJson");
        for (String key : List.of("fs.azure.account.key.acct.blob.core.windows.net", "custom.sink.http-headers",
                "custom.sink.basic-auth", "custom.oauth.auth-params", "custom.gcp.service-key",
                "custom.login.jaas.config")) {
            softly.assertThat(flinkKeysConfig.get(key).asText()).as(key).isEqualTo(Redactor.MASK);
        }
        softly.assertThat(flinkKeysConfig.get("pipeline.global-job-parameters").asText())
                .contains("db.password:******");
        softly.assertThat(flinkKeys.at("/data/statement").asText())
                .contains("Authorization: Bearer ******", "password: ******");
        // the program shows what it got in its user-config
        softly.assertThat(flink.userConfig(flinkKeys.at("/data/jobId").asText()))
                .containsEntry("config.0", "planted-161-azurekey-3b9e")
                .containsEntry("config.1", "X-Tenant:planted-161-httpheaders-64fa")
                .containsEntry("config.2", "ingest:planted-161-basicauth-0c5d")
                .containsEntry("config.3", "scope=ingest;assertion=planted-161-authparams-5a27")
                .containsEntry("config.4", "planted-161-servicekey-e390")
                .containsEntry("config.5", "planted-161-jaasconfig-7b14")
                .containsEntry("config.6", "-Djavax.net.ssl.keyStorePassword=planted-161-jvmopts-9e12 -Xmx1g")
                .containsEntry("global.7", "planted-161-jobparams-47b0")
                .containsEntry("arg.8", "Authorization: Bearer planted-161-bearer-d85a")
                .containsEntry("arg.9", "password: planted-161-note-f2c7");

        JsonNode jarUri = submit(163, null);
        softly.assertThat(jarUri.get("code").asInt()).as(jarUri.toPrettyString()).isEqualTo(1);
        softly.assertThat(jarUri.at("/data/error").asText())
                .contains("https://deploy:******@repo.example/jobs/app.jar");

        JsonNode executeJarUri = submit(164, null);
        softly.assertThat(executeJarUri.get("code").asInt()).as(executeJarUri.toPrettyString()).isEqualTo(1);
        softly.assertThat(executeJarUri.at("/data/error").asText())
                .contains("https://deploy:******@repo.example/jobs/app.jar");
        softly.assertThat(executeJarUri.at("/data/statement").asText())
                .contains("'uri' = 'https://deploy:******@repo.example/jobs/app.jar'");

        JsonNode withUrl = submit(165, Map.of("header", HEADER_165));
        softly.assertThat(withUrl.get("code").asInt()).as(withUrl.toPrettyString()).isEqualTo(1);
        softly.assertThat(withUrl.at("/data/error").asText())
                .contains("postgresql://app:******@db.example:5432/app");
        softly.assertThat(withUrl.at("/data/statement").asText())
                .contains("postgresql://app:******@db.example:5432/app");

        JsonNode savepoint = kafka.awaitEnvelope(send(160, null, SAVEPOINT));
        softly.assertThat(savepoint.get("code").asInt()).as(savepoint.toPrettyString()).isEqualTo(6);
        softly.assertThat(savepoint.at("/data/error").asText())
                .contains("s3://AKIAIOSFODNN7EXAMPLE:******@bucket/savepoints/savepoint-1");

        // not JSON (a trailing comma): answered on its key, and dead-lettered as it was sent
        String deadLetterId = "secrets-dead-letter-" + UUID.randomUUID();
        byte[] deadLetter = ("{\"requestId\":\"" + deadLetterId + "\",\"id\":160,\"variables\":{\"password\":\""
                + DEAD_LETTER + "\"},}").getBytes(StandardCharsets.UTF_8);
        kafka.sendRaw(WorkerTestInitializer.COMMANDS, deadLetterId, deadLetter);
        JsonNode invalid = kafka.awaitEnvelope(deadLetterId);
        softly.assertThat(invalid.get("code").asInt()).as(invalid.toPrettyString()).isEqualTo(6);

        JsonNode parked = kafka.awaitEnvelope(parkedId);
        softly.assertThat(parked.get("code").asInt()).as(parked.toPrettyString()).isEqualTo(5);
        softly.assertThat(parked.at("/data/jobConfig/variables/pw").asText()).isEqualTo(Redactor.MASK);
        // its retry and give-up lines were written, and are scanned below
        softly.assertThat(logLines).anyMatch(line -> line.contains(parkedId) && line.contains("trying again"))
                .anyMatch(line -> line.contains(parkedId) && line.contains("gave up"));

        List<ConsumerRecord<byte[], byte[]>> published = records(WorkerTestInitializer.RESULTS,
                WorkerTestInitializer.DEAD_LETTERS);
        softly.assertThat(published).as("records on the results topic").anyMatch(record -> text(record.key())
                .equals(sql.get("requestId").asText()));
        softly.assertThat(published).as("the dead letter").anyMatch(record -> record.topic()
                .equals(WorkerTestInitializer.DEAD_LETTERS) && Arrays.equals(record.value(), deadLetter));
        softly.assertThat(logLines).as("captured log lines")
                .anyMatch(line -> line.contains(sql.get("requestId").asText()));
        List<String> publishedTexts = published.stream().map(record -> record.topic()
                .equals(WorkerTestInitializer.DEAD_LETTERS) && Arrays.equals(record.value(), deadLetter)
                ? keyAndHeaders(record) : keyAndHeaders(record) + '\n' + text(record.value())).toList();

        List<ConsumerRecord<byte[], byte[]>> ledger = records(WorkerTestInitializer.LEDGER);
        List<String> ledgerCommands = new ArrayList<>();
        List<String> ledgerRest = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : ledger) {
            if (record.value() == null) { // a tombstone: nothing but its key
                ledgerRest.add(keyAndHeaders(record));
                continue;
            }
            ObjectNode entry = (ObjectNode) JSON.readTree(record.value());
            JsonNode command = entry.remove("command");
            if (command != null) {
                ledgerCommands.add(command.toString());
            }
            ledgerRest.add(keyAndHeaders(record) + '\n' + entry);
        }
        // the parked request is tried again from its PENDING entry: that must hold the real values
        softly.assertThat(ledgerCommands).as("commands in the ledger")
                .anyMatch(command -> command.contains(VARIABLE_162));

        for (String secret : PLANTED) {
            softly.assertThat(leaks(publishedTexts, secret)).as("records with %s", secret).isEmpty();
            softly.assertThat(leaks(ledgerRest, secret)).as("ledger entries (but their commands) with %s", secret)
                    .isEmpty();
            softly.assertThat(leaks(logLines, secret)).as("log lines with %s", secret).isEmpty();
        }
        for (String secret : IN_TASKS) {
            softly.assertThat(leaks(ledgerCommands, secret)).as("commands in the ledger with %s", secret).isEmpty();
        }
        softly.assertAll();
    }

    /** Where the texts hold the secret: each one's first line (a record's key), and the secret in its context. */
    private static List<String> leaks(List<String> texts, String secret) {
        List<String> leaks = new ArrayList<>();
        for (String text : texts) {
            int at = text.indexOf(secret);
            if (at >= 0) {
                int firstLine = text.indexOf('\n');
                leaks.add((firstLine < 0 ? "" : text.substring(0, firstLine) + ": ") + "..."
                        + text.substring(Math.max(0, at - 200), Math.min(text.length(), at + secret.length() + 100))
                        + "...");
            }
        }
        return leaks;
    }

    private static String text(byte[] bytes) {
        return bytes == null ? "" : new String(bytes, StandardCharsets.UTF_8);
    }

    private static String keyAndHeaders(ConsumerRecord<byte[], byte[]> record) {
        StringBuilder text = new StringBuilder(text(record.key()));
        for (Header header : record.headers()) {
            text.append('\n').append(header.key()).append('=').append(text(header.value()));
        }
        return text.toString();
    }

    /** Every record of the topics, aborted ones included. */
    private static List<ConsumerRecord<byte[], byte[]>> records(String... topics) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedInfrastructure.kafkaBootstrap(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class))) {
            List<TopicPartition> partitions = Stream.of(topics)
                    .flatMap(topic -> consumer.partitionsFor(topic).stream()
                            .map(info -> new TopicPartition(topic, info.partition())))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(partition -> consumer.position(partition) < ends.get(partition))) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }
}
