package dev.submitworker.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.submitworker.core.RequestId;
import dev.submitworker.core.StatusEvent;
import dev.submitworker.testing.Schemas;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Every kind of status event the worker writes is valid against the published schema. */
class KafkaStatusEventsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final RequestId REQUEST = new RequestId("orders-2026-12-01");
    private static final Instant NOW = Instant.parse("2026-12-01T10:00:03Z");
    private static final long START = Instant.parse("2026-12-01T10:00:00Z").toEpochMilli();

    private final KafkaStatusEvents events = new KafkaStatusEvents("status", null);

    private JsonNode written(String status, String previous, int sequence, Long end, String failure, String reason)
            throws Exception {
        StatusEvent event = new StatusEvent(REQUEST, 1, REQUEST.jobId(), "local", null, status, previous, sequence,
                StatusEvent.terminal(status), NOW, "UNKNOWN".equals(status) ? null : START, end, failure,
                "file:/savepoints/sp-1", reason);
        JsonNode node = JSON.readTree(events.serialize(event));
        Schemas.assertValid(Schemas.STATUS_EVENT, node);
        return node;
    }

    @Test
    void aRunningJobsFirstEvent() throws Exception {
        JsonNode node = written("RUNNING", null, 1, null, null, null);
        assertThat(node.get("startTime").asText()).isEqualTo("2026-12-01T10:00:00Z");
        assertThat(node.get("duration").isNull()).isTrue();
        assertThat(node.get("checkpoint").asText()).isEqualTo("file:/savepoints/sp-1");
    }

    @Test
    void aFinishedJobCarriesFlinksTimesAndItsDuration() throws Exception {
        JsonNode node = written("FINISHED", "RUNNING", 2, START + 1_500, null, null);
        assertThat(node.get("terminal").asBoolean()).isTrue();
        assertThat(node.get("duration").asLong()).isEqualTo(1_500);
        assertThat(node.get("endTime").asText()).isEqualTo("2026-12-01T10:00:01.500Z");
    }

    @Test
    void aFailedJobsRootCauseIsSplitIntoClassAndMessage() throws Exception {
        JsonNode node = written("FAILED", "RUNNING", 3, START + 10,
                "java.lang.NumberFormatException: For input string: \"abc\"", null);
        assertThat(node.at("/failure/class").asText()).isEqualTo("java.lang.NumberFormatException");
        assertThat(node.at("/failure/message").asText()).isEqualTo("For input string: \"abc\"");

        JsonNode unnamed = written("FAILED", "RUNNING", 3, START + 10, "the job was lost", null);
        assertThat(unnamed.at("/failure/class").isNull()).isTrue();
        assertThat(unnamed.at("/failure/message").asText()).isEqualTo("the job was lost");
    }

    @Test
    void aJobThatCanNoLongerBeObservedSaysWhy() throws Exception {
        JsonNode node = written(StatusEvent.UNKNOWN, "RUNNING", 2, null, null, "its cluster no longer knows it");
        assertThat(node.get("terminal").asBoolean()).isTrue();
        assertThat(node.get("reason").asText()).isEqualTo("its cluster no longer knows it");
    }
}
