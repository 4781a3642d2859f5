package dev.submitworker.kafka;

import dev.submitworker.core.port.UnitOfWork;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TransactionAbortedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Kafka transaction per unit of work. Writes are kept until the commit and then sent in one short transaction
 * with the consumer's positions and group metadata ({@code sendOffsetsToTransaction}): a consumer whose group
 * generation has moved on (it froze, its session expired, its partitions went to another member) fails that call, so
 * its answers and ledger entries are aborted and never seen by read-committed readers. The transaction is open only
 * while it is sent, milliseconds, whatever the round waited for before; so it never outlives
 * {@code transaction.timeout.ms}.
 */
final class KafkaUnitOfWork implements UnitOfWork {

    private static final Logger log = LoggerFactory.getLogger(KafkaUnitOfWork.class);

    private record Write(ProducerRecord<byte[], byte[]> record, Object cause, Consumer<RecordMetadata> afterCommit) {}

    private final Supplier<Producer<byte[], byte[]>> producer;
    private final Supplier<Map<TopicPartition, OffsetAndMetadata>> positions;
    private final Supplier<ConsumerGroupMetadata> groupMetadata;
    private final Runnable producerBroken;
    private final List<Write> writes = new ArrayList<>();
    private final List<Runnable> onEnd = new ArrayList<>();
    private Object cause;
    private Map<TopicPartition, OffsetAndMetadata> committed = Map.of();

    /**
     * @param positions      the positions of the partitions to commit, read when the transaction is sent
     * @param producerBroken called when the producer can no longer be used (fenced): it is replaced
     */
    KafkaUnitOfWork(Supplier<Producer<byte[], byte[]>> producer,
                    Supplier<Map<TopicPartition, OffsetAndMetadata>> positions,
                    Supplier<ConsumerGroupMetadata> groupMetadata, Runnable producerBroken) {
        this.producer = producer;
        this.positions = positions;
        this.groupMetadata = groupMetadata;
        this.producerBroken = producerBroken;
    }

    void write(ProducerRecord<byte[], byte[]> record) {
        write(record, null);
    }

    /** @param afterCommit gets the record's position once it is committed (an index learns of it then), or null */
    void write(ProducerRecord<byte[], byte[]> record, Consumer<RecordMetadata> afterCommit) {
        writes.add(new Write(record, cause, afterCommit));
    }

    /** Runs at the end of every unit of work, committed or not. */
    void onEnd(Runnable action) {
        onEnd.add(action);
    }

    @Override
    public void attribute(Object cause) {
        this.cause = cause;
    }

    @Override
    public boolean commit() {
        try {
            Map<TopicPartition, OffsetAndMetadata> offsets = positions.get();
            if (writes.isEmpty() && offsets.equals(committed)) {
                return false; // nothing new: no transaction
            }
            List<Future<RecordMetadata>> sent = send(offsets);
            committed = offsets;
            for (int i = 0; i < writes.size(); i++) {
                if (writes.get(i).afterCommit() != null) {
                    writes.get(i).afterCommit().accept(done(sent.get(i)));
                }
            }
            return true;
        } finally {
            writes.clear();
            cause = null;
            onEnd.forEach(Runnable::run);
        }
    }

    private List<Future<RecordMetadata>> send(Map<TopicPartition, OffsetAndMetadata> offsets) {
        Producer<byte[], byte[]> kafka = producer.get();
        List<Future<RecordMetadata>> sent = new ArrayList<>(writes.size());
        try {
            kafka.beginTransaction();
            for (Write write : writes) {
                sent.add(kafka.send(write.record()));
            }
            if (!offsets.isEmpty()) {
                kafka.sendOffsetsToTransaction(offsets, groupMetadata.get());
            }
            kafka.commitTransaction();
            return sent;
        } catch (ProducerFencedException e) {
            // another producer with this transactional id took over: this one is done for
            producerBroken.run();
            throw new CommitFailedException("The transaction was fenced: " + e.getMessage(), e, null);
        } catch (RuntimeException e) {
            abortQuietly(kafka, e);
            throw new CommitFailedException("The transaction failed: " + e, e, blame(sent, e));
        }
    }

    /** A committed write's metadata (its future is done once the transaction has committed). */
    private static RecordMetadata done(Future<RecordMetadata> sent) {
        try {
            return sent.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("A committed write failed", e.getCause());
        }
    }

    /**
     * The cause of the first write Kafka refused for itself (too large, invalid), or none: Kafka was at fault. A write
     * that failed with the transaction's own failure (the group refused its offsets: the consumer was fenced) or
     * because the transaction aborted was not refused for itself.
     */
    private Object blame(List<Future<RecordMetadata>> sent, RuntimeException failure) {
        Map<Integer, Throwable> refused = new HashMap<>();
        for (int i = 0; i < sent.size(); i++) {
            Future<RecordMetadata> future = sent.get(i);
            if (future.isDone()) {
                try {
                    future.get();
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (!(cause instanceof RetriableException || cause instanceof TransactionAbortedException
                            || cause == failure)) {
                        refused.put(i, cause);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        return refused.keySet().stream().min(Integer::compare).map(i -> writes.get(i).cause()).orElse(null);
    }

    private void abortQuietly(Producer<byte[], byte[]> kafka, RuntimeException failure) {
        try {
            kafka.abortTransaction();
        } catch (RuntimeException e) {
            log.warn("Aborting the transaction failed too ({}); the producer is replaced", e.toString());
            failure.addSuppressed(e);
            producerBroken.run();
        }
    }

    @Override
    public void abort() {
        writes.clear();
        cause = null;
        onEnd.forEach(Runnable::run);
    }
}
