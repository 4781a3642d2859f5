package dev.submitworker.kafka;

import java.util.List;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.core.log.LogAccessor;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.kafka.listener.ConsumerAwareRecordRecoverer;
import org.springframework.kafka.listener.ContainerProperties.EOSMode;
import org.springframework.kafka.listener.DefaultAfterRollbackProcessor;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.kafka.listener.SeekUtils;
import org.springframework.util.backoff.BackOff;

/**
 * What happens to a batch of commands whose transaction rolled back. Spring Kafka retries a failed batch as a whole
 * and never recovers a record of it (a batch has no record to blame), so one record that always fails would stall its
 * partition. {@link CommandListener} makes the failing record the first of its batch before it lets a batch fail; so
 * here the first record is the one to blame, exactly as for a record listener: it is retried per the back-off, then
 * dead-lettered, with its offset committed in the same transaction as its dead letter. A failure that names a later
 * record only seeks back: the listener then commits the records before it, and that record comes first.
 */
public final class BatchAfterRollbackProcessor<K, V> extends DefaultAfterRollbackProcessor<K, V> {

    private static final LogAccessor LOG = new LogAccessor(BatchAfterRollbackProcessor.class);

    public BatchAfterRollbackProcessor(ConsumerAwareRecordRecoverer recoverer, BackOff backOff,
                                       KafkaOperations<?, ?> transactions) {
        super(recoverer, backOff, transactions, true);
    }

    @Override
    public void process(List<ConsumerRecord<K, V>> records, Consumer<K, V> consumer,
                        MessageListenerContainer container, Exception exception, boolean recoverable,
                        EOSMode eosMode) {
        BatchListenerFailedException failed = failedRecord(exception);
        if (failed != null && failed.getIndex() > 0) {
            SeekUtils.doSeeks(List.copyOf(records), consumer, exception, false, (record, e) -> false, LOG);
            return;
        }
        super.process(records, consumer, container, exception, true, eosMode);
    }

    private static BatchListenerFailedException failedRecord(Throwable exception) {
        for (Throwable t = exception; t != null; t = t.getCause()) {
            if (t instanceof BatchListenerFailedException failed) {
                return failed;
            }
        }
        return null;
    }
}
