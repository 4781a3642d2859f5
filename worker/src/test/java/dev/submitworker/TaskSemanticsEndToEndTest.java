package dev.submitworker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.submitworker.core.RequestId;
import dev.submitworker.testing.FlinkTestClient;
import dev.submitworker.testing.KafkaTestClient;
import dev.submitworker.testing.WorkerTest;
import java.util.Map;
import org.apache.flink.runtime.jobgraph.JobType;
import org.junit.jupiter.api.Test;

/**
 * On the real worker: variables, Flink options, statement sets and batch mode, each checked on the job the
 * cluster runs (its name, vertices, parallelism, checkpoint config, type), not only in the answer.
 */
@WorkerTest
class TaskSemanticsEndToEndTest {

    private static final KafkaTestClient kafka = KafkaTestClient.shared();
    private static final FlinkTestClient flink = FlinkTestClient.shared();




    private static JsonNode submit(String requestId, int taskId, Map<String, String> variables) {
        return kafka.submit(requestId, taskId, variables, null);
    }


    /** A refused command: code 6, its error naming {@code expected}, and no job on the cluster. */
    private static void assertRefused(String requestId, JsonNode envelope, String... expected) throws Exception {
        assertThat(envelope.get("code").asInt()).as(envelope.toPrettyString()).isEqualTo(6);
        assertThat(envelope.at("/data/error").asText()).contains(expected);
        assertThat(envelope.at("/data/jobId").isNull()).isTrue();
        assertThat(flink.hasJob(new RequestId(requestId).jobId())).isFalse();
    }

    // 1. Variables

    @Test
    void variablesTakeTheDeclaredDefaultThenTheScriptsDefinitionThenTheCommandsValue() throws Exception {
        String withCommandValue = KafkaTestClient.newRequestId("vars-command");
        String withoutCommandValue = KafkaTestClient.newRequestId("vars-script");
        JsonNode first = submit(withCommandValue, 110, Map.of("day", "2024-06-01", "c", "command"));
        JsonNode second = submit(withoutCommandValue, 110, Map.of("day", "2024-06-02"));

        // a: declared only; b: declared, redefined by the script; c: also sent by the first command
        assertThat(flink.jobName(flink.awaitFinished(first))).isEqualTo("vars-2024-06-01-declared-script-command");
        assertThat(flink.jobName(flink.awaitFinished(second))).isEqualTo("vars-2024-06-02-declared-script-script");
        assertThat(first.at("/data/jobConfig/variables/c").asText()).isEqualTo("command");
        assertThat(second.at("/data/jobConfig/variables/c").asText()).isEqualTo("script");
    }

    @Test
    void aVariableWithoutValueIsRefusedNamingItAndNoJobIsSubmitted() throws Exception {
        String missingRequired = KafkaTestClient.newRequestId("vars-missing");
        String undefined = KafkaTestClient.newRequestId("vars-undefined");
        String undeclared = KafkaTestClient.newRequestId("vars-undeclared");

        assertRefused(missingRequired, submit(missingRequired, 110, Map.of()), "'day'");
        assertRefused(undefined, submit(undefined, 111, null), "'nowhere'", "line 3");
        assertRefused(undeclared, submit(undeclared, 110, Map.of("day", "2024-06-01", "zzz", "1")), "'zzz'",
                "not declared");
    }

    @Test
    void aHostileValueInBareSqlIsRefusedAndNothingRuns() throws Exception {
        String statementEnd = KafkaTestClient.newRequestId("hostile-bare");
        String lineBreak = KafkaTestClient.newRequestId("hostile-newline");
        String lineBreakInLiteral = KafkaTestClient.newRequestId("hostile-newline-literal");

        assertRefused(statementEnd, submit(statementEnd, 112, Map.of("sink", "x'; DROP TABLE t; --")),
                "'sink'", "bare SQL");
        assertRefused(lineBreak, submit(lineBreak, 112,
                Map.of("sink", "snk\nINSERT INTO snk SELECT id, 'injected' FROM src")), "'sink'", "a line break");
        assertRefused(lineBreakInLiteral, submit(lineBreakInLiteral, 112,
                Map.of("label", "ok';\nINSERT INTO snk SELECT id, 'injected' FROM src; --")), "'label'",
                "string literal", "a line break");
    }

    @Test
    void aHostileValueInsideAStringLiteralIsEscapedAndTheJobRunsWithIt() throws Exception {
        String requestId = KafkaTestClient.newRequestId("hostile-literal");
        JsonNode envelope = submit(requestId, 112, Map.of("label", "x'; DROP TABLE t; --"));

        String jobId = flink.awaitFinished(envelope);
        // the value arrived whole, as data: the job is named with it, and the script kept its one INSERT
        assertThat(flink.jobName(jobId)).isEqualTo("hostile-x'; DROP TABLE t; --");
        assertThat(envelope.at("/data/statement").asText()).contains("SELECT id, 'x''; DROP TABLE t; --' FROM src");
    }

    @Test
    void aTaskWithFragmentOffRefusesCommandVariablesAndKeepsItsPlaceholders() throws Exception {
        String withVariables = KafkaTestClient.newRequestId("fragment-off-vars");
        String plain = KafkaTestClient.newRequestId("fragment-off");

        assertRefused(withVariables, submit(withVariables, 113, Map.of("kept", "x")), "fragment: false");
        assertThat(flink.jobName(flink.awaitFinished(submit(plain, 113, null)))).isEqualTo("fragment-off-${kept}");
    }

    // 2. SET, configJson, parallelism, checkpoint

    @Test
    void theTasksParallelismAndCheckpointIntervalReachTheJob() throws Exception {
        String jobId = flink.awaitFinished(submit(KafkaTestClient.newRequestId("options-fields"), 114, null));

        assertThat(flink.vertexParallelisms(jobId)).isNotEmpty().containsOnly(2);
        assertThat(flink.checkpointInterval(jobId)).isEqualTo(20_000);
        assertThat(flink.jobType(jobId)).isEqualTo(JobType.STREAMING);
        assertThat(flink.jobName(jobId)).isEqualTo("it-options-fields"); // no SET 'pipeline.name': the task name
    }

    @Test
    void configJsonWinsOverTheTasksFields() throws Exception {
        String jobId = flink.awaitFinished(submit(KafkaTestClient.newRequestId("options-configjson"), 115, null));

        assertThat(flink.vertexParallelisms(jobId)).isNotEmpty().containsOnly(2);
        assertThat(flink.checkpointInterval(jobId)).isEqualTo(45_000);
    }

    @Test
    void setInTheScriptWinsOverConfigJson() throws Exception {
        String jobId = flink.awaitFinished(submit(KafkaTestClient.newRequestId("options-set"), 116, null));

        assertThat(flink.vertexParallelisms(jobId)).isNotEmpty().containsOnly(3);
        assertThat(flink.checkpointInterval(jobId)).isEqualTo(30_000);
    }

    // 3. Statement sets

    @Test
    void twoInsertsBecomeOneJobWritingBothSinks() throws Exception {
        assertOneJobWritesBothSinks(117, "it-statement-set");
    }

    @Test
    void anExecuteStatementSetBlockBecomesOneJobWritingBothSinks() throws Exception {
        assertOneJobWritesBothSinks(118, "it-statement-set-block");
    }

    private static void assertOneJobWritesBothSinks(int taskId, String taskName) throws Exception {
        String jobId = flink.awaitFinished(submit(KafkaTestClient.newRequestId("statement-set-" + taskId), taskId, null));

        assertThat(String.join(" | ", flink.vertexNames(jobId))).contains("sink_a").contains("sink_b");
        // the task runs only here, so every job under its name on this cluster came from this command
        assertThat(flink.jobs()).filteredOn(job -> job.getJobName().equals(taskName)).hasSize(1);
    }

    @Test
    void aScriptWithOnlyDdlIsAnsweredWithAFailureSayingItHasNoInsert() throws Exception {
        String requestId = KafkaTestClient.newRequestId("ddl-only");
        JsonNode envelope = submit(requestId, 119, null);

        assertThat(envelope.get("code").asInt()).as(envelope.toPrettyString()).isEqualTo(1);
        assertThat(envelope.get("success").asBoolean()).isFalse();
        assertThat(envelope.at("/data/error").asText()).contains("no INSERT statement");
        assertThat(flink.hasJob(new RequestId(requestId).jobId())).isFalse();
    }

    // 5. Batch

    @Test
    void aBatchModelTaskRunsAsABatchJob() throws Exception {
        String jobId = flink.awaitFinished(submit(KafkaTestClient.newRequestId("batch"), 122, null));

        assertThat(flink.jobType(jobId)).isEqualTo(JobType.BATCH);
    }
}
