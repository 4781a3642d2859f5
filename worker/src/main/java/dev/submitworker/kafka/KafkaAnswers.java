package dev.submitworker.kafka;

import dev.submitworker.core.Answer;
import dev.submitworker.core.RequestId;
import dev.submitworker.core.StoredAnswer;
import dev.submitworker.core.port.Answers;
import dev.submitworker.dinky.Envelopes;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Answers as Dinky envelopes on the results topic, keyed by requestId, in the consumer's unit of work. */
final class KafkaAnswers implements Answers {

    private final String topic;
    private final Envelopes envelopes;
    private final KafkaUnitOfWork unitOfWork;

    KafkaAnswers(String topic, Envelopes envelopes, KafkaUnitOfWork unitOfWork) {
        this.topic = topic;
        this.envelopes = envelopes;
        this.unitOfWork = unitOfWork;
    }

    @Override
    public StoredAnswer publish(Answer answer) {
        byte[] envelope = envelopes.serialize(envelopes.envelope(answer));
        unitOfWork.write(new ProducerRecord<>(topic, key(answer.requestId().value()), envelope));
        return new StoredAnswer(envelope);
    }

    @Override
    public void repeat(RequestId requestId, StoredAnswer first) {
        unitOfWork.write(new ProducerRecord<>(topic, key(requestId.value()), Envelopes.asDuplicate(first.content())));
    }

    private static byte[] key(String requestId) {
        return requestId.getBytes(StandardCharsets.UTF_8);
    }
}
