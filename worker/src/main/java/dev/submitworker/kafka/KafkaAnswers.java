package dev.submitworker.kafka;

import dev.submitworker.core.Answer;
import dev.submitworker.core.ReplyAddress;
import dev.submitworker.core.RequestId;
import dev.submitworker.core.StoredAnswer;
import dev.submitworker.core.port.Answers;
import dev.submitworker.dinky.Envelopes;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.springframework.kafka.support.KafkaHeaders;

/**
 * Answers as Dinky envelopes on the results topic, keyed by requestId, in the consumer's unit of work; replies, the
 * same envelopes, on the reply topic a command named, with its correlation id ({@code kafka_correlationId}).
 */
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

    @Override
    public void reply(ReplyAddress to, RequestId requestId, StoredAnswer answer, boolean duplicate) {
        RecordHeaders headers = new RecordHeaders();
        if (to.correlation() != null) {
            headers.add(KafkaHeaders.CORRELATION_ID, to.correlation());
        }
        byte[] content = duplicate ? Envelopes.asDuplicate(answer.content()) : answer.content();
        unitOfWork.write(new ProducerRecord<>(to.destination(), to.partition(), key(requestId.value()), content,
                headers));
    }

    private static byte[] key(String requestId) {
        return requestId.getBytes(StandardCharsets.UTF_8);
    }
}
