package dev.submitworker;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.submitworker.build.SqlJobBuilder;
import dev.submitworker.command.CommandListener;
import dev.submitworker.command.CommandReader;
import dev.submitworker.command.MalformedCommandException;
import dev.submitworker.result.Envelopes;
import dev.submitworker.result.KafkaResultPublisher;
import dev.submitworker.result.Redactor;
import dev.submitworker.result.ResultPublisher;
import dev.submitworker.submit.ClusterRegistry;
import dev.submitworker.submit.SubmissionService;
import dev.submitworker.task.DirectoryTaskCatalog;
import dev.submitworker.task.TaskCatalog;
import java.time.Clock;
import java.util.Optional;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.util.backoff.FixedBackOff;

/** Wires the domain core (plain Java) to Spring Kafka and the configuration. */
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
    ClusterRegistry clusterRegistry(WorkerProperties properties) {
        return new ClusterRegistry(properties.clusters());
    }

    @Bean
    SqlJobBuilder sqlJobBuilder(WorkerProperties properties) {
        SqlJobBuilder builder = new SqlJobBuilder();
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
    Redactor redactor() {
        return Redactor.withDefaults();
    }

    @Bean
    Envelopes envelopes(Clock clock, Redactor redactor) {
        return new Envelopes(clock, redactor);
    }

    @Bean
    SubmissionService submissionService(TaskCatalog catalog, ClusterRegistry clusters, SqlJobBuilder builder,
                                        Clock clock) {
        return new SubmissionService(catalog, clusters, builder, clock);
    }

    @Bean
    ResultPublisher resultPublisher(KafkaTemplate<String, byte[]> template, WorkerProperties properties) {
        return new KafkaResultPublisher(template, new ObjectMapper(), properties.topics().results());
    }

    @Bean
    CommandListener commandListener(SubmissionService submissions, Envelopes envelopes, ResultPublisher publisher,
                                    Clock clock) {
        return new CommandListener(new CommandReader(), submissions, envelopes, publisher, clock);
    }

    /**
     * Records that cannot be answered go to the dead-letter topic at once; other failures (the results topic not
     * reachable) are retried twice before the record is dead-lettered, so the partition never stalls.
     */
    @Bean
    DefaultErrorHandler commandErrorHandler(KafkaTemplate<String, byte[]> template, WorkerProperties properties) {
        String deadLetterTopic = properties.topics().deadLetter();
        DeadLetterPublishingRecoverer recoverer = new DeadLetterPublishingRecoverer(template,
                (record, failure) -> new TopicPartition(deadLetterTopic, -1));
        DefaultErrorHandler handler = new DefaultErrorHandler(recoverer, new FixedBackOff(1000, 2));
        handler.addNotRetryableExceptions(MalformedCommandException.class);
        return handler;
    }

    @Bean
    NewTopic commandsTopic(WorkerProperties properties) {
        return topic(properties.topics().commands(), properties.topics());
    }

    @Bean
    NewTopic resultsTopic(WorkerProperties properties) {
        return topic(properties.topics().results(), properties.topics());
    }

    @Bean
    NewTopic deadLetterTopic(WorkerProperties properties) {
        return topic(properties.topics().deadLetter(), properties.topics());
    }

    private static NewTopic topic(String name, WorkerProperties.Topics topics) {
        return new NewTopic(name, Optional.of(topics.partitions()), Optional.ofNullable(topics.replicationFactor()));
    }
}
