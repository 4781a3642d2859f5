package dev.submitworker.testing;

import dev.submitworker.app.SubmitWorkerApplication;
import java.io.IOException;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;

/**
 * Worker processes in one consumer group, on the topics of {@link WorkerProcess#properties}, and what the group
 * coordinator says each of them owns. A worker is known by its instance id; one that is killed is started again under
 * the same id, as a StatefulSet restarts its pod.
 */
public final class WorkerGroup implements AutoCloseable {

    private final Map<String, String> properties;
    private final String groupId;
    private final String commandsTopic;
    private final Admin admin;
    private final Map<String, WorkerProcess> workers = new LinkedHashMap<>();

    public WorkerGroup(Map<String, String> properties) {
        this.properties = Map.copyOf(properties);
        this.groupId = properties.get("spring.kafka.consumer.group-id");
        this.commandsTopic = properties.get("worker.topics.commands");
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                properties.get("spring.kafka.bootstrap-servers")));
    }

    public WorkerProcess start(String instanceId) {
        return start(SubmitWorkerApplication.class.getName(), instanceId, Map.of(), List.of());
    }

    /**
     * A member of the group started by its own main class (the worker, or a test wrapper of it), with properties of
     * its own besides the group's (they win).
     */
    public WorkerProcess start(String mainClass, String instanceId, Map<String, String> ownProperties,
                               List<String> jvmOptions) {
        Map<String, String> all = new LinkedHashMap<>(properties);
        all.putAll(ownProperties);
        WorkerProcess worker = WorkerProcess.start(mainClass, instanceId, all, jvmOptions);
        workers.put(instanceId, worker);
        return worker;
    }

    public WorkerProcess worker(String instanceId) {
        return workers.get(instanceId);
    }

    public List<String> instanceIds() {
        return List.copyOf(workers.keySet());
    }

    /** SIGKILL, then the same instance again (its transactional ids fence whatever the dead one left open). */
    public WorkerProcess killAndRestart(String instanceId) throws InterruptedException {
        workers.get(instanceId).kill();
        return start(instanceId);
    }

    /**
     * The commands partitions that the coordinator has assigned to the instance's consumers (client ids
     * {@code <instanceId>-commands-<n>}); empty while it has none, or is no member.
     */
    public Set<Integer> partitionsOf(String instanceId) {
        Set<Integer> partitions = new HashSet<>();
        for (MemberDescription member : members()) {
            if (member.clientId().startsWith(instanceId + "-commands-")) {
                member.assignment().topicPartitions().stream().filter(tp -> tp.topic().equals(commandsTopic))
                        .map(TopicPartition::partition).forEach(partitions::add);
            }
        }
        return partitions;
    }

    private List<MemberDescription> members() {
        try {
            return List.copyOf(admin.describeConsumerGroups(List.of(groupId)).describedGroups().get(groupId)
                    .get(10, TimeUnit.SECONDS).members());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GroupIdNotFoundException) {
                return List.of(); // no worker has joined yet
            }
            throw new IllegalStateException("Cannot describe consumer group " + groupId, e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("Cannot describe consumer group " + groupId, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * The group's lag on the commands topic: 0 once every command was read and its position committed (with the
     * answer or ledger entry its round wrote).
     */
    public long lag() {
        try {
            return lag(admin, groupId, commandsTopic);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Cannot read the lag of consumer group " + groupId, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A consumer group's lag on a topic: end offsets minus committed offsets, summed. */
    public static long lag(Admin admin, String groupId, String topic) throws ExecutionException,
            InterruptedException {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(groupId)
                .partitionsToOffsetAndMetadata().get();
        Map<TopicPartition, OffsetSpec> latest = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic)
                .partitions().stream().map(info -> new TopicPartition(topic, info.partition()))
                .collect(Collectors.toMap(Function.identity(), partition -> OffsetSpec.latest()));
        long lag = 0;
        for (var end : admin.listOffsets(latest).all().get().entrySet()) {
            OffsetAndMetadata offset = committed.get(end.getKey());
            lag += end.getValue().offset() - (offset == null ? 0 : offset.offset());
        }
        return lag;
    }

    /** How many lines of the output of the instances' current processes contain the text, together. */
    public long logLines(String text) {
        return workers.values().stream().mapToLong(worker -> worker.logLines(text)).sum();
    }

    /** SIGTERM to each (thawed first), all at once: they settle what they have under way and leave the group. */
    public void stop() throws IOException, InterruptedException {
        for (WorkerProcess worker : workers.values()) {
            worker.terminate();
        }
        for (WorkerProcess worker : workers.values()) {
            worker.stop();
        }
    }

    @Override
    public void close() throws InterruptedException {
        try {
            for (WorkerProcess worker : workers.values()) {
                worker.close();
            }
        } finally {
            admin.close();
        }
    }
}
