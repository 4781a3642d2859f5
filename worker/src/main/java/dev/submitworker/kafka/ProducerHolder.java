package dev.submitworker.kafka;

import java.time.Duration;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.clients.producer.Producer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A consumer's transactional producer, made when first needed and made again when it can no longer be used (fenced
 * by a newer instance with the same transactional id, or broken by a failed abort). {@code initTransactions} aborts
 * whatever a predecessor with the same transactional id left open, so a restarted instance does not wait for it.
 */
final class ProducerHolder implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ProducerHolder.class);

    private final Map<String, Object> config;
    private final Function<Map<String, Object>, Producer<byte[], byte[]>> factory;
    private final CommandConsumers.KafkaClientMetrics metrics;
    private Producer<byte[], byte[]> producer;
    private AutoCloseable producerMetrics;

    ProducerHolder(Map<String, Object> config, Function<Map<String, Object>, Producer<byte[], byte[]>> factory,
                   CommandConsumers.KafkaClientMetrics metrics) {
        this.config = Map.copyOf(config);
        this.factory = factory;
        this.metrics = metrics;
    }

    Producer<byte[], byte[]> get() {
        if (producer == null) {
            Producer<byte[], byte[]> made = factory.apply(config);
            try {
                made.initTransactions();
            } catch (RuntimeException e) {
                made.close(Duration.ZERO);
                throw e;
            }
            producer = made;
            producerMetrics = metrics.bind(made);
        }
        return producer;
    }

    void broken() {
        log.warn("The transactional producer is replaced");
        close();
    }

    @Override
    public void close() {
        if (producer != null) {
            try {
                producer.close(Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                log.debug("Closing the producer failed", e);
            }
            producer = null;
            closeQuietly(producerMetrics);
            producerMetrics = null;
        }
    }

    static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            log.debug("Closing {} failed", closeable, e);
        }
    }
}
