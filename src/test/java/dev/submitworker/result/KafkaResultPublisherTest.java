package dev.submitworker.result;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verifyNoInteractions;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
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
            new Redactor(java.util.List.of())).toEnvelope(SubmissionReport.failure("req-1", 7, Instant.EPOCH, 1, "msg", "error"))
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
