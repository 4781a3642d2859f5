package dev.submitworker.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.submitworker.core.RequestId;
import dev.submitworker.testing.FlinkTestClient;
import dev.submitworker.testing.KafkaTestClient;
import dev.submitworker.testing.SharedInfrastructure;
import dev.submitworker.testing.SubmitTaskCli;
import dev.submitworker.testing.SubmitTaskCli.Run;
import dev.submitworker.testing.TestJars;
import dev.submitworker.testing.WorkerTest;
import dev.submitworker.testing.WorkerTestInitializer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A scheduler's retry after the CLI died: the CLI, a process of its own, is killed with SIGKILL once its command is
 * sent and before its answer (the task's jar takes 8 s in its main); the same command line run again gets the same
 * answer, the same job, and the worker submitted one job.
 */
@WorkerTest
class SubmitTaskRetryTest {

    private static final KafkaTestClient kafka = KafkaTestClient.shared();
    private static final FlinkTestClient flink = FlinkTestClient.shared();

    @Test
    void theSameCommandRunAgainAfterTheCliWasKilledGetsTheSameJobAndNoOtherIsSubmitted() throws Exception {
        TestJars.slowJobsJar(Files.createDirectories(Path.of("target", "test-jars")));
        String requestId = KafkaTestClient.newRequestId("cli-killed");
        List<String> args = List.of("submit", "--bootstrap-servers", SharedInfrastructure.kafkaBootstrap(),
                "--commands-topic", WorkerTestInitializer.COMMANDS, "--results-topic", WorkerTestInitializer.RESULTS,
                "--status-topic", WorkerTestInitializer.STATUS, "--task", "180", "--request-id", requestId,
                "--timeout", "2m");
        Path stdout = Files.createTempFile("submit-task-", ".out");
        Path stderr = Files.createTempFile("submit-task-", ".err");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Dlogback.configurationFile=logback-quiet.xml", "-cp",
                System.getProperty("java.class.path"), SubmitTask.class.getName()));
        command.addAll(args);
        Process cli = new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile())
                .start();
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> read(stderr).contains("sent " + requestId));
        } finally {
            cli.destroyForcibly(); // SIGKILL
        }
        assertThat(cli.waitFor()).isEqualTo(137);
        assertThat(read(stdout)).as("killed before its answer").isEmpty();

        Run retry = SubmitTaskCli.exactly(args.toArray(String[]::new));

        assertThat(retry.exitCode()).as(retry.toString()).isZero();
        String jobId = new RequestId(requestId).jobId();
        assertThat(retry.last().at("/data/jobId").asText()).isEqualTo(jobId);
        // two commands, two answers, one submission: exactly one of them is not a duplicate's
        await().atMost(Duration.ofSeconds(30)).until(() -> kafka.envelopes(requestId).size() == 2);
        List<JsonNode> answers = kafka.envelopes(requestId);
        assertThat(answers).extracting(answer -> answer.at("/data/jobId").asText()).containsOnly(jobId);
        assertThat(answers).filteredOn(answer -> !answer.get("duplicate").asBoolean()).hasSize(1);
        assertThat(flink.jobs()).filteredOn(job -> job.getJobId().toHexString().equals(jobId)).hasSize(1);
    }

    private static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8);
    }
}
