package dev.submitworker.dev;

import dev.submitworker.app.SubmitWorkerApplication;
import dev.submitworker.app.WorkerProperties;
import dev.submitworker.kafka.CommandConsumers;
import dev.submitworker.cluster.FlinkClusters;
import dev.submitworker.core.ClusterTarget;
import dev.submitworker.core.RunMode;
import dev.submitworker.core.Task;
import dev.submitworker.core.port.TaskCatalog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Collectors;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * {@code make run}: the worker on its embedded default. Starts a real Kafka broker (KRaft) in this JVM, then the
 * worker against it; the worker's {@code local} cluster entry is a Flink MiniCluster with REST API and web UI.
 * Run it from the Maven classpath, not from a nested fat jar (the MiniCluster loads classes through the system class
 * loader).
 */
public final class EmbeddedLauncher {

    /** Where the running embedded broker's address is written; {@link DemoClient} reads it. */
    public static final Path BOOTSTRAP_FILE = Path.of("target", "embedded", "bootstrap-servers");

    private static final Duration READY_TIMEOUT = Duration.ofMinutes(2);

    private EmbeddedLauncher() {}

    public static void main(String[] args) throws InterruptedException, IOException {
        long start = System.nanoTime();
        // The KRaft test kit binds a free port (it ignores kafkaPorts(), and a fixed listener port never comes up),
        // so the address is published in a file for `make demo` and printed in the banner.
        EmbeddedKafkaKraftBroker broker = EmbeddedBroker.create();
        broker.afterPropertiesSet();
        Files.createDirectories(BOOTSTRAP_FILE.getParent());
        Files.writeString(BOOTSTRAP_FILE, broker.getBrokersAsString());
        // A system property outranks application.yml, which names a broker on localhost:9092 for non-embedded use.
        System.setProperty("spring.kafka.bootstrap-servers", broker.getBrokersAsString());

        ConfigurableApplicationContext context = SpringApplication.run(SubmitWorkerApplication.class, args);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            context.close();
            broker.destroy();
            BOOTSTRAP_FILE.toFile().delete();
        }, "embedded-shutdown"));

        FlinkClusters clusters = context.getBean(FlinkClusters.class);
        String flinkAddress = clusters.gateway(new ClusterTarget(FlinkClusters.DEFAULT_LOCAL, RunMode.LOCAL)).address();
        awaitReady(context.getBean(CommandConsumers.class));

        WorkerProperties properties = context.getBean(WorkerProperties.class);
        TaskCatalog catalog = context.getBean(TaskCatalog.class);
        Path catalogDir = properties.catalog().dir().toAbsolutePath();
        String tasks = catalog.all().stream()
                .map(task -> String.format("    %-4d %-28s %s%s", task.id(), task.name(), task.type(),
                        task.batchModel() ? ", batch" : ""))
                .collect(Collectors.joining("\n"));
        int firstTask = catalog.all().stream().mapToInt(Task::id).min().orElse(1);
        System.out.printf("""

                ==================================================================================
                 submit-worker is ready (embedded mode) after %.1f s
                   Kafka broker   : %s
                   Flink web UI   : http://%s
                   Commands topic : %s
                   Results topic  : %s
                   Dead letters   : %s
                   Task catalog   : %s
                %s

                 Submit a sample task from another terminal and print its answer:
                   make demo TASK=%d
                ==================================================================================
                %n""", (System.nanoTime() - start) / 1e9, broker.getBrokersAsString(), flinkAddress,
                properties.topics().commands(), properties.topics().results(), properties.topics().deadLetter(),
                catalogDir, tasks, firstTask);
    }

    /** Ready means the consumers own their partitions and have restored their ledgers: a command is answered. */
    private static void awaitReady(CommandConsumers consumers) throws InterruptedException {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (!consumers.ready()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("The worker did not get its partitions within " + READY_TIMEOUT);
            }
            Thread.sleep(100);
        }
    }
}
