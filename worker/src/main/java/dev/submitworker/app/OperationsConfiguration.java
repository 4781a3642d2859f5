package dev.submitworker.app;

import dev.submitworker.cluster.ClusterProperties;
import dev.submitworker.cluster.FlinkClusters;
import dev.submitworker.kafka.CommandConsumers;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.runtime.util.EnvironmentInformation;
import org.springframework.boot.actuate.info.InfoContributor;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * What an operator sees of a running worker over HTTP (docs/operations.md): the {@code consumers} health component,
 * which the readiness group includes; one {@code clusters} component per cluster entry, shown but in no probe group;
 * Flink's version in {@code /actuator/info}; the worker's meters.
 */
@Configuration(proxyBeanMethods = false)
class OperationsConfiguration {

    @Bean
    WorkerMetrics workerMetrics(MeterRegistry registry) {
        return new WorkerMetrics(registry);
    }

    /** Bound once the consumers exist; they start later, and read as empty until then. */
    @Bean
    MeterBinder workerGauges(CommandConsumers consumers, WorkerProperties properties) {
        return registry -> WorkerMetrics.bindGauges(registry, consumers,
                FlinkClusters.withDefault(properties.clusters()).keySet());
    }

    /**
     * UP once the topics were checked, every consumer has been given its partitions and restored their ledgers, and
     * none has stopped; DOWN before, and after a consumer stopped.
     */
    @Bean
    HealthIndicator consumersHealthIndicator(CommandConsumers consumers) {
        return () -> (consumers.serving() ? Health.up() : Health.down())
                .withDetail("ledgerEntries", consumers.ledgerEntries()).build();
    }

    /**
     * One component per cluster entry: DOWN when the last try of a request found it unreachable, UP when it was
     * reachable, UNKNOWN until a request tries it; with the requests parked for it (the retry lane's depth).
     */
    @Bean
    CompositeHealthContributor clustersHealthContributor(CommandConsumers consumers, WorkerProperties properties) {
        Map<String, ClusterProperties> clusters = FlinkClusters.withDefault(properties.clusters());
        Map<String, HealthIndicator> entries = new LinkedHashMap<>();
        clusters.keySet().stream().sorted().forEach(name -> entries.put(name, () -> {
            var snapshot = consumers.snapshot();
            Boolean reachable = snapshot.reachable().get(name);
            Health.Builder health = reachable == null ? Health.unknown() : reachable ? Health.up() : Health.down();
            return health.withDetail("type", clusters.get(name).type().toString())
                    .withDetail("parked", snapshot.parked().getOrDefault(name, 0)).build();
        }));
        return CompositeHealthContributor.fromMap(entries);
    }

    @Bean
    InfoContributor flinkInfoContributor() {
        return builder -> builder.withDetail("flink", Map.of("version", EnvironmentInformation.getVersion()));
    }
}
