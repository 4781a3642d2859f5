package dev.submitworker.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** Where the worker's topics are and how to reach them: the options every subcommand shares. */
final class KafkaOptions {

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,HOST:PORT...]",
            defaultValue = "${env:BOOTSTRAP_SERVERS}",
            description = "The Kafka brokers (default: the BOOTSTRAP_SERVERS environment variable).")
    String bootstrapServers;

    @Option(names = "--command-config", paramLabel = "FILE",
            description = "A Kafka client properties file (SASL, SSL, any producer or consumer property), as Kafka's "
                    + "own tools take it.")
    Path commandConfig;

    @Option(names = "--commands-topic", paramLabel = "TOPIC",
            defaultValue = "${env:SUBMIT_WORKER_COMMANDS_TOPIC:-submit-worker.commands}",
            description = "The worker's commands topic (default: $SUBMIT_WORKER_COMMANDS_TOPIC, else submit-worker.commands).")
    String commandsTopic;

    @Option(names = "--results-topic", paramLabel = "TOPIC",
            defaultValue = "${env:SUBMIT_WORKER_RESULTS_TOPIC:-submit-worker.results}",
            description = "The worker's results topic (default: $SUBMIT_WORKER_RESULTS_TOPIC, else submit-worker.results).")
    String resultsTopic;

    @Option(names = "--status-topic", paramLabel = "TOPIC",
            defaultValue = "${env:SUBMIT_WORKER_STATUS_TOPIC:-submit-worker.status}",
            description = "The worker's status topic (default: $SUBMIT_WORKER_STATUS_TOPIC, else submit-worker.status).")
    String statusTopic;

    /** The client properties every client starts from: the file's, then the brokers. */
    private Map<String, Object> common(CommandLine.Model.CommandSpec spec) {
        Map<String, Object> config = new HashMap<>();
        if (commandConfig != null) {
            Properties file = new Properties();
            try (Reader reader = Files.newBufferedReader(commandConfig, StandardCharsets.UTF_8)) {
                file.load(reader);
            } catch (IOException e) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--command-config " + commandConfig + " cannot be read: " + e.getMessage());
            }
            file.stringPropertyNames().forEach(name -> config.put(name, file.getProperty(name)));
        }
        if (bootstrapServers != null && !bootstrapServers.isBlank()) {
            config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        }
        if (!config.containsKey(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG)) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "No brokers: give --bootstrap-servers, or set BOOTSTRAP_SERVERS");
        }
        config.putIfAbsent(CommonClientConfigs.CLIENT_ID_CONFIG, "submit-task");
        return config;
    }

    /** A producer of commands: every send acknowledged by all in-sync replicas, its blocking bounded. */
    KafkaProducer<String, String> producer(CommandLine.Model.CommandSpec spec, Duration maxBlock) {
        Map<String, Object> config = common(spec);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Math.max(1, maxBlock.toMillis()));
        return new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
    }

    /** A reader of the worker's answers and events: no group, committed records only, no topic created. */
    KafkaConsumer<String, String> consumer(CommandLine.Model.CommandSpec spec) {
        Map<String, Object> config = common(spec);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        return new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer());
    }

    /**
     * The partition of a topic that holds a requestId's records: the worker keys answers and events by requestId
     * and Kafka's default partitioner places them.
     */
    static TopicPartition partitionOf(KafkaConsumer<?, ?> consumer, String topic, String requestId, Duration bound) {
        List<PartitionInfo> partitions = consumer.partitionsFor(topic, bound);
        if (partitions == null || partitions.isEmpty()) {
            throw new MissingTopicException(topic);
        }
        return new TopicPartition(topic, BuiltInPartitioner.partitionForKey(
                requestId.getBytes(StandardCharsets.UTF_8), partitions.size()));
    }

    /** A topic of the worker that does not exist (yet): the worker creates its topics when it starts. */
    static final class MissingTopicException extends RuntimeException {
        MissingTopicException(String topic) {
            super("Topic '" + topic + "' does not exist: is the worker configured with it, and has it started?");
        }
    }
}
