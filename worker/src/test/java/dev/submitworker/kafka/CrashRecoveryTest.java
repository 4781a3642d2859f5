package dev.submitworker.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.submitworker.app.SubmitWorkerApplication;
import dev.submitworker.core.RequestId;
import dev.submitworker.testing.CrashAfterSubmitWorker;
import dev.submitworker.testing.FlinkTestClient;
import dev.submitworker.testing.KafkaTestClient;
import dev.submitworker.testing.WorkerProcess;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A worker process halts after Flink accepted a job and before the answer's transaction commits (the worst moment);
 * the restarted worker must find the job, not submit a second one, and answer exactly once.
 */
class CrashRecoveryTest {

    @Test
    void aCrashBetweenSubmitAndAnswerLeavesOneJobAndOneAnswer() throws Exception {
        String prefix = "crash-" + UUID.randomUUID().toString().substring(0, 8);
        String requestId = prefix + "-request";
        String jobId = new RequestId(requestId).jobId();
        String command = "{\"requestId\":\"" + requestId + "\",\"id\":101}";
        Map<String, String> properties = WorkerProcess.properties(prefix);
        try (KafkaTestClient kafka = KafkaTestClient.forTopics(prefix + ".commands", prefix + ".results",
                prefix + ".commands.DLT");
             FlinkTestClient flink = FlinkTestClient.session()) {

            WorkerProcess crashing = WorkerProcess.start(CrashAfterSubmitWorker.class.getName(), prefix + "-worker",
                    properties, List.of("-Dcrash.after-submit=" + requestId));
            kafka.sendCommand(command);
            await().atMost(Duration.ofMinutes(2)).until(() -> !crashing.isAlive());

            // the job reached Flink, the answer did not reach the results topic
            assertThat(flink.jobs()).anyMatch(job -> job.getJobId().toHexString().equals(jobId));
            assertThat(kafka.envelopes(requestId)).isEmpty();

            try (WorkerProcess restarted = WorkerProcess.start(SubmitWorkerApplication.class.getName(),
                    prefix + "-worker", properties, List.of())) {
                JsonNode answer = kafka.awaitEnvelope(requestId);
                assertThat(answer.get("code").asInt()).as(answer.toPrettyString()).isZero();
                assertThat(answer.get("duplicate").asBoolean()).isFalse();
                assertThat(answer.at("/data/jobId").asText()).isEqualTo(jobId);
                assertThat(answer.get("msg").asText()).contains("already on the cluster");

                // the same command again is answered after the first answer (same key, same partition): so if a
                // second original answer were coming, it would be there by now
                kafka.sendCommand(command);
                await().atMost(Duration.ofSeconds(60)).until(() -> kafka.envelopes(requestId).size() >= 2);
                List<JsonNode> answers = kafka.envelopes(requestId);
                assertThat(answers).hasSize(2);
                assertThat(answers.get(1).get("duplicate").asBoolean()).isTrue();
                assertThat(answers.get(1).at("/data/jobId").asText()).isEqualTo(jobId);
            }
            assertThat(flink.jobs()).filteredOn(job -> job.getJobId().toHexString().equals(jobId)).hasSize(1);
        }
    }
}
