package dev.submitworker.kafka;

import dev.submitworker.dinky.Envelopes;
import dev.submitworker.dinky.ResultEnvelope;
import dev.submitworker.dinky.SubmissionReport;
import dev.submitworker.secrets.Redactor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionSynchronizationUtils;

/**
 * A repeated answer goes out at once, outside the transaction, and the transaction cannot commit before it is
 * acknowledged: pure logic over Kafka's MockProducer (the transaction is Spring's synchronization, driven by hand).
 */
class KafkaResultPublisherTest {

    private final MockProducer<String, byte[]> immediate = new MockProducer<>(false, null, new StringSerializer(),
            new ByteArraySerializer());
    @SuppressWarnings("unchecked")
    private final KafkaTemplate<String, byte[]> transactional = mock(KafkaTemplate.class);
    private final KafkaResultPublisher publisher = new KafkaResultPublisher(transactional, immediate,
            new ObjectMapper(), "results");
    private final ResultEnvelope duplicate = new Envelopes(Clock.fixed(Instant.EPOCH, ZoneOffset.UTC),
            new Redactor(List.of())).toEnvelope(SubmissionReport.failure("req-1", 7, Instant.EPOCH, 1, "msg", "error"))
            .asDuplicate();

    @BeforeEach
    void openTransaction() {
        TransactionSynchronizationManager.initSynchronization();
    }

    @AfterEach
    void closeTransaction() {
        TransactionSynchronizationManager.clearSynchronization();
    }

    @Test
    void aRepeatedAnswerIsSentAtOnceOutsideTheTransaction() {
        publisher.publishAgain(duplicate);

        assertThat(immediate.history()).singleElement().satisfies(record -> {
            assertThat(record.topic()).isEqualTo("results");
            assertThat(record.key()).isEqualTo("req-1");
            assertThat(new String(record.value())).contains("\"duplicate\":true");
        });
        verifyNoInteractions(transactional);
    }

    @Test
    void aRepeatedAnswerDoesNotOvertakeAnAnswerOfTheSameRequestInTheTransaction() {
        ResultEnvelope refusal = new Envelopes(Clock.fixed(Instant.EPOCH, ZoneOffset.UTC), new Redactor(List.of()))
                .toEnvelope(SubmissionReport.failure("req-1", 8, Instant.EPOCH, 6, "conflict", "conflict"));
        publisher.publish(refusal);
        publisher.publishAgain(duplicate);

        assertThat(immediate.history()).isEmpty();
        verify(transactional, times(2)).send(eq("results"), eq("req-1"), any(byte[].class));
    }

    @Test
    void theTransactionCannotCommitWhileTheRepeatedAnswerIsUnacknowledgedOrFailed() {
        publisher.publishAgain(duplicate);
        immediate.errorNext(new KafkaException("broker gone"));

        assertThatThrownBy(() -> TransactionSynchronizationUtils.triggerBeforeCommit(false))
                .hasMessageContaining("broker gone");
    }

    @Test
    void anAcknowledgedRepeatedAnswerLetsTheTransactionCommit() {
        publisher.publishAgain(duplicate);
        immediate.completeNext();

        assertThatCode(() -> TransactionSynchronizationUtils.triggerBeforeCommit(false)).doesNotThrowAnyException();
    }
}
