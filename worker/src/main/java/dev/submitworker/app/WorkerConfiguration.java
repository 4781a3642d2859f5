package dev.submitworker.app;

import dev.submitworker.catalog.DirectoryTaskCatalog;
import dev.submitworker.cluster.ClusterTimeouts;
import dev.submitworker.cluster.FlinkClusters;
import dev.submitworker.compile.FlinkJobCompiler;
import dev.submitworker.compile.JarJobBuilder;
import dev.submitworker.compile.SqlJobBuilder;
import dev.submitworker.compile.TaskCompiler;
import dev.submitworker.core.Engine;
import dev.submitworker.core.port.Clusters;
import dev.submitworker.core.port.JobCompiler;
import dev.submitworker.core.port.RetryPolicy;
import dev.submitworker.core.port.TaskCatalog;
import dev.submitworker.dinky.CommandReader;
import dev.submitworker.dinky.Envelopes;
import dev.submitworker.kafka.CommandConsumers;
import dev.submitworker.kafka.Topics;
import dev.submitworker.secrets.Redactor;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;
import org.springframework.util.backoff.BackOffExecution;
import org.springframework.util.backoff.ExponentialBackOff;

/** Wires the core (plain Java) to its adapters and to the configuration. */
@Configuration(proxyBeanMethods = false)
class WorkerConfiguration {

    private static final Logger log = LoggerFactory.getLogger(WorkerConfiguration.class);

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    TaskCatalog taskCatalog(WorkerProperties properties) {
        return DirectoryTaskCatalog.load(properties.catalog().dir());
    }

    @Bean(destroyMethod = "close")
    FlinkClusters clusters(WorkerProperties properties) {
        WorkerProperties.ClusterTimeouts timeouts = properties.clusterTimeouts();
        return new FlinkClusters(properties.clusters(), new ClusterTimeouts(timeouts.connect(), timeouts.request(),
                timeouts.submit()), properties.status().interval());
    }

    @Bean
    SqlJobBuilder sqlJobBuilder(WorkerProperties properties) {
        Path connectorsDir = properties.connectorsDir().toAbsolutePath().normalize();
        List<Path> connectors = SqlJobBuilder.connectorJars(connectorsDir);
        log.info("Connectors directory {}: {}", connectorsDir, connectors.isEmpty() ? "no jars"
                : connectors.stream().map(jar -> jar.getFileName().toString()).collect(Collectors.joining(", ")));
        SqlJobBuilder builder = new SqlJobBuilder(connectors);
        switch (properties.warmUp()) {
            case BEFORE_LISTENER -> warmUp(builder);
            case PARALLEL -> {
                Thread thread = new Thread(() -> warmUp(builder), "planner-warm-up");
                thread.setDaemon(true);
                thread.start();
            }
            case OFF -> log.info("Planner warm-up is off: the first command pays the planner's start-up");
        }
        return builder;
    }

    private static void warmUp(SqlJobBuilder builder) {
        long start = System.nanoTime();
        try {
            builder.warmUp();
            log.info("Planner warm-up took {} ms", (System.nanoTime() - start) / 1_000_000);
        } catch (RuntimeException e) {
            log.warn("Planner warm-up failed (the first command will be slower): {}", e.getMessage());
        }
    }

    @Bean
    JobCompiler jobCompiler(SqlJobBuilder sql, WorkerProperties properties) {
        return new FlinkJobCompiler(new TaskCompiler(sql, new JarJobBuilder(properties.jars().stagingDir()),
                properties.savepoints().dir()));
    }

    @Bean
    Redactor redactor(WorkerProperties properties) {
        return new Redactor(properties.redaction().secretKeys());
    }

    @Bean
    Envelopes envelopes(Redactor redactor) {
        return new Envelopes(redactor);
    }

    /** Spring's exponential backoff: the initial wait, doubling up to the maximum. */
    @Bean
    RetryPolicy retryPolicy(WorkerProperties properties) {
        WorkerProperties.Retry retry = properties.retry();
        ExponentialBackOff backOff = new ExponentialBackOff(retry.initialBackoff().toMillis(), 2.0);
        backOff.setMaxInterval(retry.maxBackoff().toMillis());
        return attempt -> {
            BackOffExecution execution = backOff.start();
            long delay = execution.nextBackOff();
            for (int i = 1; i < attempt; i++) {
                delay = execution.nextBackOff();
            }
            return Duration.ofMillis(delay);
        };
    }

    @Bean(destroyMethod = "shutdownNow")
    ExecutorService submissions(WorkerProperties properties) {
        AtomicInteger count = new AtomicInteger();
        return Executors.newFixedThreadPool(properties.submissions().threads(), runnable -> {
            Thread thread = new Thread(runnable, "submission-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    @Bean
    CommandConsumers commandConsumers(WorkerProperties properties, KafkaProperties kafka, TaskCatalog catalog,
                                      JobCompiler compiler, Clusters clusters, RetryPolicy retries,
                                      Envelopes envelopes, Redactor redactor, Clock clock,
                                      ExecutorService submissions, FatalFailures fatal, Environment environment,
                                      WorkerMetrics metrics) {
        WorkerProperties.Topics topics = properties.topics();
        CommandConsumers.Settings settings = new CommandConsumers.Settings(
                new Topics(topics.commands(), topics.results(), topics.deadLetter(), properties.ledger().topic(),
                        topics.status(),
                        topics.partitions(), Optional.ofNullable(topics.replicationFactor())),
                properties.consumers(), properties.instanceId(),
                new Engine.Settings(properties.batch().maxHold(), properties.retry().deadline(), 3,
                        properties.status().interval(), properties.status().lostAfter()),
                properties.shutdown().grace(), properties.ledger().retention(),
                new CommandConsumers.LedgerStore(properties.ledger().store().dir(),
                        properties.ledger().store().memory().toBytes(),
                        properties.ledger().store().type() == WorkerProperties.StoreType.HEAP,
                        !StringUtils.hasText(environment.getProperty("worker.instance-id"))),
                properties.replies().pattern(topics.results()));
        CommandConsumers.Services services = new CommandConsumers.Services(catalog, compiler, clusters, retries,
                envelopes, redactor, new CommandReader(properties.limits().toCommandLimits()), clock, submissions,
                metrics, metrics);
        log.info("Instance {}", properties.instanceId());
        return new CommandConsumers(settings, services, kafka.buildConsumerProperties(),
                kafka.buildProducerProperties(), fatal::stopProcess);
    }

    @Bean
    FatalFailures fatalFailures() {
        return new FatalFailures();
    }

    @Bean
    ConsumersLifecycle consumersLifecycle(CommandConsumers consumers, KafkaProperties kafka,
                                          WorkerProperties properties) {
        return new ConsumersLifecycle(consumers, kafka.buildAdminProperties(), properties.shutdown().grace());
    }
}
