package dev.submitworker.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.submitworker.compile.JarJobBuilder;
import dev.submitworker.compile.SqlJobBuilder;
import dev.submitworker.compile.TaskCompiler;
import dev.submitworker.kafka.BatchAfterRollbackProcessor;
import dev.submitworker.kafka.CommandListener;
import dev.submitworker.dinky.CommandReader;
import dev.submitworker.kafka.DeadLetterHeaders;
import dev.submitworker.dinky.Envelopes;
import dev.submitworker.kafka.KafkaResultPublisher;
import dev.submitworker.secrets.Redactor;
import dev.submitworker.kafka.ResultPublisher;
import dev.submitworker.cluster.ClusterRegistry;
import dev.submitworker.submit.SubmissionService;
import dev.submitworker.catalog.DirectoryTaskCatalog;
import dev.submitworker.core.port.TaskCatalog;
import java.time.Clock;
import dev.submitworker.kafka.IdempotentSubmitter;
import dev.submitworker.kafka.KafkaSubmissionLedger;
import dev.submitworker.kafka.LedgerRebalanceListener;
import dev.submitworker.kafka.LedgerTopics;
import dev.submitworker.kafka.RetryLanes;
import dev.submitworker.kafka.SubmissionLedger;
import dev.submitworker.submit.SubmissionObserver;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.kafka.transaction.KafkaTransactionManager;
import org.springframework.transaction.support.AbstractPlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
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
    Redactor redactor(WorkerProperties properties) {
        return new Redactor(properties.redaction().secretKeys());
    }

    @Bean
    Envelopes envelopes(Clock clock, Redactor redactor) {
        return new Envelopes(clock, redactor);
    }

    @Bean
    TaskCompiler taskCompiler(SqlJobBuilder sql, WorkerProperties properties) {
        return new TaskCompiler(sql, new JarJobBuilder(properties.jars().stagingDir()), properties.savepoints().dir());
    }

    @Bean
    SubmissionService submissionService(TaskCatalog catalog, ClusterRegistry clusters, TaskCompiler compiler,
                                        Clock clock, ObjectProvider<SubmissionObserver> observer, Redactor redactor) {
        return new SubmissionService(catalog, clusters, compiler, clock,
                observer.getIfAvailable(() -> SubmissionObserver.NONE), redactor);
    }

    @Bean(destroyMethod = "close")
    Producer<String, byte[]> durableProducer(KafkaProperties kafka) {
        // Not transactional: a SUBMITTING entry must be durable before the job leaves, whatever the transaction does;
        // a duplicate's answer (the first one again) need not wait for the transaction to become visible.
        Map<String, Object> config = new HashMap<>(kafka.buildProducerProperties());
        config.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        // each write is awaited alone: lingering for a batch would only add latency
        config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        return new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
    }

    @Bean
    SubmissionLedger submissionLedger(KafkaProperties kafka, WorkerProperties properties,
                                      Producer<String, byte[]> durableProducer,
                                      KafkaTemplate<String, byte[]> template, Clock clock) {
        WorkerProperties.Topics topics = properties.topics();
        try (Admin admin = Admin.create(kafka.buildAdminProperties())) {
            LedgerTopics.provision(admin, topics.commands(), properties.ledger().topic(), topics.partitions(),
                    Optional.ofNullable(topics.replicationFactor()), properties.ledger().retention());
        }
        Map<String, Object> restore = new HashMap<>(kafka.buildConsumerProperties());
        restore.remove(ConsumerConfig.GROUP_ID_CONFIG);
        restore.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        restore.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        restore.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
        restore.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        restore.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return new KafkaSubmissionLedger(properties.ledger().topic(), durableProducer, template, restore,
                properties.ledger().retention(), clock);
    }

    /**
     * Boot's transaction manager, but with transaction synchronization on (Spring Kafka turns it off by default): the
     * ledger's in-memory index learns of a DONE entry only after its transaction has committed.
     */
    @Bean
    KafkaTransactionManager<?, ?> kafkaTransactionManager(ProducerFactory<?, ?> producerFactory) {
        // the wildcard types are the ones Boot's listener container configurer looks up
        KafkaTransactionManager<?, ?> manager = new KafkaTransactionManager<>(producerFactory);
        manager.setTransactionSynchronization(AbstractPlatformTransactionManager.SYNCHRONIZATION_ALWAYS);
        return manager;
    }

    @Bean(destroyMethod = "close")
    RetryLanes retryLanes(WorkerProperties properties, Clock clock) {
        WorkerProperties.Retry retry = properties.retry();
        return new RetryLanes(retry.deadline(), retry.initialBackoff(), retry.maxBackoff(), clock);
    }

    @Bean
    LedgerRebalanceListener ledgerRebalanceListener(SubmissionLedger ledger, RetryLanes lanes,
                                                    WorkerProperties properties) {
        return new LedgerRebalanceListener(ledger, lanes, properties.topics().commands());
    }

    /**
     * Retries run in transactions of the same manager as the listener's, not in KafkaTemplate's local ones: so a
     * retry's DONE reaches the ledger's index only if its transaction commits, as a listener's does.
     */
    @Bean
    IdempotentSubmitter idempotentSubmitter(SubmissionLedger ledger, SubmissionService submissions,
                                            Envelopes envelopes, RetryLanes lanes, ResultPublisher publisher,
                                            KafkaTransactionManager<?, ?> kafkaTransactionManager,
                                            WorkerProperties properties, Clock clock) {
        TransactionTemplate retryTransactions = new TransactionTemplate(kafkaTransactionManager);
        IdempotentSubmitter submitter = new IdempotentSubmitter(ledger, submissions, envelopes, lanes, publisher,
                work -> retryTransactions.executeWithoutResult(status -> work.run()), properties.retry().deadline(),
                clock);
        lanes.retryWith(submitter::retry);
        return submitter;
    }

    @Bean
    ResultPublisher resultPublisher(KafkaTemplate<String, byte[]> template, Producer<String, byte[]> durableProducer,
                                    WorkerProperties properties) {
        return new KafkaResultPublisher(template, durableProducer, new ObjectMapper(), properties.topics().results());
    }

    @Bean
    CommandListener commandListener(IdempotentSubmitter submitter, Envelopes envelopes, ResultPublisher publisher,
                                    DeadLetterPublishingRecoverer deadLetterRecoverer, Redactor redactor,
                                    WorkerProperties properties, Clock clock) {
        return new CommandListener(new CommandReader(properties.limits().toCommandLimits()), submitter, envelopes,
                publisher, deadLetterRecoverer, redactor, clock, properties.batch().maxHold());
    }

    /**
     * Writes dead letters: the original record, unchanged (so it can be replayed), with Spring Kafka's headers. The
     * exception headers are the worker's own ({@link DeadLetterHeaders}): redacted and bounded.
     */
    @Bean
    DeadLetterPublishingRecoverer deadLetterRecoverer(KafkaTemplate<String, byte[]> template,
                                                      WorkerProperties properties, Redactor redactor) {
        String deadLetterTopic = properties.topics().deadLetter();
        DeadLetterPublishingRecoverer recoverer = new DeadLetterPublishingRecoverer(template,
                (record, failure) -> new TopicPartition(deadLetterTopic, -1));
        recoverer.setExceptionHeadersCreator(new DeadLetterHeaders(redactor));
        return recoverer;
    }

    /**
     * Commands are handled in Kafka transactions; when one rolls back (an unexpected failure, e.g. the results topic
     * not reachable), the record to blame is retried twice, then dead-lettered, so the partition never stalls. The
     * recovered record's offset is committed in the same transaction as its dead letter. Records that are not usable
     * commands never get here: the listener dead-letters them itself.
     */
    @Bean
    BatchAfterRollbackProcessor<Object, Object> commandAfterRollbackProcessor(
            KafkaTemplate<String, byte[]> template, DeadLetterPublishingRecoverer deadLetterRecoverer) {
        return new BatchAfterRollbackProcessor<>(deadLetterRecoverer, new FixedBackOff(1000, 2), template);
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
