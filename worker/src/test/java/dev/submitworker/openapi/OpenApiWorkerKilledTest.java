package dev.submitworker.openapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.submitworker.app.SubmitWorkerApplication;
import dev.submitworker.core.RequestId;
import dev.submitworker.testing.CrashAfterSubmitWorker;
import dev.submitworker.testing.FlinkTestClient;
import dev.submitworker.testing.KafkaTestClient;
import dev.submitworker.testing.OpenApiClient;
import dev.submitworker.testing.OpenApiClient.Response;
import dev.submitworker.testing.Ports;
import dev.submitworker.testing.Readiness;
import dev.submitworker.testing.Schemas;
import dev.submitworker.testing.WorkerGroup;
import dev.submitworker.testing.WorkerProcess;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The worker that took a {@code submitTask} call's command dies before it answers, while the call waits: it halts
 * right after Flink accepted the job, before its answer's transaction commits (the worst moment). The front is in
 * another worker process of the same group, which survives: the call answers at its bound, code 5 (pending, send it
 * again with the same key); that process, the partition's next owner, finds the job on the cluster and answers; the
 * same call again with the same {@code Idempotency-Key} gets that answer, and so does a second retry: one job, one
 * {@code jobInstanceId}, one {@code jid}. Real broker, real MiniCluster, every response checked against
 * schemas/dinky/.
 */
class OpenApiWorkerKilledTest {

    private static final int TASK = 210;
    private static final String JOB_NAME = "it-openapi-worker-killed";
    private static final String TOKEN = "it-openapi-killed-token-3a9c";
    /**
     * The first call's {@code Prefer: wait}. The victim, its planner warmed up, compiles and submits the small job well
     * within it; and its partitions cannot move before its session has timed out ({@link #VICTIM_SESSION}, counted
     * from its last heartbeat, at most 2 s before it halts), so no answer can come within it.
     */
    private static final int WAIT_SECONDS = 8;
    private static final Duration VICTIM_SESSION = Duration.ofSeconds(12);

    @Test
    void aCallWhoseWorkerDiesIsPendingAndTheSameKeyGetsTheNextOwnersAnswer() throws Exception {
        String prefix = "openapi-killed-" + UUID.randomUUID().toString().substring(0, 8);
        int frontPort = Ports.freePort();
        int managementPort = Ports.freePort();
        String survivorId = prefix + "-front";
        String victimId = prefix + "-victim";
        try (KafkaTestClient kafka = KafkaTestClient.forTopics(prefix + ".commands", prefix + ".results",
                prefix + ".commands.DLT");
             FlinkTestClient flink = FlinkTestClient.session();
             WorkerGroup group = new WorkerGroup(WorkerProcess.properties(prefix))) {
            long started = System.nanoTime();
            // both at once: the victim halts after submitting any job of task 210; the other serves the front
            group.start(SubmitWorkerApplication.class.getName(), survivorId, Map.of(
                    "server.port", String.valueOf(managementPort),
                    "worker.openapi.enabled", "true",
                    "worker.openapi.port", String.valueOf(frontPort),
                    "worker.openapi.tokens", TOKEN), List.of());
            WorkerProcess victim = group.start(CrashAfterSubmitWorker.class.getName(), victimId, Map.of(
                    "spring.kafka.consumer.properties[session.timeout.ms]",
                    String.valueOf(VICTIM_SESSION.toMillis())), List.of("-Dcrash.after-submit-of=" + JOB_NAME));
            await().atMost(Duration.ofMinutes(2)).until(() -> {
                Set<Integer> victims = group.partitionsOf(victimId);
                Set<Integer> all = new HashSet<>(victims);
                all.addAll(group.partitionsOf(survivorId));
                return !victims.isEmpty() && all.size() == KafkaTestClient.PARTITIONS;
            });
            Readiness.awaitReady(managementPort);
            long ready = System.nanoTime();
            // a key of a partition the victim owns: its command is the victim's to take
            String key = KafkaTestClient.newRequestId(prefix + "-submit",
                    group.partitionsOf(victimId).iterator().next());
            String jobId = new RequestId(key).jobId();
            OpenApiClient front = new OpenApiClient(frontPort, TOKEN, "openapi-killed");

            long called = System.nanoTime();
            CompletableFuture<Response> firstCall = CompletableFuture.supplyAsync(() -> submit(front, key,
                    WAIT_SECONDS));
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> !victim.isAlive());
            assertThat(firstCall).as("the victim halted while the call waited").isNotDone();
            System.out.printf("openapi-killed: both workers ready %d ms after their start; the victim halted %d ms "
                    + "into the call%n", (ready - started) / 1_000_000, (System.nanoTime() - called) / 1_000_000);
            Response pending = firstCall.get(WAIT_SECONDS + 10, TimeUnit.SECONDS);
            assertThat(victim.logLines("crash.after-submit: halting after job " + jobId)).isEqualTo(1);
            assertThat(flink.hasJob(jobId)).as("Flink took the job").isTrue();
            assertThat(kafka.envelopes(key)).as("the victim answered nothing").isEmpty();

            assertThat(pending.body().path("code").asInt()).as(pending.body().toString()).isEqualTo(5);
            assertThat(pending.body().path("success").asBoolean()).isFalse();
            assertThat(pending.body().path("msg").asText()).contains("Request " + key + " is still pending")
                    .contains("send the same call again with Idempotency-Key: " + key);
            assertThat(pending.millis()).as("answered at its bound")
                    .isBetween(WAIT_SECONDS * 1000L, WAIT_SECONDS * 1000L + 3_000);

            // the same call again: answered once the partition's next owner, the front's process, has taken over
            JsonNode answer = submit(front, key, null).body();
            assertThat(answer.path("code").asInt()).as(answer.toString()).isZero();
            assertThat(answer.path("msg").asText()).contains("already on the cluster");
            assertThat(answer.at("/data/jobId").asText()).isEqualTo(jobId);
            assertThat(answer.at("/data/jobInstanceId").asLong()).isEqualTo(InstanceIds.of(key));
            assertThat(group.partitionsOf(survivorId)).hasSize(KafkaTestClient.PARTITIONS);

            JsonNode again = submit(front, key, null).body();
            assertThat(again.path("code").asInt()).as(again.toString()).isZero();
            assertThat(again.at("/data/jobInstanceId")).isEqualTo(answer.at("/data/jobInstanceId"));
            assertThat(again.at("/data/jobId")).isEqualTo(answer.at("/data/jobId"));

            assertThat(flink.jobs()).filteredOn(job -> job.getJobId().toHexString().equals(jobId)).hasSize(1);
            // three commands under the key (one per call): one first answer, from the next owner, then duplicates
            await().atMost(Duration.ofSeconds(10)).until(() -> kafka.envelopes(key).size() == 3);
            assertThat(kafka.envelopes(key)).extracting(envelope -> envelope.get("duplicate").asBoolean())
                    .containsExactly(false, true, true);
            assertThat(flink.awaitEnd(jobId).name()).isEqualTo("FINISHED");
        }
    }

    /** DolphinScheduler's submitTask body, under the key; {@code Prefer} only when wait is given. */
    private static Response submit(OpenApiClient front, String key, Integer wait) {
        String body = "{\"id\":\"" + TASK + "\",\"isOnline\":false,\"variables\":{}}";
        return wait == null
                ? front.dinky("POST", "/openapi/submitTask", body, Schemas.DINKY_JOB_RESULT,
                        OpenApiController.IDEMPOTENCY_KEY, key)
                : front.dinky("POST", "/openapi/submitTask", body, Schemas.DINKY_JOB_RESULT,
                        OpenApiController.IDEMPOTENCY_KEY, key, "Prefer", "wait=" + wait);
    }
}
