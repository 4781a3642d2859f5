package dev.submitworker.ledger;

import java.util.Collection;
import java.util.List;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.springframework.kafka.listener.ConsumerAwareRebalanceListener;

/**
 * Keeps the ledger index in step with the commands partitions this worker owns. Restoring happens in the consumer's
 * rebalance callback, so no command of a partition is handled before its ledger entries are loaded.
 */
public final class LedgerRebalanceListener implements ConsumerAwareRebalanceListener {

    private final SubmissionLedger ledger;
    private final String commandsTopic;

    public LedgerRebalanceListener(SubmissionLedger ledger, String commandsTopic) {
        this.ledger = ledger;
        this.commandsTopic = commandsTopic;
    }

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        ledger.restore(commandPartitions(partitions));
    }

    @Override
    public void onPartitionsRevokedAfterCommit(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        ledger.forget(commandPartitions(partitions));
    }

    @Override
    public void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        ledger.forget(commandPartitions(partitions));
    }

    private List<Integer> commandPartitions(Collection<TopicPartition> partitions) {
        return partitions.stream().filter(tp -> tp.topic().equals(commandsTopic)).map(TopicPartition::partition)
                .toList();
    }
}
