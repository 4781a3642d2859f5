package dev.submitworker.testing;

import java.util.Map;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/** A single-node KRaft broker for the tests, configured so that Kafka transactions work on one node. */
public final class TestBroker {

    /** Defaults expect three brokers for the transaction and offsets logs; the cleaner runs often for the ledger. */
    private static final Map<String, String> SINGLE_NODE = Map.of(
            "transaction.state.log.replication.factor", "1",
            "transaction.state.log.min.isr", "1",
            "offsets.topic.replication.factor", "1",
            "log.cleaner.backoff.ms", "1000");

    private TestBroker() {}

    /** Started, with four partitions for the topics it creates by itself. */
    public static EmbeddedKafkaKraftBroker start() {
        EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, 4);
        broker.brokerProperties(SINGLE_NODE);
        broker.afterPropertiesSet();
        return broker;
    }
}
