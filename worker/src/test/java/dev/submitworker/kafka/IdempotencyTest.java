package dev.submitworker.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.submitworker.core.RequestId;
import dev.submitworker.testing.FlinkTestClient;
import dev.submitworker.testing.KafkaTestClient;
import dev.submitworker.testing.SharedInfrastructure;
import dev.submitworker.testing.WorkerTest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;

/** Duplicates and conflicts on one worker, checked on the real cluster and the real results topic. */
@WorkerTest
class IdempotencyTest {

    private static final KafkaTestClient kafka = KafkaTestClient.shared();
    private static final FlinkTestClient flink = FlinkTestClient.shared();



    private static String command(String requestId, int taskId, String extra) {
        return "{\"requestId\":\"" + requestId + "\",\"id\":" + taskId + extra + "}";
    }

    private long jobsNamed(String name) throws Exception {
        return flink.jobs().stream().filter(job -> job.getJobName().equals(name)).count();
    }

    @Test
    void theSameCommandFiveTimesGivesOneJobAndFiveAnswersWithTheSameJobId() throws Exception {
        String requestId = "five-times-" + UUID.randomUUID();
        long jobsBefore = jobsNamed("it-bounded");
        for (int i = 0; i < 5; i++) {
            kafka.sendCommand(command(requestId, 101, ""));
        }

        await().atMost(Duration.ofSeconds(60)).until(() -> kafka.envelopes(requestId).size() == 5);
        List<JsonNode> answers = kafka.envelopes(requestId);
        String jobId = new RequestId(requestId).jobId();
        assertThat(answers).allSatisfy(answer -> {
            assertThat(answer.get("code").asInt()).isZero();
            assertThat(answer.at("/data/jobId").asText()).isEqualTo(jobId);
        });
        assertThat(answers).filteredOn(answer -> answer.get("duplicate").asBoolean()).hasSize(4);
        JsonNode first = answers.get(0);
        assertThat(first.get("duplicate").asBoolean()).isFalse();
        // a duplicate is the first answer again, word for word, but for the flag
        assertThat(answers.get(4).get("time")).isEqualTo(first.get("time"));
        assertThat(answers.get(4).get("msg")).isEqualTo(first.get("msg"));
        assertThat(jobsNamed("it-bounded")).isEqualTo(jobsBefore + 1);
        assertThat(flink.jobs()).filteredOn(job -> job.getJobId().toHexString().equals(jobId)).hasSize(1);
    }

    @Test
    void theSameRequestIdForADifferentCommandIsRefusedAndTheFirstStands() throws Exception {
        String requestId = "conflict-" + UUID.randomUUID();
        kafka.sendCommand(command(requestId, 101, ""));
        JsonNode first = kafka.awaitEnvelope(requestId);
        assertThat(first.get("code").asInt()).isZero();
        long jobsBefore = jobsNamed("it-bounded") + jobsNamed("it-streaming");

        kafka.sendCommand(command(requestId, 102, ""));
        kafka.sendCommand(command(requestId, 101, ",\"savePointPath\":\"file:///elsewhere\""));
        kafka.sendCommand(command(requestId, 101, ",\"variables\":{\"day\":\"2026-11-28\"}"));
        kafka.sendCommand(command(requestId, 101, ""));

        await().atMost(Duration.ofSeconds(60)).until(() -> kafka.envelopes(requestId).size() == 5);
        List<JsonNode> answers = kafka.envelopes(requestId);
        for (JsonNode refusal : answers.subList(1, 4)) {
            assertThat(refusal.get("code").asInt()).isEqualTo(6);
            assertThat(refusal.get("msg").asText()).contains("already used for a different command")
                    .contains(first.at("/data/jobId").asText());
        }
        JsonNode sameAgain = answers.get(4);
        assertThat(sameAgain.get("code").asInt()).isZero();
        assertThat(sameAgain.get("duplicate").asBoolean()).isTrue();
        assertThat(sameAgain.at("/data/jobId")).isEqualTo(first.at("/data/jobId"));
        assertThat(jobsNamed("it-bounded") + jobsNamed("it-streaming")).isEqualTo(jobsBefore);
    }

    @Test
    void theLedgerTopicIsCompactedAndHasTheCommandsTopicsPartitions() throws Exception {
        try (Admin admin = admin()) {
            var topics = admin.describeTopics(List.of("it.commands", "submit-worker.ledger")).allTopicNames().get();
            assertThat(topics.get("submit-worker.ledger").partitions())
                    .hasSameSizeAs(topics.get("it.commands").partitions());
            ConfigResource ledger = new ConfigResource(ConfigResource.Type.TOPIC, "submit-worker.ledger");
            var config = admin.describeConfigs(List.of(ledger)).all().get().get(ledger);
            assertThat(config.get("cleanup.policy").value()).contains("compact");
            assertThat(config.get("retention.ms").value()).isEqualTo(String.valueOf(Duration.ofDays(7).toMillis()));
        }
    }

    @Test
    void aLedgerWhosePartitionsDoNotMatchTheCommandsTopicIsAStartUpError() throws Exception {
        String prefix = "mismatch-" + UUID.randomUUID();
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(prefix + ".commands", 4, (short) 1),
                    new NewTopic(prefix + ".ledger", 2, (short) 1))).all().get();
            Topics topics = new Topics(prefix + ".commands", prefix + ".results", prefix + ".commands.DLT",
                    prefix + ".ledger", prefix + ".status", 4, Optional.empty());
            assertThatThrownBy(() -> topics.provision(admin, Duration.ofDays(7)))
                    .hasMessageContaining("has 2 partitions but commands topic")
                    .hasMessageContaining("has 4");
        }
    }

    private static Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, SharedInfrastructure.kafkaBootstrap()));
    }
}
