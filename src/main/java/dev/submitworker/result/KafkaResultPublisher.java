package dev.submitworker.result;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.kafka.core.KafkaTemplate;

/** Writes envelopes to the results topic, keyed by requestId, and waits for the broker's acknowledgement. */
public final class KafkaResultPublisher implements ResultPublisher {

    private static final long SEND_TIMEOUT_SECONDS = 60;

    private final KafkaTemplate<String, byte[]> template;
    private final ObjectMapper json;
    private final String topic;

    public KafkaResultPublisher(KafkaTemplate<String, byte[]> template, ObjectMapper json, String topic) {
        this.template = template;
        this.json = json;
        this.topic = topic;
    }

    @Override
    public void publish(ResultEnvelope envelope) {
        byte[] value;
        try {
            value = json.writeValueAsBytes(envelope);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot serialise the envelope of request " + envelope.requestId(), e);
        }
        try {
            template.send(topic, envelope.requestId(), value).get(SEND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while publishing the answer to " + envelope.requestId(), e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Publishing the answer to " + envelope.requestId() + " on " + topic
                    + " failed: " + e.getMessage(), e);
        }
    }
}
