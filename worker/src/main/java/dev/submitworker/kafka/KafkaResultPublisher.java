package dev.submitworker.kafka;

import dev.submitworker.dinky.ResultEnvelope;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Writes envelopes to the results topic, keyed by requestId: answers in the current Kafka transaction, repeated ones
 * (duplicates) at once through a plain idempotent producer, awaited before the transaction commits.
 */
public final class KafkaResultPublisher implements ResultPublisher {

    private static final long WRITE_TIMEOUT_SECONDS = 30;

    private final KafkaTemplate<String, byte[]> transactional;
    private final Producer<String, byte[]> immediate;
    private final ObjectMapper json;
    private final String topic;
    private final ThreadLocal<TransactionAnswers> current = new ThreadLocal<>();

    public KafkaResultPublisher(KafkaTemplate<String, byte[]> transactional, Producer<String, byte[]> immediate,
                                ObjectMapper json, String topic) {
        this.transactional = transactional;
        this.immediate = immediate;
        this.json = json;
        this.topic = topic;
    }

    @Override
    public void publish(ResultEnvelope envelope) {
        transactionAnswers().inTransaction.add(envelope.requestId());
        transactional.send(topic, envelope.requestId(), serialize(envelope));
    }

    @Override
    public void publishAgain(ResultEnvelope envelope) {
        TransactionAnswers answers = transactionAnswers();
        if (answers.inTransaction.contains(envelope.requestId())) {
            // written after an answer this transaction carries for the same request, it must not overtake it
            publish(envelope);
            return;
        }
        answers.unacknowledged.add(immediate.send(new ProducerRecord<>(topic, envelope.requestId(),
                serialize(envelope))));
    }

    private TransactionAnswers transactionAnswers() {
        TransactionAnswers answers = current.get();
        if (answers == null) {
            answers = new TransactionAnswers();
            TransactionSynchronizationManager.registerSynchronization(answers); // refused outside a transaction
            current.set(answers);
        }
        return answers;
    }

    /**
     * The current thread's transaction: the requests it answers, and the repeated answers written outside it, which
     * it must see acknowledged before it commits. A failed write fails the commit, so the commands' offsets stay
     * uncommitted and they are answered again.
     */
    private final class TransactionAnswers implements TransactionSynchronization {

        private final Set<String> inTransaction = new HashSet<>();
        private final List<Future<RecordMetadata>> unacknowledged = new ArrayList<>();

        @Override
        public void beforeCommit(boolean readOnly) {
            unacknowledged.forEach(KafkaResultPublisher::await);
        }

        @Override
        public void afterCompletion(int status) {
            current.remove();
        }
    }

    private static void await(Future<RecordMetadata> sent) {
        try {
            sent.get(WRITE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while writing an answer", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Writing an answer to the results topic failed: " + e.getMessage(), e);
        }
    }

    private byte[] serialize(ResultEnvelope envelope) {
        try {
            return json.writeValueAsBytes(envelope);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot serialise the envelope of request " + envelope.requestId(), e);
        }
    }
}
