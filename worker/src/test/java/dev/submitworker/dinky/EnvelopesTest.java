package dev.submitworker.dinky;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.submitworker.core.Answer;
import dev.submitworker.core.ClusterTarget;
import dev.submitworker.core.Dialect;
import dev.submitworker.core.JobDescription;
import dev.submitworker.core.JobPlan;
import dev.submitworker.core.Outcome;
import dev.submitworker.core.RequestId;
import dev.submitworker.core.RunMode;
import dev.submitworker.core.SavePointStrategy;
import dev.submitworker.core.SubmitCommand;
import dev.submitworker.core.Task;
import dev.submitworker.secrets.Redactor;
import dev.submitworker.testing.Schemas;
import java.io.IOException;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvelopesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Envelopes envelopes = new Envelopes(Redactor.withDefaults());
    private final Task task = new Task(7, "orders", Dialect.FlinkSql, RunMode.STANDALONE, "session", 2, 0,
            SavePointStrategy.NONE, null, true, Map.of("day", "x"), true, false, Map.of("s3.secret-key", "k"),
            "INSERT INTO t SELECT 1", null);

    private Answer answer(String requestId, Outcome outcome) {
        Instant now = Instant.parse("2026-12-01T00:00:00Z");
        return new Answer(new RequestId(requestId), 7, outcome, task, new ClusterTarget("session", RunMode.STANDALONE),
                new JobDescription("orders", "INSERT INTO t SELECT 1", Map.of("parallelism.default", "2"),
                        Map.of("day", "1"), null, null), "127.0.0.1:8081", null,
                new SubmitCommand(new RequestId(requestId), 7, null, Map.of("day", "1")), now, now);
    }

    @Test
    void eachOutcomeHasDinkysCode() {
        assertThat(Envelopes.code(new Outcome.Submitted("ok", false))).isZero();
        assertThat(Envelopes.code(new Outcome.Explained("ok", new JobPlan(null, java.util.List.of())))).isZero();
        assertThat(Envelopes.code(new Outcome.Refused("no", null))).isEqualTo(1);
        assertThat(Envelopes.code(new Outcome.Failed("no", null))).isEqualTo(1);
        assertThat(Envelopes.code(new Outcome.GaveUp("down", null))).isEqualTo(5);
        assertThat(Envelopes.code(new Outcome.BadCommand("bad", null))).isEqualTo(6);
        assertThat(Envelopes.code(new Outcome.Conflict("again", null))).isEqualTo(6);
    }

    @Test
    void aDuplicatesAnswerIsTheFirstByteForByteButForItsFlag() throws IOException {
        // a message that quotes the flag itself must not be taken for it
        byte[] first = envelopes.serialize(envelopes.envelope(answer("r-\"duplicate\":false,",
                new Outcome.Refused("text with ,\"duplicate\":false, in it", null))));

        byte[] again = Envelopes.asDuplicate(first);

        JsonNode firstTree = JSON.readTree(first);
        JsonNode againTree = JSON.readTree(again);
        assertThat(firstTree.get("duplicate").asBoolean()).isFalse();
        assertThat(againTree.get("duplicate").asBoolean()).isTrue();
        assertThat(againTree.get("msg")).isEqualTo(firstTree.get("msg"));
        assertThat(againTree.get("requestId")).isEqualTo(firstTree.get("requestId"));
        assertThat(new String(again).replace("\"duplicate\":true", "\"duplicate\":false")).isEqualTo(new String(first));
    }

    @Test
    void anEnvelopeIsValidAgainstTheSchemaAndHasNoSecrets() throws IOException {
        JsonNode envelope = JSON.readTree(envelopes.serialize(envelopes.envelope(answer("r-1",
                new Outcome.Submitted("Task 7 (orders) submitted as job x", false)))));

        Schemas.assertValid(Schemas.ENVELOPE, envelope);
        assertThat(envelope.at("/data/jobId").asText()).isEqualTo(new RequestId("r-1").jobId());
        assertThat(envelope.at("/data/jobConfig/configJson/s3.secret-key").asText()).isEqualTo(Redactor.MASK);
    }

    @Test
    void longTextsAreBoundedSoAnAnswerAlwaysFitsARecord() {
        String huge = "x".repeat(3 * Envelopes.MAX_TEXT);
        ResultEnvelope envelope = envelopes.envelope(answer("r-1", new Outcome.Refused(huge, huge)));

        assertThat(envelope.msg()).hasSizeLessThan(Envelopes.MAX_TEXT + 100);
        assertThat(envelope.data().error()).hasSizeLessThan(Envelopes.MAX_TEXT + 100).endsWith("more characters)");
    }

    @Test
    void anExplainsAnswerHasItsPlanMaskedAndBoundedAndNoJob() throws IOException {
        String secret = "'password' = 'hunter2'";
        java.util.List<JobPlan.Vertex> vertices = java.util.stream.IntStream.range(0, Envelopes.MAX_VERTICES + 5)
                .mapToObj(i -> new JobPlan.Vertex("%032x".formatted(i), "Source: src " + secret + "x".repeat(1000),
                        i == 0 ? null : 2, i == 0 ? java.util.List.of() : java.util.List.of("%032x".formatted(i - 1))))
                .toList();
        Instant now = Instant.parse("2026-12-01T00:00:00Z");
        Answer explained = new Answer(new RequestId("r-13"), 7, new Outcome.Explained("Task 7 (orders) compiles",
                new JobPlan("== Optimized Execution Plan ==\n" + secret, vertices)), task,
                new ClusterTarget("session", RunMode.STANDALONE), new JobDescription("orders",
                "INSERT INTO t SELECT 1", Map.of(), Map.of("day", "1"), null, null), null, null,
                SubmitCommand.explain(new RequestId("r-13"), 7, Map.of("day", "1")), now, now);

        JsonNode envelope = JSON.readTree(envelopes.serialize(envelopes.envelope(explained)));

        Schemas.assertValid(Schemas.ENVELOPE, envelope);
        assertThat(envelope.get("code").asInt()).isZero();
        assertThat(envelope.at("/data/jobId").isNull()).isTrue();
        assertThat(envelope.at("/data/jobConfig/gatewayConfig/flinkConfig/jobId").isNull()).isTrue();
        assertThat(envelope.at("/data/control").isMissingNode()).isTrue();
        assertThat(envelope.at("/data/plan/optimizedPlan").asText()).contains("Optimized Execution Plan")
                .doesNotContain("hunter2");
        assertThat(envelope.at("/data/plan/vertices")).hasSize(Envelopes.MAX_VERTICES);
        JsonNode first = envelope.at("/data/plan/vertices/0");
        assertThat(first.get("name").asText()).doesNotContain("hunter2")
                .hasSizeLessThan(Envelopes.MAX_NAME + 100).endsWith("more characters)");
        assertThat(first.get("parallelism").isNull()).isTrue();
        assertThat(envelope.at("/data/plan/vertices/1/inputs/0").asText()).isEqualTo(first.get("id").asText());
    }
}
