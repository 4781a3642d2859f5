package dev.submitworker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.submitworker.core.RequestId;
import dev.submitworker.testing.FlinkTestClient;
import dev.submitworker.testing.KafkaTestClient;
import dev.submitworker.testing.WorkerTest;
import dev.submitworker.testing.WorkerTestInitializer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.apache.flink.api.common.JobStatus;
import org.junit.jupiter.api.Test;

/** Commands in on a real broker, jobs checked on a real Flink cluster over REST, answers read from the results topic. */
@WorkerTest
class SubmitTaskEndToEndTest {

    private static final KafkaTestClient kafka = KafkaTestClient.shared();
    private static final FlinkTestClient flink = FlinkTestClient.shared();




    private static JsonNode submit(String requestId, int taskId) {
        return kafka.submit(requestId, taskId, null, null);
    }

    @Test
    void boundedTaskIsSubmittedWithTheRequestsJobIdAndFinishes() throws Exception {
        String requestId = KafkaTestClient.newRequestId("bounded");
        JsonNode envelope = submit(requestId, 101);

        assertThat(envelope.get("code").asInt()).as(envelope.toPrettyString()).isZero();
        assertThat(envelope.get("success").asBoolean()).isTrue();
        assertThat(envelope.get("requestId").asText()).isEqualTo(requestId);
        assertThat(envelope.get("taskId").asInt()).isEqualTo(101);
        JsonNode data = envelope.get("data");
        String jobId = data.get("jobId").asText();
        assertThat(jobId).isEqualTo(new RequestId(requestId).jobId());
        assertThat(data.get("status").asText()).isEqualTo("SUCCESS");
        assertThat(data.get("jobManagerAddress").asText()).isEqualTo(hostPort(flinkAddress()));
        assertThat(data.get("statement").asText()).contains("INSERT INTO snk");
        assertThat(data.at("/jobConfig/jobName").asText()).isEqualTo("it-bounded");
        assertThat(data.at("/jobConfig/type").asText()).isEqualTo("standalone");

        await().atMost(Duration.ofSeconds(60)).until(() -> flink.status(jobId) == JobStatus.FINISHED);
        assertThat(flink.jobName(jobId)).isEqualTo("it-bounded");
    }

    @Test
    void streamingTaskIsRunningOnTheCluster() throws Exception {
        String requestId = KafkaTestClient.newRequestId("streaming");
        JsonNode envelope = submit(requestId, 102);

        assertThat(envelope.get("code").asInt()).as(envelope.toPrettyString()).isZero();
        String jobId = envelope.at("/data/jobId").asText();
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> flink.status(jobId) == JobStatus.RUNNING);
            assertThat(envelope.at("/data/jobConfig/gatewayConfig/flinkConfig/configuration")
                    .get("execution.checkpointing.interval").asText()).isEqualTo("1 min");
        } finally {
            flink.cancel(jobId);
        }
    }

    @Test
    void unknownTaskIsAnsweredWithCode1NamingTheIdAndTheNextCommandStillSucceeds() {
        String unknown = KafkaTestClient.newRequestId("unknown");
        String valid = KafkaTestClient.newRequestId("after-unknown");
        kafka.sendCommand("{\"requestId\":\"" + unknown + "\",\"id\":424242}");
        kafka.sendCommand("{\"requestId\":\"" + valid + "\",\"id\":101}");

        JsonNode failure = kafka.awaitEnvelope(unknown);
        assertThat(failure.get("code").asInt()).isEqualTo(1);
        assertThat(failure.get("success").asBoolean()).isFalse();
        assertThat(failure.get("msg").asText()).contains("424242");
        assertThat(failure.at("/data/status").asText()).isEqualTo("FAILED");
        assertThat(failure.at("/data/jobId").isNull()).isTrue();

        assertThat(kafka.awaitEnvelope(valid).get("code").asInt()).isZero();
    }

    @Test
    void sqlSyntaxErrorCarriesFlinksParserMessageWithLineAndColumn() throws Exception {
        String requestId = KafkaTestClient.newRequestId("syntax");
        JsonNode envelope = submit(requestId, 103);

        assertThat(envelope.get("code").asInt()).isEqualTo(1);
        String error = envelope.at("/data/error").asText();
        assertThat(error).contains("Statement 3 (line 3 of the script)")
                .contains("at line 2, column 1");
        // nothing reached the cluster
        String jobId = new RequestId(requestId).jobId();
        assertThat(flink.jobs()).noneMatch(job -> job.getJobId().toHexString().equals(jobId));
    }

    @Test
    void commandWithoutTaskIdIsRefusedWithCode6() {
        String requestId = KafkaTestClient.newRequestId("no-id");
        kafka.sendRaw(WorkerTestInitializer.COMMANDS, requestId,
                ("{\"requestId\":\"" + requestId + "\"}").getBytes(StandardCharsets.UTF_8));

        JsonNode envelope = kafka.awaitEnvelope(requestId);
        assertThat(envelope.get("code").asInt()).isEqualTo(6);
        assertThat(envelope.get("msg").asText()).contains("'id'");
        assertThat(envelope.get("taskId").isNull()).isTrue();
    }

    @Test
    void commandWithWronglyTypedFieldIsRefusedWithCode6NamingTheField() {
        String requestId = KafkaTestClient.newRequestId("wrong-type");
        kafka.sendRaw(WorkerTestInitializer.COMMANDS, requestId,
                ("{\"requestId\":\"" + requestId + "\",\"id\":\"101\"}").getBytes(StandardCharsets.UTF_8));

        JsonNode envelope = kafka.awaitEnvelope(requestId);
        assertThat(envelope.get("code").asInt()).isEqualTo(6);
        assertThat(envelope.get("msg").asText()).contains("field 'id'");
    }

    @Test
    void recordThatIsNotJsonIsDeadLetteredAnsweredOnItsKeyAndTheWorkerCarriesOn() {
        String key = KafkaTestClient.newRequestId("garbage");
        kafka.sendRaw(WorkerTestInitializer.COMMANDS, key, "not json at all {".getBytes(StandardCharsets.UTF_8));
        String valid = KafkaTestClient.newRequestId("after-garbage");
        kafka.sendCommand("{\"requestId\":\"" + valid + "\",\"id\":101}");

        await().atMost(Duration.ofSeconds(60)).until(() -> kafka.deadLetters().stream()
                .anyMatch(record -> key.equals(record.key())));
        var deadLetter = kafka.deadLetters().stream().filter(record -> key.equals(record.key())).findFirst()
                .orElseThrow();
        assertThat(new String(deadLetter.value(), StandardCharsets.UTF_8)).isEqualTo("not json at all {");
        assertThat(new String(deadLetter.headers().lastHeader("kafka_dlt-exception-message").value(),
                StandardCharsets.UTF_8)).contains("not valid JSON");
        // no requestId can be read from it, so its sender is answered on the record key
        JsonNode answer = kafka.awaitEnvelope(key);
        assertThat(answer.get("code").asInt()).isEqualTo(6);
        assertThat(answer.get("msg").asText()).startsWith("Invalid command: the value is not valid JSON");
        assertThat(kafka.awaitEnvelope(valid).get("code").asInt()).isZero();
    }

    @Test
    void unsupportedRunModeIsRefusedNamingTheMode() {
        JsonNode envelope = submit(KafkaTestClient.newRequestId("yarn"), 105);

        assertThat(envelope.get("code").asInt()).isEqualTo(1);
        assertThat(envelope.get("msg").asText()).contains("yarn-per-job").contains("not supported");
    }

    @Test
    void unreachableClusterIsAnsweredWithCode5NamingTheCluster() {
        JsonNode envelope = submit(KafkaTestClient.newRequestId("unreachable"), 106);

        assertThat(envelope.get("code").asInt()).as(envelope.toPrettyString()).isEqualTo(5);
        assertThat(envelope.get("msg").asText()).contains("unreachable").contains("127.0.0.1:1")
                .contains("gave up after PT30S of retries");
    }

    @Test
    void localRunModeSubmitsToTheWorkersOwnMiniCluster() throws Exception {
        String requestId = KafkaTestClient.newRequestId("local");
        JsonNode envelope = submit(requestId, 104);

        assertThat(envelope.get("code").asInt()).as(envelope.toPrettyString()).isZero();
        String address = envelope.at("/data/jobManagerAddress").asText();
        assertThat(address).isNotEqualTo(hostPort(flinkAddress()));
        try (FlinkTestClient local = new FlinkTestClient(URI.create("http://" + address))) {
            String jobId = envelope.at("/data/jobId").asText();
            await().atMost(Duration.ofSeconds(60)).until(() -> local.status(jobId) == JobStatus.FINISHED);
        }
    }

    @Test
    void secretsInConfigAndSqlAreRedactedInTheEnvelope() throws Exception {
        String requestId = KafkaTestClient.newRequestId("secrets");
        kafka.sendCommand("{\"requestId\":\"" + requestId + "\",\"id\":107}");
        JsonNode envelope = kafka.awaitEnvelope(requestId);

        assertThat(envelope.get("code").asInt()).as(envelope.toPrettyString()).isZero();
        String published = envelope.toString();
        assertThat(published).doesNotContain("planted-config-secret-7f3a").doesNotContain("planted-sql-secret-91c2");
        assertThat(envelope.at("/data/jobConfig/configJson").get("s3.secret-key").asText()).isEqualTo("******");
        assertThat(envelope.at("/data/jobConfig/configJson").get("pipeline.max-parallelism").asText()).isEqualTo("64");
        assertThat(envelope.at("/data/statement").asText()).contains("'custom.db.password' = '******'");
    }

    private static URI flinkAddress() {
        return dev.submitworker.testing.SharedInfrastructure.flinkRestAddress();
    }

    private static String hostPort(URI uri) {
        return uri.getHost() + ":" + uri.getPort();
    }
}
