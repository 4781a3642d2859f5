package dev.submitworker.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.internals.AutoOffsetResetStrategy;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.kafka.listener.ContainerProperties.EOSMode;
import org.springframework.kafka.listener.ListenerExecutionFailedException;
import org.springframework.util.backoff.FixedBackOff;

/** Which record of a rolled-back batch is retried and finally dead-lettered; pure logic over the consumer's seeks. */
class BatchAfterRollbackProcessorTest {

    private static final TopicPartition PARTITION = new TopicPartition("commands", 0);

    private final List<ConsumerRecord<?, ?>> deadLettered = new ArrayList<>();
    @SuppressWarnings("unchecked")
    private final KafkaOperations<Object, Object> transactions = mock(KafkaOperations.class);
    private final MockConsumer<String, String> consumer = new MockConsumer<>(AutoOffsetResetStrategy.EARLIEST.name());
    private final BatchAfterRollbackProcessor<String, String> processor = new BatchAfterRollbackProcessor<>(
            (record, ignored, failure) -> deadLettered.add(record), new FixedBackOff(0, 2), transactions);
    private final List<ConsumerRecord<String, String>> batch = List.of(record(5), record(6), record(7));

    BatchAfterRollbackProcessorTest() {
        consumer.assign(List.of(PARTITION));
        when(transactions.isTransactional()).thenReturn(true);
    }

    @Test
    void theFirstRecordIsRetriedTwiceThenDeadLetteredWithItsOffsetCommitted() {
        for (int attempt = 0; attempt < 2; attempt++) {
            processor.process(batch, consumer, null, failedAt(0), false, EOSMode.V2);
            assertThat(deadLettered).isEmpty();
            assertThat(consumer.position(PARTITION)).isEqualTo(5); // the whole batch comes again
        }
        processor.process(batch, consumer, null, failedAt(0), false, EOSMode.V2);

        assertThat(deadLettered).containsExactly(batch.get(0));
        assertThat(consumer.position(PARTITION)).isEqualTo(6);
        verify(transactions).sendOffsetsToTransaction(Map.of(PARTITION, new OffsetAndMetadata(6)),
                consumer.groupMetadata());
    }

    @Test
    void aFailureOfALaterRecordOnlySeeksBackAndBlamesNobody() {
        for (int attempt = 0; attempt < 5; attempt++) {
            processor.process(batch, consumer, null, failedAt(1), false, EOSMode.V2);
            assertThat(consumer.position(PARTITION)).isEqualTo(5);
        }

        assertThat(deadLettered).isEmpty();
        verify(transactions, never()).sendOffsetsToTransaction(any(), any(ConsumerGroupMetadata.class));
    }

    private static ListenerExecutionFailedException failedAt(int index) {
        // as the container hands it over: the listener's exception wrapped by the adapter
        return new ListenerExecutionFailedException("listener failed",
                new BatchListenerFailedException("Handling failed", new IllegalStateException("boom"), index));
    }

    private static ConsumerRecord<String, String> record(long offset) {
        return new ConsumerRecord<>(PARTITION.topic(), PARTITION.partition(), offset, "key-" + offset, "value");
    }
}
