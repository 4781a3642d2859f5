package dev.submitworker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.submitworker.core.RequestId;
import dev.submitworker.testing.FlinkTestClient;
import dev.submitworker.testing.KafkaTestClient;
import dev.submitworker.testing.SubmitTaskCli;
import dev.submitworker.testing.SubmitTaskCli.Run;
import dev.submitworker.testing.SharedInfrastructure;
import dev.submitworker.testing.WorkerTest;
import dev.submitworker.testing.WorkerTestInitializer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The submit-task CLI against the shared worker and its session cluster, in the test's JVM: each exit code of its
 * table from a real answer or a real job's end, and {@code status} read from the compacted status topic.
 */
@WorkerTest
class SubmitTaskCliTest {

    private static final FlinkTestClient flink = FlinkTestClient.shared();

    @Test
    void aBoundedJobWaitedForToItsEndExitsZeroWithItsFinishedEventWhichStatusAndARetryFind() {
        String requestId = KafkaTestClient.newRequestId("cli-finished");

        Run run = SubmitTaskCli.run("submit", "--task", "101", "--request-id", requestId, "--wait", "terminal",
                "--timeout", "90s");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.documents()).hasSize(2);
        JsonNode answer = run.documents().get(0);
        assertThat(answer.get("requestId").asText()).isEqualTo(requestId);
        assertThat(answer.get("code").asInt()).isZero();
        assertThat(answer.at("/data/jobId").asText()).isEqualTo(new RequestId(requestId).jobId());
        assertThat(run.last().get("status").asText()).isEqualTo("FINISHED");
        assertThat(run.last().get("terminal").asBoolean()).isTrue();
        assertThat(run.stderr()).contains("sent " + requestId);

        Run status = SubmitTaskCli.run("status", "--request-id", requestId);
        assertThat(status.exitCode()).as(status.toString()).isZero();
        assertThat(status.documents()).containsExactly(run.last());

        // a scheduler's retry after the job ended: the first answer again, and the end found on the status topic
        Run retry = SubmitTaskCli.run("submit", "--task", "101", "--request-id", requestId, "--wait", "terminal",
                "--timeout", "90s");
        assertThat(retry.exitCode()).as(retry.toString()).isZero();
        assertThat(retry.documents().get(0).get("duplicate").asBoolean()).isTrue();
        assertThat(retry.documents().get(0).at("/data/jobId")).isEqualTo(answer.at("/data/jobId"));
        assertThat(retry.last()).isEqualTo(run.last());
    }

    @Test
    void statusOfARequestNobodySentExitsFourAndSaysSo() {
        String requestId = KafkaTestClient.newRequestId("cli-never-sent");

        Run run = SubmitTaskCli.run("status", "--request-id", requestId);

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(4);
        assertThat(run.stdout()).isEmpty();
        assertThat(run.stderr()).contains("no status event for requestId '" + requestId + "'");
    }

    @Test
    void anUnknownTaskExitsOneWithTheAnswer() {
        String requestId = KafkaTestClient.newRequestId("cli-unknown-task");

        Run run = SubmitTaskCli.run("submit", "--task", "99999", "--request-id", requestId, "--wait", "terminal",
                "--timeout", "60s");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.documents()).hasSize(1);
        assertThat(run.last().get("code").asInt()).isEqualTo(1);
        assertThat(run.last().get("msg").asText()).contains("99999");
    }

    @Test
    void aBadVariableExitsSix() {
        String requestId = KafkaTestClient.newRequestId("cli-bad-variable");

        Run run = SubmitTaskCli.run("submit", "--task", "110", "--request-id", requestId, "--var", "day=2026-12-01",
                "--var", "undeclared=1", "--timeout", "60s");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(6);
        assertThat(run.last().get("code").asInt()).isEqualTo(6);
        assertThat(run.last().at("/data/error").asText()).contains("undeclared");
    }

    @Test
    void aJobThatFailsAtRunTimeExitsThreeWithItsFailedEvent() {
        String requestId = KafkaTestClient.newRequestId("cli-failing");

        Run run = SubmitTaskCli.run("submit", "--task", "170", "--request-id", requestId, "--wait", "terminal",
                "--timeout", "90s");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(3);
        assertThat(run.documents().get(0).get("code").asInt()).isZero();
        assertThat(run.last().get("status").asText()).isEqualTo("FAILED");
    }

    @Test
    void aStreamingJobWaitedForPastTheTimeoutExits124AfterItsAnswer() throws Exception {
        String requestId = KafkaTestClient.newRequestId("cli-streaming");
        try {
            Run run = SubmitTaskCli.run("submit", "--task", "102", "--request-id", requestId, "--wait", "terminal",
                    "--timeout", "5s");

            assertThat(run.exitCode()).as(run.toString()).isEqualTo(124);
            assertThat(run.documents()).hasSize(1);
            assertThat(run.last().get("code").asInt()).isZero();
            assertThat(run.stderr()).contains("was not ended within PT5S");

            Run running = SubmitTaskCli.run("submit", "--task", "102", "--request-id", requestId, "--wait",
                    "running", "--timeout", "60s");
            assertThat(running.exitCode()).as(running.toString()).isZero();
            assertThat(running.documents().get(0).get("duplicate").asBoolean()).isTrue();
            assertThat(running.last().get("status").asText()).isEqualTo("RUNNING");
        } finally {
            flink.cancel(new RequestId(requestId).jobId());
        }
    }

    @Test
    void aUsageErrorExitsTwoAndSendsNothing() {
        Run missing = SubmitTaskCli.run("submit", "--task", "101");
        Run badWait = SubmitTaskCli.run("submit", "--task", "101", "--request-id", "x", "--wait", "forever");
        Run badTimeout = SubmitTaskCli.run("submit", "--task", "101", "--request-id", "x", "--timeout", "soon");
        Run noBrokers = SubmitTaskCli.exactly("status", "--request-id", "x");

        assertThat(missing.exitCode()).as(missing.toString()).isEqualTo(2);
        assertThat(missing.stderr()).contains("--request-id");
        assertThat(badWait.exitCode()).as(badWait.toString()).isEqualTo(2);
        assertThat(badTimeout.exitCode()).as(badTimeout.toString()).isEqualTo(2);
        assertThat(badTimeout.stderr()).contains("'soon' is not a duration");
        assertThat(noBrokers.exitCode()).as(noBrokers.toString()).isEqualTo(2);
        assertThat(noBrokers.stderr()).contains("--bootstrap-servers");
        assertThat(missing.stdout() + badWait.stdout() + badTimeout.stdout() + noBrokers.stdout()).isEmpty();
    }

    @Test
    void theBrokersAndAnyClientPropertyComeFromCommandConfig(@TempDir Path directory) throws Exception {
        Path properties = Files.writeString(directory.resolve("client.properties"),
                "bootstrap.servers=" + SharedInfrastructure.kafkaBootstrap() + "\nclient.id=from-the-file\n");

        Run fromTheFile = SubmitTaskCli.exactly("status", "--command-config", properties.toString(),
                "--status-topic", WorkerTestInitializer.STATUS, "--request-id", "never-sent-" + UUID.randomUUID());
        Run unreadable = SubmitTaskCli.exactly("status", "--command-config", directory.resolve("nope").toString(),
                "--request-id", "x");

        assertThat(fromTheFile.exitCode()).as(fromTheFile.toString()).isEqualTo(4);
        assertThat(unreadable.exitCode()).as(unreadable.toString()).isEqualTo(2);
        assertThat(unreadable.stderr()).contains("--command-config").contains("cannot be read");
    }

    @Test
    void everySubcommandHasHelp() {
        for (String subcommand : new String[] {"submit", "status"}) {
            Run help = SubmitTaskCli.exactly(subcommand, "--help");
            assertThat(help.exitCode()).isZero();
            assertThat(help.stdout()).contains("Usage: submit-task " + subcommand).contains("Exit codes:");
        }
    }
}
