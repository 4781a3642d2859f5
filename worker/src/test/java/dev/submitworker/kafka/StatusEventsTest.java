package dev.submitworker.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.submitworker.core.RequestId;
import dev.submitworker.testing.FlinkTestClient;
import dev.submitworker.testing.KafkaTestClient;
import dev.submitworker.testing.SharedInfrastructure;
import dev.submitworker.testing.WorkerTest;
import dev.submitworker.testing.WorkerTestInitializer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.flink.runtime.rest.messages.job.JobDetailsInfo;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;

/** Submitted jobs followed to their end on the status topic: the shared worker, its session cluster, real jobs. */
@WorkerTest
class StatusEventsTest {

    private static final KafkaTestClient kafka = KafkaTestClient.shared();
    private static final FlinkTestClient flink = FlinkTestClient.shared();
    private static final Duration TO_THE_END = Duration.ofSeconds(90);

    /** Sequences 1, 2, 3 ... each event's previous status the one before's, one terminal event, the last. */
    private static void assertWellFormed(List<JsonNode> events) {
        assertThat(events).extracting(event -> event.get("sequence").asInt())
                .containsExactlyElementsOf(IntStream.rangeClosed(1, events.size()).boxed().toList());
        for (int i = 1; i < events.size(); i++) {
            assertThat(events.get(i).get("previousStatus").asText()).isEqualTo(events.get(i - 1).get("status").asText());
        }
        assertThat(events).filteredOn(event -> event.get("terminal").asBoolean()).hasSize(1);
        assertThat(events.get(events.size() - 1).get("terminal").asBoolean()).isTrue();
    }

    @Test
    void aBoundedJobIsFollowedToFinishedWithFlinksOwnTimes() throws Exception {
        String requestId = KafkaTestClient.newRequestId("status-bounded");
        assertThat(kafka.submit(requestId, 101, null, null).get("code").asInt()).isZero();

        List<JsonNode> events = kafka.awaitTerminal(requestId, TO_THE_END);

        assertWellFormed(events);
        JsonNode last = events.get(events.size() - 1);
        String jobId = new RequestId(requestId).jobId();
        assertThat(last.get("status").asText()).isEqualTo("FINISHED");
        assertThat(last.get("jobId").asText()).isEqualTo(jobId);
        assertThat(last.get("taskId").asInt()).isEqualTo(101);
        assertThat(last.get("cluster").asText()).isEqualTo("session");
        assertThat(last.get("failure").isNull()).isTrue();
        JobDetailsInfo onTheCluster = flink.details(jobId);
        assertThat(Instant.parse(last.get("startTime").asText()).toEpochMilli()).isEqualTo(onTheCluster.getStartTime());
        assertThat(Instant.parse(last.get("endTime").asText()).toEpochMilli()).isEqualTo(onTheCluster.getEndTime());
        assertThat(last.get("duration").asLong()).isEqualTo(onTheCluster.getEndTime() - onTheCluster.getStartTime());
    }

    @Test
    void aJobThatFailsAtRunTimeEndsFailedWithItsRootCauseAndNoSecret() {
        String requestId = KafkaTestClient.newRequestId("status-failing");
        assertThat(kafka.submit(requestId, 170, null, null).get("code").asInt()).isZero();

        List<JsonNode> events = kafka.awaitTerminal(requestId, TO_THE_END);

        assertWellFormed(events);
        JsonNode last = events.get(events.size() - 1);
        assertThat(last.get("status").asText()).isEqualTo("FAILED");
        assertThat(last.at("/failure/class").asText()).isEqualTo("java.lang.NumberFormatException");
        assertThat(last.at("/failure/message").asText()).contains("For input string");
        assertThat(events.toString()).doesNotContain("planted-status-secret-5e1d")
                .doesNotContain("planted-status-config-secret-3b9e");
    }

    @Test
    void aStreamingJobCancelledThroughFlinksRestApiEndsCanceled() throws Exception {
        String requestId = KafkaTestClient.newRequestId("status-cancelled");
        assertThat(kafka.submit(requestId, 102, null, null).get("code").asInt()).isZero();
        await().atMost(TO_THE_END).until(() -> kafka.statusEvents(requestId).stream()
                .anyMatch(event -> event.get("status").asText().equals("RUNNING")));

        flink.cancel(new RequestId(requestId).jobId());
        List<JsonNode> events = kafka.awaitTerminal(requestId, TO_THE_END);

        assertWellFormed(events);
        JsonNode last = events.get(events.size() - 1);
        assertThat(last.get("status").asText()).isEqualTo("CANCELED");
        assertThat(last.get("endTime").isNull()).isFalse();
    }

    @Test
    void theStatusTopicIsCompactedSoALateReaderFindsTheLatestStatusOfEachRequest() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                SharedInfrastructure.kafkaBootstrap()))) {
            ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, WorkerTestInitializer.STATUS);
            String policy = admin.describeConfigs(List.of(topic)).all().get().get(topic)
                    .get(TopicConfig.CLEANUP_POLICY_CONFIG).value();
            assertThat(policy).contains(TopicConfig.CLEANUP_POLICY_COMPACT);
            int statusPartitions = admin.describeTopics(List.of(WorkerTestInitializer.STATUS)).allTopicNames().get()
                    .get(WorkerTestInitializer.STATUS).partitions().size();
            int commandPartitions = admin.describeTopics(List.of(WorkerTestInitializer.COMMANDS)).allTopicNames()
                    .get().get(WorkerTestInitializer.COMMANDS).partitions().size();
            assertThat(statusPartitions).isEqualTo(commandPartitions);
        }
    }
}
