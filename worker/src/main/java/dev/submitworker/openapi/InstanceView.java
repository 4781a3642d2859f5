package dev.submitworker.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the front knows of job instances: the worker's results topic and its compacted status topic, read from their
 * beginning by one consumer without a group (committed records only) and kept in memory. Every front reading the same
 * topics ends with the same view, so fronts behind a load balancer agree; {@link #catchUp} makes a question wait until
 * the view holds everything committed before it was asked.
 *
 * <p>An instance is a request that submitted a job: an answer with code 0 and a JobID (a submit's, or a restart's).
 * Its status is its last status event. Answers are also handed to the calls waiting for them ({@link #awaitAnswer}).
 */
public final class InstanceView implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(InstanceView.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration METADATA = Duration.ofSeconds(5);

    /** A request that submitted a job, as the view knows it. */
    public record Instance(String requestId, long instanceId, Integer taskId, String jobId, String jobName,
                           Instant created, JsonNode lastEvent) {

        Instance withEvent(JsonNode event) {
            return new Instance(requestId, instanceId, taskId, jobId, jobName, created, event);
        }
    }

    /** A call waiting for the answer to its command: the first answer of the key that it accepts completes it. */
    private record Waiter(Predicate<JsonNode> accepts, CompletableFuture<JsonNode> answer) {}

    private final String resultsTopic;
    private final String statusTopic;
    private final KafkaConsumer<String, String> consumer;
    private final Admin admin;
    private final Thread thread;
    private final CountDownLatch closing = new CountDownLatch(1);
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private final Map<String, Instance> byRequest = new ConcurrentHashMap<>();
    private final Map<Long, Set<String>> byInstanceId = new ConcurrentHashMap<>();
    private final Map<Integer, String> latestOfTask = new ConcurrentHashMap<>();
    private final Map<String, List<Waiter>> waiters = new ConcurrentHashMap<>();
    /** The next offset the view will read, per partition; read by the callers of {@link #catchUp}. */
    private final Map<TopicPartition, Long> positions = new ConcurrentHashMap<>();
    private volatile List<TopicPartition> partitions = List.of();

    /**
     * @param consumerProperties the Kafka consumer properties (brokers, security) the view's consumer starts from
     * @param adminProperties    the same for the admin client that reads the topics' ends
     */
    public InstanceView(Map<String, Object> consumerProperties, Map<String, Object> adminProperties,
                        String resultsTopic, String statusTopic) {
        this.resultsTopic = resultsTopic;
        this.statusTopic = statusTopic;
        Map<String, Object> config = new HashMap<>(consumerProperties);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "submit-worker-openapi-view");
        this.consumer = new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer());
        Map<String, Object> adminConfig = new HashMap<>(adminProperties);
        adminConfig.put(ConsumerConfig.CLIENT_ID_CONFIG, "submit-worker-openapi-offsets");
        this.admin = Admin.create(adminConfig);
        this.thread = new Thread(this::run, "openapi-view");
        thread.setDaemon(true);
    }

    public InstanceView start() {
        thread.start();
        return this;
    }

    /** Completes once the view has read both topics up to where they ended when it started. */
    public CompletableFuture<Void> ready() {
        return ready;
    }

    public Instance byRequest(String requestId) {
        return byRequest.get(requestId);
    }

    /** The requests whose instance id is this one: one, or several on a collision, or none. */
    public List<Instance> byInstanceId(long instanceId) {
        return byInstanceId.getOrDefault(instanceId, Set.of()).stream().map(byRequest::get).toList();
    }

    /** The latest instance of a task: the one whose answer was made last. */
    public Instance latestOfTask(int taskId) {
        String requestId = latestOfTask.get(taskId);
        return requestId == null ? null : byRequest.get(requestId);
    }

    /** The instance whose job is this Flink JobID, or null. */
    public Instance byJobId(String jobId) {
        return byRequest.values().stream().filter(instance -> jobId.equals(instance.jobId())).findFirst()
                .orElse(null);
    }

    /**
     * The answer to a command about to be sent: the first answer of its requestId published after this call that
     * {@code accepts}. Register before sending.
     */
    public CompletableFuture<JsonNode> awaitAnswer(String requestId, Predicate<JsonNode> accepts) {
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        Waiter waiter = new Waiter(accepts, answer);
        waiters.computeIfAbsent(requestId, key -> new CopyOnWriteArrayList<>()).add(waiter);
        answer.whenComplete((value, failure) -> waiters.computeIfPresent(requestId, (key, list) -> {
            list.remove(waiter);
            return list.isEmpty() ? null : list;
        }));
        return answer;
    }

    /**
     * Waits until the view has read everything committed to both topics before this call, at most {@code bound}:
     * a front asked about an instance another front submitted a moment ago sees it, and a front that has just started
     * answers only once it has read the topics. False when the bound passed.
     */
    public boolean catchUp(Duration bound) throws InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        Map<TopicPartition, Long> ends = new HashMap<>();
        try {
            // a view still reading the topics from their start knows less than they hold
            ready.get(bound.toNanos(), TimeUnit.NANOSECONDS);
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            partitions.forEach(partition -> latest.put(partition, OffsetSpec.latest()));
            admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all()
                    .get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)
                    .forEach((partition, info) -> ends.put(partition, info.offset()));
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            return false;
        }
        while (!ends.entrySet().stream().allMatch(end -> positions.getOrDefault(end.getKey(), 0L) >= end.getValue())) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || closing.await(Math.min(left, TimeUnit.MILLISECONDS.toNanos(20)), TimeUnit.NANOSECONDS)) {
                return false;
            }
        }
        return true;
    }

    private void run() {
        try {
            List<TopicPartition> assigned = new ArrayList<>(partitionsOf(resultsTopic));
            assigned.addAll(partitionsOf(statusTopic));
            consumer.assign(assigned);
            consumer.seekToBeginning(assigned);
            Map<TopicPartition, Long> startEnds = consumer.endOffsets(assigned, METADATA);
            partitions = List.copyOf(assigned);
            while (closing.getCount() > 0) {
                for (ConsumerRecord<String, String> record : consumer.poll(POLL)) {
                    if (record.key() != null && record.value() != null) {
                        apply(record);
                    }
                }
                for (TopicPartition partition : assigned) {
                    positions.put(partition, consumer.position(partition, METADATA));
                }
                if (!ready.isDone() && startEnds.entrySet().stream()
                        .allMatch(end -> positions.get(end.getKey()) >= end.getValue())) {
                    log.info("OpenAPI front: read {} and {}, {} job instances", resultsTopic, statusTopic,
                            byRequest.size());
                    ready.complete(null);
                }
            }
        } catch (WakeupException | InterruptedException e) {
            ready.completeExceptionally(new IllegalStateException("The OpenAPI front's view was closed"));
        } catch (RuntimeException e) {
            log.error("OpenAPI front: reading {} and {} failed; the front answers code 5 from now on", resultsTopic,
                    statusTopic, e);
            ready.completeExceptionally(e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    /** The topic's partitions, waiting (bounded per try) until the worker has created it. */
    private List<TopicPartition> partitionsOf(String topic) throws InterruptedException {
        while (true) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, METADATA);
            if (infos != null && !infos.isEmpty()) {
                return infos.stream().map(info -> new TopicPartition(topic, info.partition())).toList();
            }
            if (closing.await(500, TimeUnit.MILLISECONDS)) {
                throw new InterruptedException("closed");
            }
        }
    }

    private void apply(ConsumerRecord<String, String> record) {
        JsonNode value;
        try {
            value = JSON.readTree(record.value());
        } catch (IOException e) {
            return; // not the worker's: nothing the view can use
        }
        if (record.topic().equals(statusTopic)) {
            // only this thread writes the maps
            Instance known = byRequest.get(record.key());
            if (known != null) {
                byRequest.put(record.key(), known.withEvent(value));
            } else {
                index(new Instance(record.key(), InstanceIds.of(record.key()), intOrNull(value.get("taskId")),
                        textOrNull(value.get("jobId")), null, null, value));
            }
            return;
        }
        if (value.path("code").asInt(-1) == 0 && value.path("data").path("jobId").isTextual()
                && !acted(value)) {
            Instance instance = byRequest.get(record.key());
            if (instance == null || instance.created() == null) {
                JsonNode event = instance == null ? null : instance.lastEvent();
                instance = new Instance(record.key(), InstanceIds.of(record.key()), intOrNull(value.get("taskId")),
                        value.at("/data/jobId").asText(), textOrNull(value.at("/data/result/jobName")),
                        instant(value.path("time").asText()), event);
                index(instance);
            }
        }
        List<Waiter> waiting = waiters.get(record.key());
        if (waiting != null) {
            for (Waiter waiter : waiting) {
                if (waiter.accepts().test(value)) {
                    waiter.answer().complete(value);
                }
            }
        }
    }

    /** A control command's answer that started no job of its own (all but a restart). */
    private static boolean acted(JsonNode answer) {
        JsonNode control = answer.path("data").path("control");
        return control.isObject() && !"restart".equals(control.path("action").asText());
    }

    private void index(Instance instance) {
        byRequest.put(instance.requestId(), instance);
        byInstanceId.computeIfAbsent(instance.instanceId(), id -> ConcurrentHashMap.newKeySet())
                .add(instance.requestId());
        if (instance.taskId() != null) {
            latestOfTask.merge(instance.taskId(), instance.requestId(), (current, candidate) -> {
                Instance old = byRequest.get(current);
                return old == null || old.created() == null || instance.created() != null
                        && !instance.created().isBefore(old.created()) ? candidate : current;
            });
        }
    }

    private static Integer intOrNull(JsonNode node) {
        return node != null && node.isInt() ? node.asInt() : null;
    }

    private static String textOrNull(JsonNode node) {
        return node != null && node.isTextual() ? node.asText() : null;
    }

    private static Instant instant(String text) {
        try {
            return Instant.parse(text);
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }

    @Override
    public void close() throws InterruptedException {
        closing.countDown();
        consumer.wakeup();
        thread.join(Duration.ofSeconds(10).toMillis());
        admin.close(Duration.ofSeconds(5));
    }
}
