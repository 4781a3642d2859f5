package dev.submitworker.kafka;

import static dev.submitworker.testing.KafkaTestClient.partitionOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.submitworker.testing.FaultInjection;
import dev.submitworker.testing.KafkaTestClient;
import dev.submitworker.testing.WorkerTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

/**
 * The commands of one poll share one transaction: duplicates within it must still find the first answer, and one
 * command that fails half-way must neither lose nor double the answers of the commands around it, nor stall them.
 * The commands of each test are produced in one producer transaction, so the worker reads them in one poll; they are
 * for a task that is not in the catalog, answered in well under {@code worker.batch.max-hold}, so that they are also
 * handled in one transaction (a submission to Flink may take longer, and then closes the batch after it).
 */
@WorkerTest
class BatchAnsweringTest {

    private static final KafkaTestClient kafka = KafkaTestClient.shared();

    @Test
    void duplicatesWithinOneBatchGetTheFirstAnswer() {
        String requestId = KafkaTestClient.newRequestId("batch-duplicates");
        kafka.sendInOneBatch(partitionOf(requestId),
                Collections.nCopies(5, record(requestId, "{\"requestId\":\"" + requestId + "\",\"id\":999999}")));

        await().atMost(Duration.ofSeconds(60)).until(() -> kafka.envelopes(requestId).size() == 5);
        List<JsonNode> answers = kafka.envelopes(requestId);
        JsonNode first = answers.get(0);
        assertThat(first.get("duplicate").asBoolean()).isFalse();
        assertThat(first.get("msg").asText()).contains("999999");
        assertThat(answers.subList(1, 5)).allSatisfy(answer -> {
            assertThat(answer.get("duplicate").asBoolean()).isTrue();
            assertThat(answer.get("time")).isEqualTo(first.get("time"));
            assertThat(answer.get("msg")).isEqualTo(first.get("msg"));
        });
    }

    @Test
    void answersToOneRequestKeepTheOrderOfItsCommands() {
        String requestId = KafkaTestClient.newRequestId("batch-order");
        String command = "{\"requestId\":\"" + requestId + "\",\"id\":999999}";
        kafka.sendInOneBatch(partitionOf(requestId), List.of(record(requestId, command)));
        kafka.awaitEnvelope(requestId);

        // a refusal (same requestId, another task) goes with the transaction; the duplicate after it must not pass it
        kafka.sendInOneBatch(partitionOf(requestId), List.of(
                record(requestId, "{\"requestId\":\"" + requestId + "\",\"id\":999998}"),
                record(requestId, command)));

        await().atMost(Duration.ofSeconds(60)).until(() -> kafka.envelopes(requestId).size() == 3);
        List<JsonNode> answers = kafka.envelopes(requestId);
        assertThat(answers.get(1).get("code").asInt()).isEqualTo(6);
        assertThat(answers.get(2).get("duplicate").asBoolean()).isTrue();
        assertThat(answers.get(2).get("time")).isEqualTo(answers.get(0).get("time"));
    }

    @Test
    void aCommandThatFailsHalfWayIsDeadLetteredAndTheCommandsAroundItAreAnsweredOnce() {
        String before = KafkaTestClient.newRequestId("batch-before");
        String failing = KafkaTestClient.newRequestId(FaultInjection.FAILING_PUBLISH + "batch");
        String after = KafkaTestClient.newRequestId("batch-after");
        // one partition, so that they are one batch, in this order; 'before' twice
        kafka.sendInOneBatch(partitionOf(before), List.of(
                record(before, "{\"requestId\":\"" + before + "\",\"id\":999999}"),
                record(before, "{\"requestId\":\"" + before + "\",\"id\":999999}"),
                record(failing, "{\"requestId\":\"" + failing + "\",\"id\":999999}"),
                record(after, "{\"requestId\":\"" + after + "\",\"id\":999999}")));

        await().atMost(Duration.ofSeconds(60)).until(() -> !kafka.envelopes(after).isEmpty()
                && deadLetter(failing).isPresent());
        ConsumerRecord<String, byte[]> deadLetter = deadLetter(failing).orElseThrow();
        assertThat(header(deadLetter, "kafka_dlt-exception-fqcn")).isEqualTo(IllegalStateException.class.getName());
        assertThat(header(deadLetter, "kafka_dlt-exception-message"))
                .isEqualTo("injected failure publishing the answer of " + failing);
        assertThat(kafka.envelopes(failing)).isEmpty();
        // 'before' and its duplicate were answered in the transaction that rolled back, then again: what is seen is
        // one first answer and the same answer flagged, nothing of the aborted attempt (not even the duplicate)
        List<JsonNode> beforeAnswers = kafka.envelopes(before);
        assertThat(beforeAnswers).hasSize(2);
        assertThat(beforeAnswers.get(0).get("duplicate").asBoolean()).isFalse();
        assertThat(beforeAnswers.get(1).get("duplicate").asBoolean()).isTrue();
        assertThat(beforeAnswers.get(1).get("time")).isEqualTo(beforeAnswers.get(0).get("time"));
        assertThat(kafka.envelopes(after)).hasSize(1);
        assertThat(kafka.envelopes(after).get(0).get("success").asBoolean()).isFalse();
    }

    private static Map.Entry<String, byte[]> record(String key, String json) {
        return Map.entry(key, json.getBytes(StandardCharsets.UTF_8));
    }

    private static Optional<ConsumerRecord<String, byte[]>> deadLetter(String key) {
        return kafka.deadLetters().stream().filter(record -> key.equals(record.key())).findFirst();
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
