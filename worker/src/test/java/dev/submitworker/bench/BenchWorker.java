package dev.submitworker.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The worker as its own OS process (exactly {@code make worker}: the runtime classpath, no test logging config), on
 * its own topics, plus a producer and a results subscriber that time every command from just before it is produced
 * to when its envelope is consumed (read_committed, so after the worker's transaction commit).
 *
 * <p>Answers are matched to commands per requestId in order: one key lives on one partition, whose commands the
 * worker handles one after another, so the k-th answer of a requestId is the answer to its k-th command (this is how
 * 10,000 duplicates of 200 requestIds are timed one by one).
 */
final class BenchWorker implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    static final int LINGER_MS = 1;

    /**
     * One answer: when it arrived, and the envelope as received. The envelope is parsed only when asked, after the
     * run: parsing thousands a second in the subscriber would compete with the worker for the two cores.
     */
    static final class Answer {

        private final long latencyNanos;
        private final long receivedNanos;
        private final byte[] value;
        private JsonNode envelope;

        Answer(long latencyNanos, long receivedNanos, byte[] value) {
            this.latencyNanos = latencyNanos;
            this.receivedNanos = receivedNanos;
            this.value = value;
        }

        long latencyNanos() {
            return latencyNanos;
        }

        long receivedNanos() {
            return receivedNanos;
        }

        int code() {
            return envelope().path("code").asInt(-1);
        }

        boolean duplicate() {
            return envelope().path("duplicate").asBoolean();
        }

        String jobId() {
            return envelope().path("data").path("jobId").asText(null);
        }

        /** The envelope's data.endTime - data.startTime: compile, submit, status read in the worker. */
        double inWorkerMs() {
            try {
                return java.time.Duration.between(java.time.Instant.parse(envelope().at("/data/startTime").asText()),
                        java.time.Instant.parse(envelope().at("/data/endTime").asText())).toNanos() / 1e6;
            } catch (RuntimeException e) {
                return Double.NaN; // an answer without both times (a failure before the build) has no such figure
            }
        }

        private synchronized JsonNode envelope() {
            if (envelope == null) {
                try {
                    envelope = JSON.readTree(value);
                } catch (IOException e) {
                    throw new IllegalStateException("The worker published an envelope that is not JSON", e);
                }
            }
            return envelope;
        }
    }

    private record Pending(long sentNanos, CompletableFuture<Answer> answer) {}

    private final Process process;
    private final Path log;
    private final long startedNanos;
    private final String commandsTopic;
    private final String resultsTopic;
    private final String bootstrap;
    private KafkaProducer<String, byte[]> producer;
    private KafkaProducer<String, byte[]> lingeringProducer;
    private Thread collector;
    private volatile boolean closed;
    private final Map<String, Deque<Pending>> pending = new ConcurrentHashMap<>();

    private BenchWorker(Process process, Path log, long startedNanos, String prefix, String bootstrap) {
        this.process = process;
        this.log = log;
        this.startedNanos = startedNanos;
        this.commandsTopic = prefix + ".commands";
        this.resultsTopic = prefix + ".results";
        this.bootstrap = bootstrap;
    }

    /** Starts the worker process; it is not ready until {@link #awaitReady} says so. */
    static BenchWorker start(String prefix, String bootstrap, String flinkRest, Path catalog, List<String> jvmFlags,
                             String classpath, List<String> extraArgs, Path logDir) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmFlags);
        command.addAll(List.of("-cp", classpath, "dev.submitworker.app.SubmitWorkerApplication"));
        command.add("--spring.kafka.bootstrap-servers=" + bootstrap);
        command.add("--spring.kafka.consumer.group-id=" + prefix + "-workers");
        command.add("--worker.instance-id=" + prefix);
        command.add("--worker.topics.commands=" + prefix + ".commands");
        command.add("--worker.topics.results=" + prefix + ".results");
        command.add("--worker.topics.dead-letter=" + prefix + ".commands.DLT");
        command.add("--worker.ledger.topic=" + prefix + ".ledger");
        command.add("--worker.catalog.dir=" + catalog);
        command.add("--worker.clusters.bench.type=standalone");
        command.add("--worker.clusters.bench.address=" + flinkRest);
        command.add("--server.port=0"); // health and metrics on a free port: several workers run at once
        command.addAll(extraArgs);
        Files.createDirectories(logDir);
        Path log = logDir.resolve(prefix + ".log");
        long started = System.nanoTime();
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new BenchWorker(process, log, started, prefix, bootstrap);
    }

    /**
     * Waits until the worker's consumers have opened all four partitions, their ledgers restored (the worker logs
     * "Partition <n> of <topic> is open" for each; from then on it answers commands), and returns the time since the
     * process was started. The log is the only outside view of "ready" the worker offers.
     */
    long awaitReady(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (Files.exists(log)) {
                String text = Files.readString(log, StandardCharsets.UTF_8);
                if (text.split(" is open on ", -1).length - 1 >= 4) {
                    long readyNanos = System.nanoTime() - startedNanos;
                    connectClients();
                    return readyNanos;
                }
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("The worker process ended (exit " + process.exitValue()
                        + ") before it was ready; see " + log);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("The worker was not ready within " + timeout + "; see " + log);
            }
            LockSupport.parkNanos(10_000_000);
        }
    }

    long startedNanos() {
        return startedNanos;
    }

    long pid() {
        return process.pid();
    }

    Path log() {
        return log;
    }

    private void connectClients() {
        producer = producer(0);
        lingeringProducer = producer(LINGER_MS);
        CountDownLatch positioned = new CountDownLatch(1);
        collector = new Thread(() -> collect(positioned), "bench-results-" + resultsTopic);
        collector.setDaemon(true);
        collector.start();
        try {
            if (!positioned.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("The results subscriber found no partitions of " + resultsTopic);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private KafkaProducer<String, byte[]> producer(int lingerMs) {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.LINGER_MS_CONFIG, lingerMs,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class));
    }

    private void collect(CountDownLatch positioned) {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class))) {
            List<PartitionInfo> partitions = List.of();
            while (partitions.isEmpty() && !closed) {
                partitions = consumer.partitionsFor(resultsTopic, Duration.ofSeconds(5));
            }
            // assign every partition and fix the position now: only answers to commands sent after this count
            List<TopicPartition> assigned = partitions.stream()
                    .map(info -> new TopicPartition(resultsTopic, info.partition())).toList();
            consumer.assign(assigned);
            consumer.seekToEnd(assigned);
            assigned.forEach(consumer::position);
            positioned.countDown();
            while (!closed) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    long received = System.nanoTime();
                    Deque<Pending> queue = pending.get(record.key());
                    Pending first = queue == null ? null : queue.pollFirst();
                    if (first != null) {
                        first.answer().complete(new Answer(received - first.sentNanos(), received, record.value()));
                    }
                }
            }
        }
    }

    /** Produces one command at once, without waiting; the future completes with its answer. */
    CompletableFuture<Answer> send(String requestId, int taskId, Map<String, String> variables) {
        return send(requestId, taskId, variables, producer);
    }

    /**
     * The same through a producer that lingers {@value #LINGER_MS} ms to batch: thousands of commands a second, each
     * in a produce request of its own, would load the broker (in the benchmark's JVM, on the same two cores) more
     * than the worker. The linger is inside the measured latency.
     */
    CompletableFuture<Answer> sendLingering(String requestId, int taskId, Map<String, String> variables) {
        return send(requestId, taskId, variables, lingeringProducer);
    }

    private CompletableFuture<Answer> send(String requestId, int taskId, Map<String, String> variables,
                                           KafkaProducer<String, byte[]> through) {
        byte[] value;
        try {
            value = JSON.writeValueAsBytes(Map.of("requestId", requestId, "id", taskId, "variables", variables));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        CompletableFuture<Answer> answer = new CompletableFuture<>();
        // registered before the send, so an answer can never arrive before its command is known
        pending.computeIfAbsent(requestId, key -> new ConcurrentLinkedDeque<>())
                .addLast(new Pending(System.nanoTime(), answer));
        through.send(new ProducerRecord<>(commandsTopic, requestId, value));
        return answer;
    }

    /** Whole-process figures after a full GC: heap used, metaspace used (KB) and loaded classes, from jcmd/jstat. */
    Map<String, Double> memoryAfterGc() throws IOException, InterruptedException {
        String bin = Path.of(System.getProperty("java.home"), "bin").toString();
        run(bin + "/jcmd", String.valueOf(pid()), "GC.run");
        String[] gc = lastTwoLines(run(bin + "/jstat", "-gc", String.valueOf(pid())));
        Map<String, Double> columns = columns(gc);
        String[] classes = lastTwoLines(run(bin + "/jstat", "-class", String.valueOf(pid())));
        Map<String, Double> classColumns = columns(classes);
        double heapKb = columns.get("S0U") + columns.get("S1U") + columns.get("EU") + columns.get("OU");
        return Map.of("heapUsedMb", heapKb / 1024, "metaspaceUsedMb", columns.get("MU") / 1024,
                "classesLoaded", classColumns.get("Loaded"), "classesUnloaded", classColumns.get("Unloaded"));
    }

    private static Map<String, Double> columns(String[] headerAndValues) {
        String[] names = headerAndValues[0].trim().split("\\s+");
        String[] values = headerAndValues[1].trim().split("\\s+");
        Map<String, Double> columns = new java.util.HashMap<>();
        for (int i = 0; i < names.length && i < values.length; i++) {
            try {
                columns.put(names[i], Double.parseDouble(values[i]));
            } catch (NumberFormatException ignored) {
                // a column that is not a number ("-") is not one we read
            }
        }
        return columns;
    }

    private static String[] lastTwoLines(String output) {
        String[] lines = output.strip().split("\n");
        return new String[] {lines[lines.length - 2], lines[lines.length - 1]};
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
        }
        return output;
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        if (collector != null) {
            collector.join(5_000);
        }
        if (producer != null) {
            producer.close();
            lingeringProducer.close();
        }
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
