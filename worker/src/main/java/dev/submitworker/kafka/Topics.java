package dev.submitworker.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's topics, created when missing and checked when present, before the worker consumes anything. The
 * ledger must have exactly as many partitions as the commands topic (entries of commands partition p live in ledger
 * partition p) and must be compacted; anything else is a start-up error, not something to discover later as a lost
 * duplicate. The status topic is compacted too (each request's latest status stays), with the ledger's retention.
 *
 * @param partitions        partitions of the topics it creates (the commands topic's decides the ledger's)
 * @param replicationFactor replication of the topics it creates; empty = the broker's default
 */
public record Topics(String commands, String results, String deadLetter, String ledger, String status,
                     int partitions, Optional<Short> replicationFactor) {

    private static final Logger log = LoggerFactory.getLogger(Topics.class);
    private static final long ADMIN_TIMEOUT_SECONDS = 30;

    /**
     * @param retention the ledger's retention, the idempotency window
     * @return the number of partitions of the commands topic (and of the ledger)
     */
    public int provision(Admin admin, Duration retention) {
        for (String topic : List.of(results, deadLetter)) {
            if (describe(admin, topic).isEmpty()) {
                create(admin, new NewTopic(topic, Optional.of(partitions), replicationFactor));
            }
        }
        int commandPartitions = provisionLedger(admin, commands, ledger, partitions, replicationFactor, retention);
        if (describe(admin, status).isEmpty()) {
            create(admin, new NewTopic(status, Optional.of(commandPartitions), replicationFactor).configs(Map.of(
                    TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT + ","
                            + TopicConfig.CLEANUP_POLICY_DELETE,
                    TopicConfig.RETENTION_MS_CONFIG, String.valueOf(retention.toMillis()))));
        } else if (!cleanupPolicy(admin, status).contains(TopicConfig.CLEANUP_POLICY_COMPACT)) {
            throw new IllegalStateException("Status topic " + status + " must be compacted (cleanup.policy compact), "
                    + "so that each request's latest status stays for readers that start late");
        }
        return commandPartitions;
    }

    /** The ledger topic's id: a ledger topic deleted and created again has another, and local stores of it are void. */
    public String ledgerTopicId(Admin admin) {
        // a topic just created may take a moment to be described by every broker
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(ADMIN_TIMEOUT_SECONDS);
        while (true) {
            Optional<TopicDescription> description = describe(admin, ledger);
            if (description.isPresent()) {
                return description.get().topicId().toString();
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("The ledger topic " + ledger + " cannot be described");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
        }
    }

    private static int provisionLedger(Admin admin, String commandsTopic, String ledgerTopic, int partitionsIfNew,
                                       Optional<Short> replicationFactor, Duration retention) {
        int partitions = describe(admin, commandsTopic)
                .map(description -> description.partitions().size())
                .orElseGet(() -> {
                    create(admin, new NewTopic(commandsTopic, Optional.of(partitionsIfNew), replicationFactor));
                    return partitionsIfNew;
                });
        Optional<TopicDescription> ledger = describe(admin, ledgerTopic);
        if (ledger.isEmpty()) {
            create(admin, new NewTopic(ledgerTopic, Optional.of(partitions), replicationFactor).configs(Map.of(
                    TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT + ","
                            + TopicConfig.CLEANUP_POLICY_DELETE,
                    TopicConfig.RETENTION_MS_CONFIG, String.valueOf(retention.toMillis()))));
            log.info("Created ledger topic {} ({} partitions, compacted, retention {})", ledgerTopic, partitions,
                    retention);
            return partitions;
        }
        int ledgerPartitions = ledger.get().partitions().size();
        if (ledgerPartitions != partitions) {
            throw new IllegalStateException("Ledger topic " + ledgerTopic + " has " + ledgerPartitions
                    + " partitions but commands topic " + commandsTopic + " has " + partitions + ": they must match "
                    + "(the ledger is co-partitioned with the commands). Recreate the ledger topic with " + partitions
                    + " partitions, or point worker.ledger.topic at a new topic.");
        }
        String cleanupPolicy = cleanupPolicy(admin, ledgerTopic);
        if (!cleanupPolicy.contains(TopicConfig.CLEANUP_POLICY_COMPACT)) {
            throw new IllegalStateException("Ledger topic " + ledgerTopic + " has cleanup.policy=" + cleanupPolicy
                    + "; it must include 'compact' so that every requestId keeps its latest entry for the retention");
        }
        return partitions;
    }

    private static Optional<TopicDescription> describe(Admin admin, String topic) {
        try {
            return Optional.of(admin.describeTopics(List.of(topic)).allTopicNames()
                    .get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS).get(topic));
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return Optional.empty();
            }
            throw new IllegalStateException("Cannot describe topic " + topic + ": " + e.getCause().getMessage(), e);
        } catch (InterruptedException | TimeoutException e) {
            throw interrupted("describe topic " + topic, e);
        }
    }

    private static void create(Admin admin, NewTopic topic) {
        try {
            admin.createTopics(List.of(topic)).all().get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("Cannot create topic " + topic.name() + ": " + e.getCause().getMessage(),
                        e);
            }
        } catch (InterruptedException | TimeoutException e) {
            throw interrupted("create topic " + topic.name(), e);
        }
    }

    private static String cleanupPolicy(Admin admin, String topic) {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        try {
            Config config = admin.describeConfigs(List.of(resource)).all()
                    .get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS).get(resource);
            return config.get(TopicConfig.CLEANUP_POLICY_CONFIG).value();
        } catch (ExecutionException e) {
            throw new IllegalStateException("Cannot read the configuration of topic " + topic + ": "
                    + e.getCause().getMessage(), e);
        } catch (InterruptedException | TimeoutException e) {
            throw interrupted("read the configuration of topic " + topic, e);
        }
    }

    private static IllegalStateException interrupted(String what, Exception e) {
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
        return new IllegalStateException("Could not " + what + " within " + ADMIN_TIMEOUT_SECONDS + " s: " + e, e);
    }
}
