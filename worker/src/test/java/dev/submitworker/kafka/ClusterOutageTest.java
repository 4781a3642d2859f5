package dev.submitworker.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.submitworker.core.RequestId;
import dev.submitworker.cluster.EmbeddedFlinkCluster;
import dev.submitworker.testing.FaultInjection;
import dev.submitworker.testing.FlinkTestClient;
import dev.submitworker.testing.KafkaTestClient;
import dev.submitworker.testing.SharedInfrastructure;
import dev.submitworker.testing.WorkerTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A cluster that is down when its commands arrive and comes back within the retry deadline: its commands wait in its
 * lane and are each submitted exactly once when it is back, while commands for a healthy cluster are answered during
 * the outage.
 */
@WorkerTest
class ClusterOutageTest {

    private static final KafkaTestClient kafka = KafkaTestClient.shared();

    @Test
    void commandsWaitForTheirClusterWithoutHoldingBackOthersAndRunOnceWhenItIsBack() throws Exception {
        List<String> flaky = new ArrayList<>();
        List<String> healthy = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            // one of them fails once while its retry is being answered: its transaction rolls back, the lane retries
            String waiting = KafkaTestClient.newRequestId(i == 3 ? FaultInjection.FAILING_PUBLISH_ONCE + "outage"
                    : "outage-flaky");
            String flowing = KafkaTestClient.newRequestId("outage-healthy");
            flaky.add(waiting);
            healthy.add(flowing);
            kafka.sendCommand(waiting, 155, null, null);
            kafka.sendCommand(flowing, 101, null, null);
        }

        // the healthy cluster's commands are answered while the flaky one is down...
        await().atMost(Duration.ofSeconds(60)).until(() -> healthy.stream().allMatch(id -> !kafka.envelopes(id).isEmpty()));
        healthy.forEach(id -> assertThat(kafka.envelopes(id).get(0).get("code").asInt()).isZero());
        // ...and the flaky cluster's wait: no answer yet (no failure either)
        assertThat(flaky).allSatisfy(id -> assertThat(kafka.envelopes(id)).isEmpty());

        try (EmbeddedFlinkCluster back = EmbeddedFlinkCluster.start(SharedInfrastructure.flakyClusterPort(), 8,
                Map.of());
             FlinkTestClient cluster = new FlinkTestClient(back.restAddress())) {
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> flaky.stream().allMatch(id -> !kafka.envelopes(id).isEmpty()));
            for (String id : flaky) {
                JsonNode answer = kafka.envelopes(id).get(0);
                assertThat(answer.get("code").asInt()).as(answer.toPrettyString()).isZero();
                assertThat(answer.at("/data/jobId").asText()).isEqualTo(new RequestId(id).jobId());
            }
            // a resend of one of them comes after any late original answer of its partition: one answer each
            kafka.sendCommand(flaky.get(0), 155, null, null);
            await().atMost(Duration.ofSeconds(30)).until(() -> kafka.envelopes(flaky.get(0)).size() == 2);
            assertThat(kafka.envelopes(flaky.get(0)).get(1).get("duplicate").asBoolean()).isTrue();
            for (String id : flaky.subList(1, flaky.size())) {
                assertThat(kafka.envelopes(id)).hasSize(1);
            }
            Set<String> expected = flaky.stream().map(id -> new RequestId(id).jobId())
                    .collect(Collectors.toSet());
            assertThat(cluster.jobs()).extracting(job -> job.getJobId().toHexString())
                    .containsExactlyInAnyOrderElementsOf(expected);
        }
    }
}
