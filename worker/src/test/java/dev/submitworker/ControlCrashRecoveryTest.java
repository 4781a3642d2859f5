package dev.submitworker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.submitworker.app.SubmitWorkerApplication;
import dev.submitworker.core.RequestId;
import dev.submitworker.testing.CrashAfterSubmitWorker;
import dev.submitworker.testing.FlinkTestClient;
import dev.submitworker.testing.KafkaTestClient;
import dev.submitworker.testing.WorkerProcess;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.flink.api.common.JobStatus;
import org.junit.jupiter.api.Test;

/**
 * A worker process halts right after Flink accepted its stop-with-savepoint trigger and before the answer's
 * transaction commits (the worst moment); the restarted worker must join that same savepoint under its trigger id,
 * not trigger a second one nor refuse the stopped job as ended, and answer exactly once.
 */
class ControlCrashRecoveryTest {

    @Test
    void aCrashBetweenTriggeringAStopAndItsAnswerLeavesOneSavepointAndOneAnswer() throws Exception {
        String prefix = "ctl-crash-" + UUID.randomUUID().toString().substring(0, 8);
        String target = prefix + "-target";
        String stop = prefix + "-stop";
        String jobId = new RequestId(target).jobId();
        Path savepoints = Files.createTempDirectory("submit-worker-control-crash-");
        Map<String, String> properties = new HashMap<>(WorkerProcess.properties(prefix));
        properties.put("worker.savepoints.dir", savepoints.toUri().toString());
        String command = "{\"requestId\":\"" + stop + "\",\"action\":\"stop\",\"target\":\"" + target + "\"}";
        try (KafkaTestClient kafka = KafkaTestClient.forTopics(prefix + ".commands", prefix + ".results",
                prefix + ".commands.DLT");
             FlinkTestClient flink = FlinkTestClient.session()) {

            WorkerProcess crashing = WorkerProcess.start(CrashAfterSubmitWorker.class.getName(), prefix + "-worker",
                    properties, List.of("-Dcrash.after-submit=" + stop));
            JsonNode submitted = kafka.submit(target, 125, null, null);
            assertThat(submitted.get("code").asInt()).as(submitted.toPrettyString()).isZero();
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> flink.allTasksRunning(jobId));
            kafka.sendCommand(command);
            await().atMost(Duration.ofMinutes(2)).until(() -> !crashing.isAlive());

            // the stop reached Flink and goes on without the worker; its answer did not reach the results topic
            assertThat(flink.awaitEnd(jobId)).isEqualTo(JobStatus.FINISHED);
            assertThat(kafka.envelopes(stop)).isEmpty();
            assertThat(savepointsOf(savepoints)).hasSize(1);

            try (WorkerProcess restarted = WorkerProcess.start(SubmitWorkerApplication.class.getName(),
                    prefix + "-worker", properties, List.of())) {
                JsonNode answer = kafka.awaitEnvelope(stop);
                assertThat(answer.get("code").asInt()).as(answer.toPrettyString()).isZero();
                assertThat(answer.get("duplicate").asBoolean()).isFalse();
                String path = answer.at("/data/control/savepointPath").asText();
                assertThat(new File(new org.apache.flink.core.fs.Path(path).toUri().getPath()))
                        .isEqualTo(savepointsOf(savepoints).get(0));

                // the same command again is answered after the first answer: a second original would be there by now
                kafka.sendCommand(command);
                await().atMost(Duration.ofSeconds(60)).until(() -> kafka.envelopes(stop).size() >= 2);
                assertThat(kafka.envelopes(stop)).extracting(envelope -> envelope.get("duplicate").asBoolean())
                        .containsExactly(false, true);
            }
            assertThat(savepointsOf(savepoints)).hasSize(1);
            assertThat(kafka.envelopes(target)).hasSize(1);
        }
    }

    /** The savepoints taken for task 125 under the worker's savepoint directory. */
    private static List<File> savepointsOf(Path base) {
        File[] directories = base.toFile().listFiles();
        return directories == null ? List.of() : java.util.Arrays.stream(directories)
                .flatMap(task -> java.util.Arrays.stream(task.listFiles(file -> file.getName()
                        .startsWith("savepoint-"))))
                .toList();
    }
}
