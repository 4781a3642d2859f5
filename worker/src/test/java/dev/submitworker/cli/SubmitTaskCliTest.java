package dev.submitworker.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.submitworker.core.RequestId;
import dev.submitworker.testing.FlinkTestClient;
import dev.submitworker.testing.KafkaTestClient;
import dev.submitworker.testing.SavepointFiles;
import dev.submitworker.testing.SubmitTaskCli;
import dev.submitworker.testing.SubmitTaskCli.Run;
import dev.submitworker.testing.SharedInfrastructure;
import dev.submitworker.testing.WorkerTest;
import dev.submitworker.testing.WorkerTestInitializer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.flink.api.common.JobStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The submit-task CLI against the shared worker and its session cluster, in the test's JVM: each exit code of its
 * table from a real answer or a real job's end, {@code status} read from the compacted status topic, and the control
 * subcommands on a streaming job.
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
    void aStreamingJobTakenThroughSavepointStopRestartAndCancelExitsAsTheTableSays() throws Exception {
        String target = KafkaTestClient.newRequestId("cli-ctl-target");
        String job = new RequestId(target).jobId();
        String restart = KafkaTestClient.newRequestId("cli-ctl-restart");
        try {
            // task 125: a count per key over datagen, whose savepoints go to the worker's worker.savepoints.dir
            Run submitted = SubmitTaskCli.run("submit", "--task", "125", "--request-id", target, "--wait", "running",
                    "--timeout", "60s");
            assertThat(submitted.exitCode()).as(submitted.toString()).isZero();
            // a savepoint can be taken once all the job's tasks run, a little after the job is RUNNING
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> flink.allTasksRunning(job));

            // the same savepoint command twice: one savepoint, the second answer the first flagged duplicate
            String[] savepoint = {"--target", target, "--request-id", KafkaTestClient.newRequestId("cli-ctl-savepoint"),
                    "--timeout", "90s"};
            Run taken = SubmitTaskCli.run("savepoint", savepoint);
            Run again = SubmitTaskCli.run("savepoint", savepoint);
            assertThat(taken.exitCode()).as(taken.toString()).isZero();
            assertThat(again.exitCode()).as(again.toString()).isZero();
            assertThat(taken.documents()).hasSize(1);
            assertThat(taken.last().get("duplicate").asBoolean()).isFalse();
            assertThat(taken.last().at("/data/control/action").asText()).isEqualTo("savepoint");
            String savepointPath = taken.last().at("/data/control/savepointPath").asText();
            assertThat(localPath(savepointPath).resolve("_metadata")).exists();
            assertThat(again.last().get("duplicate").asBoolean()).isTrue();
            assertThat(again.last().at("/data/control/savepointPath").asText()).isEqualTo(savepointPath);
            assertThat(savepointsOf(job, savepointPath)).isOne();
            assertThat(flink.status(job)).isEqualTo(JobStatus.RUNNING);

            Run stopped = SubmitTaskCli.run("stop", "--target", target, "--request-id",
                    KafkaTestClient.newRequestId("cli-ctl-stop"), "--wait", "terminal", "--timeout", "90s");
            assertThat(stopped.exitCode()).as(stopped.toString()).isZero();
            assertThat(stopped.documents()).hasSize(2);
            String stopPath = stopped.documents().get(0).at("/data/control/savepointPath").asText();
            assertThat(stopPath).isNotEqualTo(savepointPath);
            assertThat(localPath(stopPath).resolve("_metadata")).exists();
            assertThat(stopped.last().get("requestId").asText()).isEqualTo(target);
            assertThat(stopped.last().get("status").asText()).isEqualTo("FINISHED");
            assertThat(savepointsOf(job, savepointPath)).isEqualTo(2L);

            // the target's job has ended: nothing to cancel, the answer's code 1
            Run cancelEnded = SubmitTaskCli.run("cancel", "--target", target, "--request-id",
                    KafkaTestClient.newRequestId("cli-ctl-cancel-ended"), "--wait", "terminal", "--timeout", "60s");
            assertThat(cancelEnded.exitCode()).as(cancelEnded.toString()).isEqualTo(1);
            assertThat(cancelEnded.documents()).hasSize(1);
            assertThat(cancelEnded.last().get("code").asInt()).isEqualTo(1);
            assertThat(cancelEnded.last().get("msg").asText())
                    .isEqualTo("The job of request " + target + " (" + job + ") has ended FINISHED: nothing to cancel");

            // a restart from the stop's savepoint is followed like a submit, under its own requestId
            Run restarted = SubmitTaskCli.run("restart", "--target", target, "--request-id", restart, "--task", "125",
                    "--savepoint", stopPath, "--wait", "running", "--timeout", "90s");
            assertThat(restarted.exitCode()).as(restarted.toString()).isZero();
            assertThat(restarted.documents().get(0).at("/data/jobId").asText())
                    .isEqualTo(new RequestId(restart).jobId());
            assertThat(restarted.documents().get(0).at("/data/jobConfig/savePointPath").asText()).isEqualTo(stopPath);
            assertThat(restarted.last().get("requestId").asText()).isEqualTo(restart);
            assertThat(restarted.last().get("status").asText()).isEqualTo("RUNNING");

            Run cancelled = SubmitTaskCli.run("cancel", "--target", restart, "--request-id",
                    KafkaTestClient.newRequestId("cli-ctl-cancel"), "--wait", "terminal", "--timeout", "60s");
            assertThat(cancelled.exitCode()).as(cancelled.toString()).isZero();
            assertThat(cancelled.last().get("status").asText()).isEqualTo("CANCELED");
        } finally {
            flink.cancelUnended(List.of(job, new RequestId(restart).jobId()));
        }
    }

    private static Path localPath(String savepointPath) {
        return Path.of(URI.create(savepointPath));
    }

    /**
     * The savepoints of a job in the task directory of one of them (each in its trigger's directory): Flink names them
     * savepoint-(the JobID's first 6 digits)-...
     */
    private static long savepointsOf(String jobId, String savepointPath) {
        return SavepointFiles.in(localPath(savepointPath).getParent().getParent().toString()).stream()
                .filter(file -> file.getName().startsWith("savepoint-" + jobId.substring(0, 6) + "-")).count();
    }

    @Test
    void aUsageErrorExitsTwoAndSendsNothing() {
        Run missing = SubmitTaskCli.run("submit", "--task", "101");
        Run badWait = SubmitTaskCli.run("submit", "--task", "101", "--request-id", "x", "--wait", "forever");
        Run badTimeout = SubmitTaskCli.run("submit", "--task", "101", "--request-id", "x", "--timeout", "soon");
        Run noBrokers = SubmitTaskCli.exactly("status", "--request-id", "x");
        Run noTarget = SubmitTaskCli.run("cancel", "--request-id", "x");
        Run waitForNothing = SubmitTaskCli.run("savepoint", "--target", "t", "--request-id", "x", "--wait", "terminal");

        assertThat(missing.exitCode()).as(missing.toString()).isEqualTo(2);
        assertThat(missing.stderr()).contains("--request-id");
        assertThat(badWait.exitCode()).as(badWait.toString()).isEqualTo(2);
        assertThat(badTimeout.exitCode()).as(badTimeout.toString()).isEqualTo(2);
        assertThat(badTimeout.stderr()).contains("'soon' is not a duration");
        assertThat(noBrokers.exitCode()).as(noBrokers.toString()).isEqualTo(2);
        assertThat(noBrokers.stderr()).contains("--bootstrap-servers");
        assertThat(noTarget.exitCode()).as(noTarget.toString()).isEqualTo(2);
        assertThat(noTarget.stderr()).contains("Missing required option: '--target=ID'");
        assertThat(waitForNothing.exitCode()).as(waitForNothing.toString()).isEqualTo(2);
        assertThat(waitForNothing.stderr()).contains("--wait terminal does not apply to savepoint");
        assertThat(missing.stdout() + badWait.stdout() + badTimeout.stdout() + noBrokers.stdout() + noTarget.stdout()
                + waitForNothing.stdout()).isEmpty();
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
        for (String subcommand : new String[] {"submit", "status", "savepoint", "stop", "cancel", "restart"}) {
            Run help = SubmitTaskCli.exactly(subcommand, "--help");
            assertThat(help.exitCode()).isZero();
            assertThat(help.stdout()).contains("Usage: submit-task " + subcommand).contains("Exit codes:");
        }
    }
}
