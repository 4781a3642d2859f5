package dev.submitworker.kafka;

import dev.submitworker.dinky.ResultEnvelope;

/** Where answers go. The Kafka implementation writes them to the results topic keyed by requestId. */
public interface ResultPublisher {

    /**
     * Publishes the envelope as part of the current transaction: it becomes visible, with the ledger entry and the
     * command's offset, when the transaction commits, and the commit fails if the write did.
     */
    void publish(ResultEnvelope envelope);

    /**
     * Publishes an answer given and committed before (a duplicate's) at once, outside the transaction, so that it
     * does not wait for the commit. The current transaction cannot commit until the write is acknowledged: an offset
     * is never committed without its answer. If the transaction does not commit, the command is answered again, with
     * the same answer. When the current transaction already carries an answer for the same request (its first answer,
     * or a refusal of a conflicting command), this one goes with the transaction instead: answers to one request
     * keep the order of its commands, and nothing is seen of a transaction that rolls back.
     */
    void publishAgain(ResultEnvelope envelope);
}
