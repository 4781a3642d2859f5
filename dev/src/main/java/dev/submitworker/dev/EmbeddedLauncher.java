package dev.submitworker.dev;

import dev.submitworker.app.SubmitWorkerApplication;
import dev.submitworker.app.WorkerProperties;
import dev.submitworker.cluster.FlinkClusters;
import dev.submitworker.core.ClusterTarget;
import dev.submitworker.core.RunMode;
import dev.submitworker.core.Task;
import dev.submitworker.core.port.TaskCatalog;
import dev.submitworker.kafka.CommandConsumers;
import dev.submitworker.openapi.FrontPort;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.apache.kafka.common.utils.Exit;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
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

    /** The savepoint directory of the embedded worker, unless its configuration names another. */
    static final Path SAVEPOINTS = Path.of("target", "embedded", "savepoints");

    private static final Duration READY_TIMEOUT = Duration.ofMinutes(2);

    private EmbeddedLauncher() {}

    public static void main(String[] args) throws InterruptedException {
        long start = System.nanoTime();
        // The broker's test kit deletes its log directories in JVM shutdown hooks of its own, which would run alongside
        // ours and pull them from under the broker while the worker still commits: they run after ours instead.
        List<Runnable> brokerCleanups = new CopyOnWriteArrayList<>();
        Exit.setShutdownHookAdder((name, hook) -> brokerCleanups.add(hook));
        EmbeddedKafkaKraftBroker broker = EmbeddedBroker.create();
        AtomicReference<ConfigurableApplicationContext> started = new AtomicReference<>();

        SpringApplication application = new SpringApplication(SubmitWorkerApplication.class);
        // Started once logging is configured (application.yml quiets the broker) and before the worker's beans need it.
        application.addInitializers(context -> {
            started.set(context);
            broker.afterPropertiesSet();
            // Outranks application.yml, which names a broker on localhost:9092 for non-embedded use.
            context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("embedded-broker",
                    Map.of("spring.kafka.bootstrap-servers", broker.getBrokersAsString())));
            // Defaults only (outranked by arguments and application.yml): savepoints of control commands, and the
            // LATEST strategy's, go to target/embedded/savepoints; Dinky's OpenAPI on its port, open to this machine's
            // callers without a token (the embedded mode only: elsewhere tokens are required by default)
            context.getEnvironment().getPropertySources().addLast(new MapPropertySource("embedded-defaults",
                    Map.of("worker.savepoints.dir", SAVEPOINTS.toAbsolutePath().toUri().toString(),
                            "worker.openapi.enabled", "true",
                            "worker.openapi.auth-required", "false")));
            // The KRaft test kit binds a free port (it ignores kafkaPorts(), and a fixed listener port never comes
            // up), so the address is published in a file for `make demo` and printed in the banner.
            try {
                Files.createDirectories(BOOTSTRAP_FILE.getParent());
                Files.writeString(BOOTSTRAP_FILE, broker.getBrokersAsString());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        // One hook, in order: the worker settles against a live broker, then the broker stops, then its files go.
        application.setRegisterShutdownHook(false);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (started.get() != null) {
                started.get().close();
            }
            broker.destroy();
            brokerCleanups.forEach(Runnable::run);
            BOOTSTRAP_FILE.toFile().delete();
        }, "embedded-shutdown"));
        ConfigurableApplicationContext context = application.run(args);

        FlinkClusters clusters = context.getBean(FlinkClusters.class);
        String flinkAddress = clusters.gateway(new ClusterTarget(FlinkClusters.DEFAULT_LOCAL, RunMode.LOCAL)).address();
        try {
            context.getBean(CommandConsumers.class).firstReady().get(READY_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            System.err.println("The worker's consumers did not open their partitions within "
                    + READY_TIMEOUT.toSeconds() + " s; see the log above.");
            System.exit(1);
        } catch (ExecutionException e) {
            System.err.println("The worker stopped before it was ready: " + e.getCause());
            System.exit(1);
        }

        WorkerProperties properties = context.getBean(WorkerProperties.class);
        TaskCatalog catalog = context.getBean(TaskCatalog.class);
        // health and metrics (server.port, 8086 unless set)
        String port = context.getEnvironment().getProperty("local.server.port");
        String openApi = properties.openapi().enabled()
                ? "http://localhost:" + context.getBean(FrontPort.class).getAsInt()
                        + "/openapi/version" + (properties.openapi().authRequired() ? " (dinky-token required)" : "")
                : "off (worker.openapi.enabled)";
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
                   Health         : http://localhost:%s/actuator/health
                   Metrics        : http://localhost:%s/actuator/prometheus
                   Dinky OpenAPI  : %s
                %s

                 Submit a sample task from another terminal and print its answer:
                   make demo TASK=%d
                ==================================================================================
                %n""", (System.nanoTime() - start) / 1e9, broker.getBrokersAsString(), flinkAddress,
                properties.topics().commands(), properties.topics().results(), properties.topics().deadLetter(),
                catalogDir, port, port, openApi, tasks, firstTask);
    }
}
