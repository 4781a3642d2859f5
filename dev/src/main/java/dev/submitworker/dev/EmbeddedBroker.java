package dev.submitworker.dev;

import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/** A single-node KRaft broker in this JVM, configured so that Kafka transactions work on one node. */
public final class EmbeddedBroker {

    private EmbeddedBroker() {}

    /** Not started yet: call {@code afterPropertiesSet()}. */
    public static EmbeddedKafkaKraftBroker create() {
        EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, 4);
        // Defaults expect three brokers for the transaction log; with one, transactions would never start.
        broker.brokerProperty("transaction.state.log.replication.factor", "1");
        broker.brokerProperty("transaction.state.log.min.isr", "1");
        broker.brokerProperty("offsets.topic.replication.factor", "1");
        // Let the test and demo ledger compact quickly; production brokers keep their own settings.
        broker.brokerProperty("log.cleaner.backoff.ms", "1000");
        return broker;
    }
}
