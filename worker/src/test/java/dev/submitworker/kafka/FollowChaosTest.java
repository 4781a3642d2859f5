package dev.submitworker.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.submitworker.core.RequestId;
import dev.submitworker.testing.FaultProxy;
import dev.submitworker.testing.FlinkTestClient;
import dev.submitworker.testing.KafkaTestClient;
import dev.submitworker.testing.SharedInfrastructure;
import dev.submitworker.testing.StatusChecks;
import dev.submitworker.testing.WorkerGroup;
import dev.submitworker.testing.WorkerProcess;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A worker process following 20 jobs, short bounded ones and streaming ones cancelled through Flink's REST API, is
 * SIGKILLed twice and started again each time: the first time as the bounded jobs end, the second right after half the
 * streaming jobs were cancelled. Its next life goes on from the ledger. Then its session cluster is down for 30 s (a
 * {@link FaultProxy} in front of the MiniCluster answers 503, then nothing at all) while the other streaming jobs are
 * cancelled behind its back: nothing is published during the outage, and their ends come after it, with Flink's times.
 * In the end every job has exactly one terminal event, the sequences of each request run 1, 2, 3 ... with nothing
 * going back and no sequence carrying two contents.
 */
class FollowChaosTest {

    private static final int BOUNDED = 14;
    private static final int STREAMING = 6;
    private static final int BOUNDED_TASK = 108;
    private static final int STREAMING_TASK = 102;
    private static final int PARTITIONS = 4;
    /** The log line of a ledger partition restored: the process owns the partition, and follows its jobs. */
    private static final String RESTORED = "restored: about";
    /** Each half of the outage: 503s, then no answer at all. */
    private static final Duration HALF_OUTAGE = Duration.ofSeconds(15);

    @Test
    void everyJobEndsOnceOnTheStatusTopicAcrossTwoKillsAndAClusterOutage() throws Exception {
        String prefix = "follow-chaos-" + UUID.randomUUID().toString().substring(0, 8);
        String instance = prefix + "-worker";
        List<String> bounded = new ArrayList<>();
        List<String> streaming = new ArrayList<>();
        for (int i = 0; i < BOUNDED + STREAMING; i++) {
            (i % 10 < 7 ? bounded : streaming).add(prefix + "-" + i);
        }
        List<String> all = new ArrayList<>(bounded);
        all.addAll(streaming);
        int kills = 0;

        try (FaultProxy cluster = FaultProxy.inFrontOf(SharedInfrastructure.flinkRestAddress());
             KafkaTestClient kafka = KafkaTestClient.withStatus(prefix + ".commands", prefix + ".results",
                     prefix + ".commands.DLT", prefix + ".status");
             FlinkTestClient flink = FlinkTestClient.session();
             WorkerGroup workers = new WorkerGroup(properties(prefix, cluster))) {
            workers.start(instance);
            bounded.forEach(id -> kafka.sendCommand(id, BOUNDED_TASK, null, null));
            streaming.forEach(id -> kafka.sendCommand(id, STREAMING_TASK, null, null));

            // killed while it follows: every job answered, and some of the bounded ones already reported ended
            await().atMost(Duration.ofMinutes(2)).until(() -> all.stream().allMatch(id -> !kafka.envelopes(id).isEmpty())
                    && StatusChecks.ended(kafka.allStatusEvents(), bounded) >= 1);
            workers.killAndRestart(instance);
            kills++;

            // killed again while it publishes the first cancellations its next life sees
            await().atMost(Duration.ofMinutes(2)).until(() -> workers.worker(instance).logLines(RESTORED) >= PARTITIONS
                    && streaming.stream().allMatch(id -> kafka.statusEvents(id).stream()
                            .anyMatch(event -> event.get("status").asText().equals("RUNNING"))));
            List<String> cancelledFirst = streaming.subList(0, STREAMING / 2);
            for (String id : cancelledFirst) {
                flink.cancel(new RequestId(id).jobId());
            }
            await().atMost(Duration.ofMinutes(1)).until(() -> StatusChecks.ended(kafka.allStatusEvents(),
                    cancelledFirst) >= 1);
            workers.killAndRestart(instance);
            kills++;

            // the next life follows the jobs, and everything that ended so far is published
            List<String> endedBefore = new ArrayList<>(bounded);
            endedBefore.addAll(cancelledFirst);
            await().atMost(Duration.ofMinutes(2)).until(() -> workers.worker(instance).logLines(RESTORED) >= PARTITIONS
                    && StatusChecks.ended(kafka.allStatusEvents(), endedBefore) == endedBefore.size());
            int published = events(kafka, all);
            cluster.mode(FaultProxy.Mode.UNAVAILABLE_503);
            List<String> cancelledUnseen = streaming.subList(STREAMING / 2, STREAMING);
            for (String id : cancelledUnseen) {
                flink.cancel(new RequestId(id).jobId());
            }
            await().during(HALF_OUTAGE).atMost(HALF_OUTAGE.plusSeconds(10)).until(() -> events(kafka, all) == published);
            cluster.mode(FaultProxy.Mode.UNRESPONSIVE);
            await().during(HALF_OUTAGE).atMost(HALF_OUTAGE.plusSeconds(10)).until(() -> events(kafka, all) == published);
            cluster.mode(FaultProxy.Mode.PASS);
            Instant back = Instant.now();
            int duringOutage = events(kafka, all) - published;

            await().atMost(Duration.ofMinutes(1)).until(() -> StatusChecks.ended(kafka.allStatusEvents(), all)
                    == all.size());
            workers.stop();
            Map<String, List<JsonNode>> events = kafka.allStatusEvents();
            List<String> violations = StatusChecks.violations(events, all);
            System.out.printf("follow: jobs=%d kills=%d outage=%ds eventsDuringOutage=%d terminal=%d violations=%d "
                            + "events=%d repeats=%d 503s=%d unanswered=%d%n", all.size(), kills,
                    HALF_OUTAGE.multipliedBy(2).toSeconds(), duringOutage, StatusChecks.ended(events, all),
                    violations.size(), events(kafka, all), StatusChecks.repeats(events, all), cluster.answered503(),
                    cluster.abandonedUnanswered());
            assertThat(violations).isEmpty();
            assertThat(duringOutage).isZero();
            assertThat(cluster.answered503()).as("the worker asked during the outage").isPositive();
            for (String id : cancelledUnseen) {
                JsonNode end = events.get(id).get(events.get(id).size() - 1);
                assertThat(Instant.parse(end.get("endTime").asText())).as("ended during the outage").isBefore(back);
                assertThat(Instant.parse(end.get("observedAt").asText())).as("published after it").isAfter(back);
            }
            assertThat(bounded).allSatisfy(id -> assertThat(last(events, id)).isEqualTo("FINISHED"));
            assertThat(streaming).allSatisfy(id -> assertThat(last(events, id)).isEqualTo("CANCELED"));
        }
    }

    private static String last(Map<String, List<JsonNode>> events, String requestId) {
        List<JsonNode> seen = events.get(requestId);
        return seen.get(seen.size() - 1).get("status").asText();
    }

    /** The status events of the requests read so far. */
    private static int events(KafkaTestClient kafka, List<String> requestIds) {
        Map<String, List<JsonNode>> events = kafka.allStatusEvents();
        return requestIds.stream().mapToInt(id -> events.getOrDefault(id, List.of()).size()).sum();
    }

    /**
     * A worker whose restarts take its partitions back soon (a short session, the group's shortest), and whose
     * session cluster is behind the proxy, asked with short bounds.
     */
    private static Map<String, String> properties(String prefix, FaultProxy cluster) {
        Map<String, String> properties = new HashMap<>(WorkerProcess.properties(prefix));
        properties.put("spring.kafka.consumer.properties.session.timeout.ms", "6000");
        properties.put("worker.clusters.session.address", cluster.address().toString());
        properties.put("worker.cluster-timeouts.connect", "2s");
        properties.put("worker.cluster-timeouts.request", "3s");
        return properties;
    }
}
