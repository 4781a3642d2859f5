package dev.submitworker.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.submitworker.cluster.EmbeddedFlinkCluster;
import dev.submitworker.core.RequestId;
import dev.submitworker.testing.FlinkTestClient;
import dev.submitworker.testing.KafkaTestClient;
import dev.submitworker.testing.Ports;
import dev.submitworker.testing.WorkerGroup;
import dev.submitworker.testing.WorkerProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Two worker instances in one group, commands parked on both for a cluster that is down. Worker A is frozen (SIGSTOP)
 * for longer than its session timeout; B takes A's partitions over, and when the cluster comes up B answers every
 * command. Then A is thawed with its parked requests due and the cluster up: it may try, but it must not publish a
 * single answer, since whatever it commits carries a group generation that has moved on.
 */
class FrozenWorkerTest {

    @Test
    void aWorkerFrozenPastItsSessionPublishesNothingOnceItThaws() throws Exception {
        String prefix = "frozen-" + UUID.randomUUID().toString().substring(0, 8);
        int clusterPort = Ports.freePort();
        Map<String, String> properties = new HashMap<>(WorkerProcess.properties(prefix));
        // task 155 runs on the 'flaky' entry: here a cluster that this test starts only later
        properties.put("worker.clusters.flaky.type", "standalone");
        properties.put("worker.clusters.flaky.address", "http://127.0.0.1:" + clusterPort);
        properties.put("worker.retry.deadline", "10m");
        properties.put("worker.retry.initial-backoff", "500ms");
        properties.put("worker.retry.max-backoff", "2s");
        String a = prefix + "-a";
        String b = prefix + "-b";

        try (KafkaTestClient kafka = KafkaTestClient.forTopics(prefix + ".commands", prefix + ".results",
                prefix + ".commands.DLT");
             WorkerGroup workers = new WorkerGroup(properties)) {
            workers.start(a);
            workers.start(b);
            await().atMost(Duration.ofMinutes(3)).until(() -> !workers.partitionsOf(a).isEmpty()
                    && !workers.partitionsOf(b).isEmpty()
                    && union(workers.partitionsOf(a), workers.partitionsOf(b)).size() == KafkaTestClient.PARTITIONS);

            List<String> requestIds = new ArrayList<>();
            for (int partition = 0; partition < KafkaTestClient.PARTITIONS; partition++) {
                for (int i = 0; i < 3; i++) {
                    requestIds.add(KafkaTestClient.newRequestId(prefix + "-p" + partition, partition));
                }
            }
            requestIds.forEach(id -> kafka.sendCommand(id, 155, null, null));

            // parked on both: every command read and its position committed (with its PENDING entry), its owner
            // having tried the cluster or waited for it, and no answer
            await().atMost(Duration.ofSeconds(90)).until(() -> workers.lag() == 0
                    && requestIds.stream().allMatch(id -> workers.logLines(parked(id)) > 0)
                    && requestIds.stream().anyMatch(id -> workers.worker(a).logLines(parked(id)) > 0)
                    && requestIds.stream().anyMatch(id -> workers.worker(b).logLines(parked(id)) > 0));
            assertThat(kafka.allEnvelopes()).isEmpty();

            // frozen between two of its rounds (a worker frozen inside a commit also holds up its partitions' readers
            // until the transaction times out, which the chaos test may draw): A's output has been still for a while
            WorkerProcess frozen = workers.worker(a);
            AtomicLong lines = new AtomicLong(-1);
            await().during(Duration.ofMillis(700)).atMost(Duration.ofSeconds(30))
                    .until(() -> {
                        long now = frozen.logLines("");
                        return lines.getAndSet(now) == now;
                    });
            frozen.freeze();
            // A's session runs out (10 s) and B is given A's partitions
            await().atMost(Duration.ofSeconds(90)).until(() -> workers.partitionsOf(a).isEmpty()
                    && workers.partitionsOf(b).size() == KafkaTestClient.PARTITIONS);
            assertThat(kafka.allEnvelopes()).isEmpty();

            try (EmbeddedFlinkCluster cluster = EmbeddedFlinkCluster.start(clusterPort, 8, Map.of());
                 FlinkTestClient flink = new FlinkTestClient(cluster.restAddress())) {
                await().atMost(Duration.ofSeconds(90))
                        .until(() -> requestIds.stream().allMatch(id -> !kafka.envelopes(id).isEmpty()));
                Map<String, JsonNode> answersOfB = new HashMap<>();
                requestIds.forEach(id -> answersOfB.put(id, kafka.envelopes(id).get(0)));

                frozen.thaw();
                // A resumes with its parked requests due and the cluster up; it is given time to try
                await().during(Duration.ofSeconds(10)).atMost(Duration.ofSeconds(30))
                        .until(() -> requestIds.stream().allMatch(id -> kafka.envelopes(id).size() == 1));
                assertThat(frozen.isAlive()).isTrue();
                assertThat(frozen.logLines("lost partitions")).as("A woke up and found its partitions gone")
                        .isPositive();

                for (String id : requestIds) {
                    List<JsonNode> answers = kafka.envelopes(id);
                    assertThat(answers).hasSize(1);
                    assertThat(answers.get(0)).isEqualTo(answersOfB.get(id));
                    assertThat(answers.get(0).get("code").asInt()).as(answers.get(0).toPrettyString()).isZero();
                    assertThat(answers.get(0).at("/data/jobId").asText()).isEqualTo(new RequestId(id).jobId());
                }
                assertThat(flink.jobs()).extracting(job -> job.getJobId().toHexString())
                        .containsExactlyInAnyOrderElementsOf(requestIds.stream().map(id -> new RequestId(id).jobId())
                                .toList());
            }
            workers.stop();
        }
    }

    /** The start of the engine's log line about a request: with the cluster down, that it waits or will retry. */
    private static String parked(String requestId) {
        return "Request " + requestId + ": ";
    }

    private static Set<Integer> union(Set<Integer> one, Set<Integer> other) {
        Set<Integer> union = new HashSet<>(one);
        union.addAll(other);
        return union;
    }
}
