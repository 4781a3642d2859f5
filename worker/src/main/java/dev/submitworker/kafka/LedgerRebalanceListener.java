package dev.submitworker.kafka;

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
    private final RetryLanes lanes;
    private final String commandsTopic;

    public LedgerRebalanceListener(SubmissionLedger ledger, RetryLanes lanes, String commandsTopic) {
        this.ledger = ledger;
        this.lanes = lanes;
        this.commandsTopic = commandsTopic;
    }

    /** Restores the partitions' entries, and puts the commands they left waiting for a cluster back in their lanes. */
    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        List<Integer> assigned = commandPartitions(partitions);
        ledger.restore(assigned);
        for (int partition : assigned) {
            ledger.parked(List.of(partition)).forEach(parked -> lanes.park(partition, parked));
        }
    }

    @Override
    public void onPartitionsRevokedAfterCommit(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        forget(partitions);
    }

    @Override
    public void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        forget(partitions);
    }

    private void forget(Collection<TopicPartition> partitions) {
        List<Integer> gone = commandPartitions(partitions);
        lanes.forget(gone);
        ledger.forget(gone);
    }

    private List<Integer> commandPartitions(Collection<TopicPartition> partitions) {
        return partitions.stream().filter(tp -> tp.topic().equals(commandsTopic)).map(TopicPartition::partition)
                .toList();
    }
}
