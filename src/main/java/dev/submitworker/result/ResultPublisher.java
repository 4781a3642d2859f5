package dev.submitworker.result;

/** Where answers go. The Kafka implementation writes them to the results topic keyed by requestId. */
public interface ResultPublisher {

    /**
     * Publishes the envelope as part of the current transaction: it becomes visible, with the ledger entry and the
     * command's offset, when the transaction commits, and the commit fails if the write did.
     */
    void publish(ResultEnvelope envelope);
}
