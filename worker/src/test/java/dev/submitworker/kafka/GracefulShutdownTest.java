package dev.submitworker.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.submitworker.app.SubmitWorkerApplication;
import dev.submitworker.core.RequestId;
import dev.submitworker.testing.ChaosRun;
import dev.submitworker.testing.FlinkTestClient;
import dev.submitworker.testing.KafkaTestClient;
import dev.submitworker.testing.Ports;
import dev.submitworker.testing.Readiness;
import dev.submitworker.testing.TestJars;
import dev.submitworker.testing.WorkerProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM to a worker process in the middle of a burst of commands, then a restart of the same instance: every
 * requestId is answered once (one first answer) with one job on the cluster, and the worker ends within the bound the
 * docs give (docs/operations.md). The same process runs with JSON logs (ECS) and answers its readiness probe: DOWN
 * before its consumers are given their partitions, UP after; its log lines about a request carry the request's fields.
 */
class GracefulShutdownTest {

    /** worker.shutdown.grace (20 s) + 30 s, the most the worker waits for its consumers: docs/operations.md. */
    static final Duration SHUTDOWN_BOUND = Duration.ofSeconds(50);
    private static final int TASK = 192;
    /** A jar program whose main takes 3 s: submissions under way when the signal comes. */
    private static final int SLOW_TASK = 193;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aWorkerStoppedMidBurstLeavesEveryRequestAnsweredOnceWithOneJob() throws Exception {
        String prefix = "shutdown-" + UUID.randomUUID().toString().substring(0, 8);
        TestJars.slowJobsJar(Files.createDirectories(Path.of("target", "test-jars")));
        ChaosRun run = new ChaosRun(prefix, List.of(new ChaosRun.Kind(TASK, "it-graceful-shutdown", 0.9),
                new ChaosRun.Kind(SLOW_TASK, "it-graceful-shutdown-slow", 0.1)), 30, 0.2, 15);
        Map<String, String> properties = new HashMap<>(WorkerProcess.properties(prefix));
        properties.put("logging.structured.format.console", "ecs");
        // the planner warms up while the consumers join their group: two starts cost less
        properties.put("worker.warm-up", "parallel");
        // Spring Boot's console logging, not the suite's logback-test.xml, which the process would find first
        properties.put("logging.config", "classpath:logback-structured.xml");
        int port = Ports.freePort();
        properties.put("server.port", Integer.toString(port));

        try (KafkaTestClient kafka = KafkaTestClient.forTopics(prefix + ".commands", prefix + ".results",
                prefix + ".commands.DLT");
             FlinkTestClient flink = FlinkTestClient.session();
             WorkerProcess first = WorkerProcess.start(SubmitWorkerApplication.class.getName(), prefix + "-worker",
                     properties, List.of())) {
            List<Integer> readiness = Readiness.awaitReady(port);
            assertThat(readiness.get(0)).as("readiness before the consumers were given their partitions")
                    .isEqualTo(503);

            run.commands().forEach(kafka::sendCommand);
            await().atMost(Duration.ofMinutes(2)).until(() -> run.answered(kafka) > 0);
            int answeredBefore = run.answered(kafka);
            long stopping = System.nanoTime();
            first.terminate();
            await().atMost(SHUTDOWN_BOUND).pollInterval(Duration.ofMillis(100)).until(() -> !first.isAlive());
            double shutdownSeconds = (System.nanoTime() - stopping) / 1e9;
            int answeredAtStop = run.answered(kafka);

            try (WorkerProcess restarted = WorkerProcess.start(SubmitWorkerApplication.class.getName(),
                    prefix + "-worker", properties, List.of())) {
                await().atMost(Duration.ofMinutes(3)).until(() -> run.allAnswered(kafka));
                List<String> violations = run.violations(kafka, flink);
                System.out.println(run.summary("shutdown", kafka, flink, 0, violations, Map.of(
                        "answeredAtSigterm", answeredBefore, "answeredAtExit", answeredAtStop,
                        "shutdownMillis", Math.round(shutdownSeconds * 1000))));
                assertThat(violations).isEmpty();
                assertRequestFieldsOnEveryLine(first, prefix, run);
            }
        }
    }

    /**
     * Every JSON line that names one of the run's requestIds in its message carries that request's requestId, taskId
     * and jobId as fields; and there are such lines from the consumers' threads and the submissions' threads.
     */
    private static void assertRequestFieldsOnEveryLine(WorkerProcess worker, String prefix, ChaosRun run)
            throws IOException {
        Set<String> requestIds = run.distinctRequestIds();
        Pattern named = Pattern.compile(Pattern.quote(prefix) + "[\\w-]*");
        List<String> missing = new ArrayList<>();
        Set<String> threads = new TreeSet<>();
        int lines = 0;
        for (String line : Files.readAllLines(worker.log(), StandardCharsets.ISO_8859_1)) {
            if (!line.startsWith("{")) {
                continue; // what a library prints to stdout itself
            }
            JsonNode entry = JSON.readTree(line);
            String message = entry.path("message").asText();
            Matcher mention = named.matcher(message);
            while (mention.find()) {
                String requestId = mention.group();
                if (!requestIds.contains(requestId)) {
                    continue; // a topic's name
                }
                lines++;
                threads.add(entry.at("/process/thread/name").asText().replaceAll("-\\d+$", ""));
                if (!requestId.equals(entry.path("requestId").asText())
                        || !String.valueOf(run.taskOf(requestId)).equals(entry.path("taskId").asText())
                        || !new RequestId(requestId).jobId().equals(entry.path("jobId").asText())) {
                    missing.add(line);
                }
            }
        }
        System.out.println("shutdown: json log lines naming a request=" + lines + " threads=" + threads);
        assertThat(missing).isEmpty();
        assertThat(lines).isPositive();
        assertThat(threads).contains("commands");
    }
}
