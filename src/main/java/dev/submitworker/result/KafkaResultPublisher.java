package dev.submitworker.result;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.kafka.core.KafkaTemplate;

/** Writes envelopes to the results topic, keyed by requestId, in the listener's Kafka transaction. */
public final class KafkaResultPublisher implements ResultPublisher {

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
        template.send(topic, envelope.requestId(), value);
    }
}
