package dev.submitworker.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.submitworker.core.RequestId;
import dev.submitworker.testing.FlinkTestClient;
import dev.submitworker.testing.KafkaTestClient;
import dev.submitworker.testing.StatusChecks;
import dev.submitworker.testing.WorkerGroup;
import dev.submitworker.testing.WorkerProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A worker process following 20 jobs, short bounded ones and streaming ones cancelled through Flink's REST API, is
 * SIGKILLed twice and started again each time: the first time as the bounded jobs end, the second right after half the
 * streaming jobs were cancelled. Its next life goes on from the ledger: every job ends with exactly one terminal event,
 * the sequences of each request run 1, 2, 3 ... with nothing going back and no sequence carrying two contents.
 */
class FollowChaosTest {

    private static final int BOUNDED = 14;
    private static final int STREAMING = 6;
    private static final int BOUNDED_TASK = 108;
    private static final int STREAMING_TASK = 102;
    private static final int PARTITIONS = 4;
    /** The log line of a ledger partition restored: the process owns the partition, and follows its jobs. */
    private static final String RESTORED = "restored: about";

    @Test
    void everyJobEndsOnceOnTheStatusTopicAcrossTwoKills() throws Exception {
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

        try (KafkaTestClient kafka = KafkaTestClient.withStatus(prefix + ".commands", prefix + ".results",
                prefix + ".commands.DLT", prefix + ".status");
             FlinkTestClient flink = FlinkTestClient.session();
             WorkerGroup workers = new WorkerGroup(properties(prefix))) {
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
            for (String id : streaming.subList(STREAMING / 2, STREAMING)) {
                flink.cancel(new RequestId(id).jobId());
            }

            await().atMost(Duration.ofMinutes(2)).until(() -> StatusChecks.ended(kafka.allStatusEvents(), all)
                    == all.size());
            workers.stop();
            Map<String, List<JsonNode>> events = kafka.allStatusEvents();
            List<String> violations = StatusChecks.violations(events, all);
            System.out.printf("follow: jobs=%d kills=%d terminal=%d violations=%d events=%d repeats=%d%n",
                    all.size(), kills, StatusChecks.ended(events, all), violations.size(),
                    all.stream().mapToInt(id -> events.getOrDefault(id, List.of()).size()).sum(),
                    StatusChecks.repeats(events, all));
            assertThat(violations).isEmpty();
            assertThat(bounded).allSatisfy(id -> assertThat(last(events, id)).isEqualTo("FINISHED"));
            assertThat(streaming).allSatisfy(id -> assertThat(last(events, id)).isEqualTo("CANCELED"));
        }
    }

    private static String last(Map<String, List<JsonNode>> events, String requestId) {
        List<JsonNode> seen = events.get(requestId);
        return seen.get(seen.size() - 1).get("status").asText();
    }

    /** A worker whose restarts take its partitions back soon: a short session, the group's shortest. */
    private static Map<String, String> properties(String prefix) {
        Map<String, String> properties = new HashMap<>(WorkerProcess.properties(prefix));
        properties.put("spring.kafka.consumer.properties.session.timeout.ms", "6000");
        return properties;
    }
}
