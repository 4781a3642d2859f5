package dev.submitworker;

import static dev.submitworker.testing.KafkaTestClient.controlCommand;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.submitworker.app.SubmitWorkerApplication;
import dev.submitworker.core.RequestId;
import dev.submitworker.testing.CrashAfterSubmitWorker;
import dev.submitworker.testing.FlinkTestClient;
import dev.submitworker.testing.KafkaTestClient;
import dev.submitworker.testing.SavepointFiles;
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
 * Worker processes halted at the worst moments of control commands, one after the other on the same topics: right
 * after Flink accepted a stop-with-savepoint trigger, before its answer committed; then right after the stop of a
 * restart, before its submit. Each next worker must join the savepoint under the request's trigger id (not trigger a
 * second one, nor refuse the stopped job as ended), submit the restart's one job under its JobID, and answer each
 * requestId exactly once.
 */
class ControlCrashRecoveryTest {

    private static final int TASK = 125;

    private final String prefix = "ctl-crash-" + UUID.randomUUID().toString().substring(0, 8);

    @Test
    void crashesAfterAStopTriggerAndAfterTheStopOfARestartLeaveOneSavepointOneJobAndOneAnswerEach() throws Exception {
        Path savepoints = Files.createTempDirectory("submit-worker-control-crash-");
        Map<String, String> properties = new HashMap<>(WorkerProcess.properties(prefix));
        properties.put("worker.savepoints.dir", savepoints.toUri().toString());
        String stopped = prefix + "-stopped";
        String stop = prefix + "-stop";
        String replaced = prefix + "-replaced";
        String restart = prefix + "-restart";
        String newJob = new RequestId(restart).jobId();
        try (KafkaTestClient kafka = KafkaTestClient.forTopics(prefix + ".commands", prefix + ".results",
                prefix + ".commands.DLT");
             FlinkTestClient flink = FlinkTestClient.session()) {

            // 1. halted right after Flink took the stop
            WorkerProcess first = WorkerProcess.start(CrashAfterSubmitWorker.class.getName(), prefix + "-worker",
                    properties, List.of("-Dcrash.after-submit=" + stop));
            String stoppedJob = running(kafka, flink, stopped);
            kafka.sendCommand(controlCommand(stop, "stop", stopped));
            await().atMost(Duration.ofMinutes(2)).until(() -> !first.isAlive());
            // the stop goes on without the worker; its answer did not reach the results topic
            assertThat(flink.awaitEnd(stoppedJob)).isEqualTo(JobStatus.FINISHED);
            assertThat(kafka.envelopes(stop)).isEmpty();
            assertThat(savepointsOf(savepoints)).hasSize(1);

            // 2. the next worker answers the stop with that savepoint, then halts right after the stop of a restart
            WorkerProcess second = WorkerProcess.start(CrashAfterSubmitWorker.class.getName(), prefix + "-worker",
                    properties, List.of("-Dcrash.after-submit=" + restart));
            try {
                JsonNode answer = kafka.awaitEnvelope(stop);
                assertThat(answer.get("code").asInt()).as(answer.toPrettyString()).isZero();
                assertThat(localFile(answer.at("/data/control/savepointPath").asText()))
                        .isEqualTo(savepointsOf(savepoints).get(0));
                String replacedJob = running(kafka, flink, replaced);
                kafka.sendCommand(restartOf(restart, replaced));
                await().atMost(Duration.ofMinutes(2)).until(() -> !second.isAlive());
                assertThat(flink.awaitEnd(replacedJob)).isEqualTo(JobStatus.FINISHED);
                assertThat(flink.hasJob(newJob)).isFalse();
                assertThat(kafka.envelopes(restart)).isEmpty();
                assertThat(savepointsOf(savepoints)).hasSize(2);
            } finally {
                second.close();
            }

            // 3. the next worker resumes the restart with its savepoint and submits its one job
            try (WorkerProcess third = WorkerProcess.start(SubmitWorkerApplication.class.getName(),
                    prefix + "-worker", properties, List.of())) {
                JsonNode answer = kafka.awaitEnvelope(restart);
                assertThat(answer.get("code").asInt()).as(answer.toPrettyString()).isZero();
                assertThat(answer.at("/data/jobId").asText()).isEqualTo(newJob);
                assertThat(savepointsOf(savepoints)).contains(localFile(
                        answer.at("/data/control/savepointPath").asText()));
                await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> flink.allTasksRunning(newJob));

                // the same commands again are answered after the first answers: a second original would be there
                kafka.sendCommand(controlCommand(stop, "stop", stopped));
                kafka.sendCommand(restartOf(restart, replaced));
                await().atMost(Duration.ofSeconds(60)).until(() -> kafka.envelopes(stop).size() >= 2
                        && kafka.envelopes(restart).size() >= 2);
                for (String requestId : List.of(stop, restart)) {
                    assertThat(kafka.envelopes(requestId)).extracting(envelope -> envelope.get("duplicate")
                            .asBoolean()).containsExactly(false, true);
                }
            } finally {
                flink.cancelUnended(List.of(newJob));
            }
            assertThat(savepointsOf(savepoints)).hasSize(2);
            assertThat(flink.jobs()).filteredOn(job -> job.getJobId().toHexString().equals(newJob)).hasSize(1);
            assertThat(kafka.envelopes(stopped)).hasSize(1);
            assertThat(kafka.envelopes(replaced)).hasSize(1);
        }
    }

    private static String running(KafkaTestClient kafka, FlinkTestClient flink, String requestId) {
        JsonNode submitted = kafka.submit(requestId, TASK, null, null);
        assertThat(submitted.get("code").asInt()).as(submitted.toPrettyString()).isZero();
        String jobId = new RequestId(requestId).jobId();
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> flink.allTasksRunning(jobId));
        return jobId;
    }


    private static String restartOf(String requestId, String target) {
        return controlCommand(requestId, "restart", target).replace("}", ",\"id\":" + TASK + "}");
    }

    private static File localFile(String path) {
        return new File(SavepointFiles.localPath(path));
    }

    /** The savepoints taken for task 125 under the worker's savepoint directory. */
    private static List<File> savepointsOf(Path base) {
        File[] tasks = base.toFile().listFiles();
        return tasks == null ? List.of() : java.util.Arrays.stream(tasks)
                .flatMap(task -> SavepointFiles.in(task.getPath()).stream())
                .sorted()
                .toList();
    }
}
