package dev.submitworker.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.submitworker.core.RequestId;
import dev.submitworker.testing.FlinkTestClient;
import dev.submitworker.testing.KafkaTestClient;
import dev.submitworker.testing.WorkerTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Producers do not always key a command by its requestId (no key, another key, another client's partitioner). Each
 * command is still handled in its requestId's partition, so its duplicates meet its ledger entry wherever they land.
 */
@WorkerTest
class RoutingTest {

    private static final int PARTITIONS = 4;
    private static final KafkaTestClient kafka = KafkaTestClient.shared();
    private static final FlinkTestClient flink = FlinkTestClient.shared();

    @Test
    void aCommandIsAnsweredOnceWhateverItsKeyAndItsDuplicatesFindItsFirstAnswer() throws Exception {
        String requestId = KafkaTestClient.newRequestId("routing");
        int home = CommandRecords.partitionOf(new RequestId(requestId), PARTITIONS);
        byte[] command = ("{\"requestId\":\"" + requestId + "\",\"id\":101}").getBytes(StandardCharsets.UTF_8);

        kafka.sendRaw((home + 1) % PARTITIONS, "some-other-key", command);
        JsonNode first = kafka.awaitEnvelope(requestId);
        kafka.sendRaw((home + 2) % PARTITIONS, null, command);
        kafka.sendRaw(home, requestId, command);
        await().atMost(Duration.ofSeconds(60)).until(() -> kafka.envelopes(requestId).size() == 3);

        List<JsonNode> answers = kafka.envelopes(requestId);
        assertThat(first.get("code").asInt()).as(first.toPrettyString()).isZero();
        assertThat(answers).extracting(answer -> answer.get("duplicate").asBoolean()).containsExactly(false, true, true);
        assertThat(answers).extracting(answer -> answer.get("time").asText()).containsOnly(first.get("time").asText());
        String jobId = new RequestId(requestId).jobId();
        assertThat(flink.jobs()).filteredOn(job -> job.getJobId().toHexString().equals(jobId)).hasSize(1);
    }
}
