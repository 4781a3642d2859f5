package dev.submitworker.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.submitworker.core.Following;
import dev.submitworker.core.RequestId;
import dev.submitworker.core.RunMode;
import dev.submitworker.kafka.LedgerFiller;
import dev.submitworker.kafka.Topics;
import dev.submitworker.testing.SharedInfrastructure;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.runtime.execution.ExecutionState;
import org.apache.flink.runtime.messages.webmonitor.JobDetails;
import org.apache.flink.runtime.messages.webmonitor.MultipleJobsDetails;
import org.apache.flink.runtime.rest.util.RestMapperUtils;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The status events' part of {@code make bench} ({@code make bench-follow} alone), on a worker process as
 * {@link SubmitBenchmark} runs it:
 * <ul>
 *   <li>latency: the benchmark's bounded jobs sent one every {@code bench.follow.paceMs} (so that they end at every
 *       phase of the poll interval), each timed from Flink's own end time of the job to the arrival of its terminal
 *       event on the status topic (read-committed);</li>
 *   <li>CPU per poll with 1,000 and 10,000 followed jobs ({@code bench.follow.jobs}), simulated at the REST boundary:
 *       the ledger is filled with that many running jobs of a standalone cluster entry whose JobManager is a stand-in
 *       in this JVM answering the jobs overview with all of them (a MiniCluster cannot hold 10,000 jobs on two cores);
 *       the worker process's CPU (all its threads) over a window, less that of the same worker following nothing,
 *       divided by the overview reads in the window.</li>
 * </ul>
 * Prints {@code follow:} lines and adds the figures to target/bench/results.json under {@code follow}.
 */
public final class FollowBenchmark {

    private static final Path OUT = Path.of("target", "bench");
    private static final int PARTITIONS = 4;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final int n = Integer.getInteger("bench.follow.n", 100);
    private final int warmUp = Integer.getInteger("bench.warmup", 10);
    private final long paceMs = Long.getLong("bench.follow.paceMs", 230);
    private final Duration window = Duration.ofSeconds(Long.getLong("bench.follow.windowSeconds", 30));
    private final List<Integer> followed = Arrays.stream(System.getProperty("bench.follow.jobs", "1000,10000")
            .split(",")).map(String::strip).filter(jobs -> !jobs.isEmpty()).map(Integer::parseInt).toList();
    private final List<String> workerJvm = List.of(System.getProperty("bench.worker.jvm",
            "-Xms1g -Xmx1g -XX:+AlwaysPreTouch -XX:TieredStopAtLevel=1 -XX:+UseParallelGC").trim().split("\\s+"));
    private final String workerClasspath = System.getProperty("bench.worker.classpath",
            System.getProperty("java.class.path"));
    private final String run = Long.toString(System.currentTimeMillis() % 1_000_000, 36);
    private String bootstrap;
    private Path catalog;

    public static void main(String[] args) {
        int status = 0;
        try {
            new FollowBenchmark().run();
        } catch (Exception e) {
            e.printStackTrace();
            status = 1;
        }
        // the broker and MiniCluster leave non-daemon threads behind: end the JVM either way
        System.exit(status);
    }

    private void run() throws Exception {
        Files.createDirectories(OUT);
        catalog = SubmitBenchmark.writeCatalog(OUT);
        bootstrap = SharedInfrastructure.kafkaBootstrap();
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("latency", latency(SharedInfrastructure.flinkRestAddress().toString()).toJson());
        if (followed.isEmpty()) {
            write(figures);
            return;
        }
        Map<String, Object> idle = cpu(0);
        List<Map<String, Object>> polls = new ArrayList<>();
        for (int jobs : followed) {
            Map<String, Object> busy = cpu(jobs);
            double netCpuMs = (double) busy.get("cpuMs") - (double) idle.get("cpuMs");
            int reads = (int) busy.get("overviewReads");
            busy.put("cpuMsPerPoll", Stats.round(netCpuMs / reads));
            System.out.printf("follow: jobs=%d overviewReads=%d in %d s, worker CPU %.0f ms (following nothing: %.0f "
                            + "ms) -> %.1f ms CPU per poll (load average %.1f)%n", jobs, reads, window.toSeconds(),
                    busy.get("cpuMs"), idle.get("cpuMs"), netCpuMs / reads,
                    ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            polls.add(busy);
        }
        figures.put("idle", idle);
        figures.put("cpuPerPoll", polls);
        write(figures);
    }

    /** Adds the figures to results.json (make bench writes its routes' first) under {@code follow}. */
    private static void write(Map<String, Object> figures) throws IOException {
        Path results = OUT.resolve("results.json");
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode all = Files.exists(results) ? (ObjectNode) json.readTree(results.toFile()) : json.createObjectNode();
        all.set("follow", json.valueToTree(figures));
        json.writeValue(results.toFile(), all);
    }

    /** From Flink's end time of each job to its terminal event on the status topic. */
    private Stats latency(String flinkRest) throws Exception {
        String prefix = "bench-follow-" + run;
        String statusTopic = prefix + ".status";
        try (BenchWorker worker = BenchWorker.start(prefix, bootstrap, flinkRest, catalog, workerJvm, workerClasspath,
                List.of("--worker.topics.status=" + statusTopic), OUT)) {
            worker.awaitReady(Duration.ofMinutes(3));
            Map<String, Long> latencies = new ConcurrentHashMap<>();
            Thread reader = new Thread(() -> readTerminal(statusTopic, latencies), "bench-status-reader");
            reader.setDaemon(true);
            reader.start();
            List<String> counted = new ArrayList<>();
            long start = System.nanoTime();
            for (int i = 0; i < warmUp + n; i++) {
                String requestId = prefix + "-" + i;
                if (i >= warmUp) {
                    counted.add(requestId);
                }
                worker.send(requestId, 1, SubmitBenchmark.tables("follow" + run, i));
                Thread.sleep(paceMs);
            }
            long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
            while (!latencies.keySet().containsAll(counted) && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            long wall = System.nanoTime() - start;
            List<Long> nanos = counted.stream().filter(latencies::containsKey)
                    .map(id -> latencies.get(id) * 1_000_000).toList();
            Stats stats = Stats.of("follow: end -> terminal event", "interval 1 s", n, nanos.size(), wall, nanos);
            System.out.printf("follow: latency from Flink's end time to the terminal event, %d jobs: p50 %.0f ms, "
                            + "p90 %.0f ms, p99 %.0f ms, max %s ms%s%n", nanos.size(), stats.percentile(50),
                    stats.percentile(90), stats.percentile(99), stats.toJson().get("maxMs"),
                    stats.ok() ? "" : " (" + stats.failure() + ")");
            return stats;
        }
    }

    /** Reads the status topic from its start; for each terminal event, arrival minus Flink's end time, in ms. */
    private void readTerminal(String topic, Map<String, Long> latencies) {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class))) {
            List<TopicPartition> partitions = IntStream.range(0, PARTITIONS)
                    .mapToObj(p -> new TopicPartition(topic, p)).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (true) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(50))) {
                    long received = System.currentTimeMillis();
                    JsonNode event = JSON.readTree(record.value());
                    if (event.get("terminal").asBoolean() && !event.get("endTime").isNull()) {
                        latencies.putIfAbsent(record.key(),
                                received - Instant.parse(event.get("endTime").asText()).toEpochMilli());
                    }
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The worker process's CPU over the window while it follows {@code jobs} running jobs on the stand-in. */
    private Map<String, Object> cpu(int jobs) throws Exception {
        String prefix = "bench-follow-cpu-" + jobs + "-" + run;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            new Topics(prefix + ".commands", prefix + ".results", prefix + ".commands.DLT", prefix + ".ledger",
                    prefix + ".status", PARTITIONS, Optional.empty()).provision(admin, Duration.ofDays(7));
        }
        new LedgerFiller().fill(bootstrap, prefix + ".ledger", PARTITIONS, prefix, jobs, Instant.now(),
                new Following("bench", RunMode.STANDALONE, null, "RUNNING", 1, false, null, false));
        List<JobDetails> running = IntStream.range(0, jobs)
                .mapToObj(i -> JobID.fromHexString(new RequestId(prefix + "-" + i).jobId()))
                .map(jobId -> new JobDetails(jobId, "bench-followed", 1_700_000_000_000L, -1, 60_000,
                        JobStatus.RUNNING, 1_700_000_060_000L, new int[ExecutionState.values().length], 1))
                .toList();
        byte[] overview = RestMapperUtils.getStrictObjectMapper().writeValueAsBytes(new MultipleJobsDetails(running));
        AtomicInteger reads = new AtomicInteger();
        HttpServer jobManager = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        jobManager.createContext("/", exchange -> {
            boolean isOverview = exchange.getRequestURI().getPath().equals("/v1/jobs/overview");
            byte[] body = isOverview ? overview : "{\"errors\":[\"Not found\"]}".getBytes(StandardCharsets.UTF_8);
            if (isOverview) {
                reads.incrementAndGet();
            }
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(isOverview ? 200 : 404, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        jobManager.start();
        try (BenchWorker worker = BenchWorker.start(prefix, bootstrap,
                "http://127.0.0.1:" + jobManager.getAddress().getPort(), catalog, workerJvm, workerClasspath,
                List.of("--worker.topics.status=" + prefix + ".status"), OUT)) {
            worker.awaitReady(Duration.ofMinutes(3));
            long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
            while (jobs > 0 && reads.get() < 3 && System.nanoTime() < deadline) {
                Thread.sleep(100); // following has begun
            }
            ProcessHandle process = ProcessHandle.of(worker.pid()).orElseThrow();
            long cpuBefore = process.info().totalCpuDuration().orElseThrow().toNanos();
            int readsBefore = reads.get();
            Thread.sleep(window.toMillis());
            long cpuAfter = process.info().totalCpuDuration().orElseThrow().toNanos();
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("followedJobs", jobs);
            result.put("windowS", window.toSeconds());
            result.put("overviewReads", reads.get() - readsBefore);
            result.put("cpuMs", (double) Stats.round((cpuAfter - cpuBefore) / 1e6));
            result.put("overviewBytes", overview.length);
            return result;
        } finally {
            jobManager.stop(0);
        }
    }
}
