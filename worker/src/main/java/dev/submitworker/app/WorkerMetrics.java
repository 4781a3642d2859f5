package dev.submitworker.app;

import dev.submitworker.core.Outcome;
import dev.submitworker.core.port.Telemetry;
import dev.submitworker.dinky.Envelopes;
import dev.submitworker.kafka.CommandConsumers;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.time.Duration;
import java.util.Collection;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;

/**
 * The worker's meters, all named {@code submit.worker.*} (Prometheus: {@code submit_worker_*}); docs/operations.md
 * lists them. Counts and times come from the core through {@link Telemetry}; gauges read what the consumers hold; each
 * Kafka client the consumers make binds its own metrics ({@code kafka.consumer.*}, {@code kafka.producer.*}).
 */
final class WorkerMetrics implements Telemetry, CommandConsumers.KafkaClientMetrics {

    static final String PREFIX = "submit.worker.";

    private final MeterRegistry registry;
    private final Map<Phase, Timer> latencies = new EnumMap<>(Phase.class);

    WorkerMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (Phase phase : Phase.values()) {
            latencies.put(phase, Timer.builder(PREFIX + "latency")
                    .description("How long each step takes: a compile, a submission to the cluster, a round's commit")
                    .tag("phase", phase.name().toLowerCase(Locale.ROOT))
                    .publishPercentileHistogram()
                    .register(registry));
        }
    }

    /** The gauges: parked requests per configured cluster entry, ledger entries, followed jobs. */
    static void bindGauges(MeterRegistry registry, CommandConsumers consumers, Collection<String> clusterEntries) {
        for (String cluster : clusterEntries) {
            Gauge.builder(PREFIX + "parked", consumers, c -> c.snapshot().parked().getOrDefault(cluster, 0))
                    .description("Requests waiting for another try because their cluster was unreachable")
                    .tag("cluster", cluster)
                    .register(registry);
        }
        Gauge.builder(PREFIX + "ledger.entries", consumers, CommandConsumers::ledgerEntries)
                .description("Entries of the ledger partitions this process holds (RocksDB's estimate for a store)")
                .register(registry);
        Gauge.builder(PREFIX + "jobs.followed", consumers, c -> c.snapshot().followed())
                .description("Submitted jobs followed to their end")
                .register(registry);
    }

    @Override
    public void answered(Outcome outcome, String cluster) {
        Counter.builder(PREFIX + "commands")
                .description("Requests answered for the first time, by outcome, Dinky code and cluster entry")
                .tag("outcome", name(outcome))
                .tag("code", Integer.toString(Envelopes.code(outcome)))
                .tag("cluster", cluster == null ? "none" : cluster)
                .register(registry).increment();
    }

    @Override
    public void duplicate() {
        Counter.builder(PREFIX + "duplicates")
                .description("Commands that repeated a request answered or under way, answered with its first answer")
                .register(registry).increment();
    }

    @Override
    public void deadLettered() {
        Counter.builder(PREFIX + "dead.letters").description("Records written to the dead-letter topic")
                .register(registry).increment();
    }

    @Override
    public void retry(String cluster) {
        Counter.builder(PREFIX + "retries")
                .description("Tries that found their cluster unreachable; the request waits for another")
                .tag("cluster", cluster)
                .register(registry).increment();
    }

    @Override
    public void statusEvent(String status) {
        Counter.builder(PREFIX + "status.events").description("Status events written for followed jobs, by status")
                .tag("status", status)
                .register(registry).increment();
    }

    @Override
    public void timed(Phase phase, Duration duration) {
        latencies.get(phase).record(duration);
    }

    @Override
    public AutoCloseable bind(AutoCloseable client) {
        KafkaClientMetrics metrics;
        if (client instanceof Consumer<?, ?> consumer) {
            // the kind as a tag: a consumer and its producer share a client.id, and both report kafka.app.info
            metrics = new KafkaClientMetrics(consumer, Tags.of("kafka.client", "consumer"));
        } else if (client instanceof Producer<?, ?> producer) {
            metrics = new KafkaClientMetrics(producer, Tags.of("kafka.client", "producer"));
        } else {
            throw new IllegalArgumentException("Not a Kafka consumer or producer: " + client.getClass());
        }
        metrics.bindTo(registry);
        return metrics::close;
    }

    /** Submitted, bad_command, gave_up, ...: the outcome's type in Prometheus' own style. */
    static String name(Outcome outcome) {
        return outcome.getClass().getSimpleName().replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
    }
}
