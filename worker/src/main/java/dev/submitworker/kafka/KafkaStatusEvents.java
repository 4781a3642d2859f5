package dev.submitworker.kafka;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.submitworker.core.StatusEvent;
import dev.submitworker.core.port.StatusEvents;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Status events on the compacted status topic, keyed by requestId (so the topic keeps each request's latest status),
 * in the consumer's unit of work. Schema: {@code schemas/job-status-event.schema.json}.
 */
final class KafkaStatusEvents implements StatusEvents {

    /** "com.acme.SomeException: what happened" — the root cause as the cluster reports it. */
    private static final Pattern FAILURE = Pattern.compile("(?s)([\\w$.]+(?:Exception|Error|Throwable)):\\s*(.*)");

    private final String topic;
    private final KafkaUnitOfWork unitOfWork;
    private final ObjectMapper json = new ObjectMapper();

    KafkaStatusEvents(String topic, KafkaUnitOfWork unitOfWork) {
        this.topic = topic;
        this.unitOfWork = unitOfWork;
    }

    @Override
    public void publish(StatusEvent event) {
        unitOfWork.write(new ProducerRecord<>(topic, event.requestId().value().getBytes(StandardCharsets.UTF_8),
                serialize(event)));
    }

    byte[] serialize(StatusEvent event) {
        ObjectNode node = json.createObjectNode()
                .put("requestId", event.requestId().value())
                .put("taskId", event.taskId())
                .put("jobId", event.jobId())
                .put("cluster", event.cluster())
                .put("clusterId", event.clusterId())
                .put("status", event.status())
                .put("previousStatus", event.previousStatus())
                .put("sequence", event.sequence())
                .put("terminal", event.terminal())
                .put("observedAt", event.observedAt().toString())
                .put("startTime", instant(event.startTime()))
                .put("endTime", instant(event.endTime()));
        if (event.startTime() != null && event.endTime() != null) {
            node.put("duration", event.endTime() - event.startTime());
        } else {
            node.putNull("duration");
        }
        if (event.failure() == null) {
            node.putNull("failure");
        } else {
            Matcher failure = FAILURE.matcher(event.failure());
            boolean named = failure.matches();
            node.putObject("failure")
                    .put("class", named ? failure.group(1) : null)
                    .put("message", named ? failure.group(2) : event.failure());
        }
        node.put("checkpoint", event.checkpoint()).put("reason", event.reason());
        try {
            return json.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot serialise the status event of " + event.requestId(), e);
        }
    }

    private static String instant(Long epochMillis) {
        return epochMillis == null ? null : Instant.ofEpochMilli(epochMillis).toString();
    }
}
