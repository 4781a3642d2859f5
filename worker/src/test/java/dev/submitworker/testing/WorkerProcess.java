package dev.submitworker.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The worker as a separate OS process on the test JVM's classpath, pointed at the shared broker and Flink cluster,
 * so that a test can kill it for real (SIGKILL) and start it again. Its output goes to target/worker-processes/.
 */
public final class WorkerProcess implements AutoCloseable {

    private static final Path LOGS = Path.of("target", "worker-processes");

    private final Process process;
    private final String instanceId;
    private final Path log;
    private volatile boolean frozen;

    private WorkerProcess(Process process, String instanceId, Path log) {
        this.process = process;
        this.instanceId = instanceId;
        this.log = log;
    }

    /** The Spring properties of a worker on its own topics ({@code <prefix>.commands} ...) and consumer group. */
    public static Map<String, String> properties(String prefix) {
        return properties(prefix, SharedInfrastructure.kafkaBootstrap());
    }

    /** The same, against another broker. */
    public static Map<String, String> properties(String prefix, String kafkaBootstrap) {
        return Map.ofEntries(
                Map.entry("spring.kafka.bootstrap-servers", kafkaBootstrap),
                Map.entry("spring.kafka.consumer.group-id", prefix + "-workers"),
                Map.entry("worker.topics.commands", prefix + ".commands"),
                Map.entry("worker.topics.results", prefix + ".results"),
                Map.entry("worker.topics.dead-letter", prefix + ".commands.DLT"),
                Map.entry("worker.topics.status", prefix + ".status"),
                Map.entry("worker.ledger.topic", prefix + ".ledger"),
                Map.entry("worker.catalog.dir", "src/test/resources/tasks"),
                Map.entry("worker.ledger.store.dir", "target/worker-state"),
                Map.entry("worker.clusters.session.type", "standalone"),
                Map.entry("worker.clusters.session.address", SharedInfrastructure.flinkRestAddress().toString()));
    }

    /**
     * @param mainClass  the worker's main class, or a test wrapper of it
     * @param instanceId the worker's instance id (reuse it for a restart of "the same" instance)
     */
    public static WorkerProcess start(String mainClass, String instanceId, Map<String, String> properties,
                                      List<String> jvmOptions) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // Small and quick to start: C1 only, a modest heap (two cores are shared with the test JVM and Flink).
        command.addAll(List.of("-Xmx512m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
        properties.forEach((key, value) -> command.add("--" + key + "=" + value));
        if (!properties.containsKey("server.port")) {
            command.add("--server.port=0"); // health and metrics on a free port: several workers run at once
        }
        command.add("--worker.instance-id=" + instanceId);
        command.add("--logging.level.dev.submitworker=INFO");
        return exec(command, Map.of(), instanceId);
    }

    /**
     * The worker started by a command of its own (a distribution's {@code bin/submit-worker}), in the test JVM's
     * working directory, with these variables added to the environment.
     */
    public static WorkerProcess exec(List<String> command, Map<String, String> environment, String instanceId) {
        try {
            Files.createDirectories(LOGS);
            Path log = LOGS.resolve(instanceId + "-" + UUID.randomUUID().toString().substring(0, 8) + ".log");
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .directory(new File(System.getProperty("user.dir")));
            builder.environment().putAll(environment);
            return new WorkerProcess(builder.start(), instanceId, log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public String instanceId() {
        return instanceId;
    }

    /**
     * SIGSTOP: every thread of the worker stops where it is, its connections stay open, its session with the group
     * runs out; exactly as a worker on a host that hangs or a JVM in a long pause.
     */
    public void freeze() throws IOException, InterruptedException {
        Signals.send(process, "STOP");
        frozen = true;
    }

    /** SIGCONT: the frozen worker carries on from where it stood, unaware that time passed. */
    public void thaw() throws IOException, InterruptedException {
        Signals.send(process, "CONT");
        frozen = false;
    }

    /** SIGKILL: no shutdown hooks, no flush, no goodbye. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM: the worker shuts down gracefully (its partitions are handed over in a rebalance). */
    public void stop() throws IOException, InterruptedException {
        terminate();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            kill();
        }
    }

    /** SIGTERM without waiting for the worker to end (see {@link #stop}). */
    public void terminate() throws IOException, InterruptedException {
        if (frozen) {
            thaw(); // a stopped process acts on no signal but SIGKILL
        }
        process.destroy();
    }

    public Path log() {
        return log;
    }

    /** How many lines of the worker's output so far contain the (ASCII) text. */
    public long logLines(String text) {
        try {
            // Latin-1 reads any bytes: a task's program may print what is not UTF-8
            String output = new String(Files.readAllBytes(log), StandardCharsets.ISO_8859_1);
            return output.lines().filter(line -> line.contains(text)).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
