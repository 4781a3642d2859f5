package dev.submitworker.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.submitworker.core.RequestId;
import dev.submitworker.kafka.CommandConsumers;
import dev.submitworker.testing.KafkaTestClient;
import dev.submitworker.testing.WorkerTest;
import dev.submitworker.testing.WorkerTestInitializer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.runtime.util.EnvironmentInformation;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Health, info and metrics as a Kubernetes probe and a Prometheus scraper see them, over HTTP, on the shared worker.
 * (Readiness DOWN before the consumers are given their partitions is seen on a worker process of its own:
 * GracefulShutdownTest.)
 */
@WorkerTest
class OperationsTest {

    private static final KafkaTestClient kafka = KafkaTestClient.shared();
    private static final ObjectMapper json = new ObjectMapper();
    private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** Task 106 names cluster entry 'unreachable' (127.0.0.1:1); task 101 the shared session cluster. */
    private static final int UNREACHABLE_TASK = 106;
    private static final int BOUNDED_TASK = 101;

    @LocalServerPort
    private int port;

    @Autowired
    private CommandConsumers consumers;

    @Test
    void readinessStaysUpWhileAClusterEntryIsDownAndInfoNamesTheVersions() throws Exception {
        consumers.firstReady().get(2, TimeUnit.MINUTES);
        await().atMost(Duration.ofSeconds(30)).until(() -> get("/actuator/health/readiness").statusCode() == 200);
        assertThat(body("/actuator/health/readiness").at("/components/consumers/status").asText()).isEqualTo("UP");
        assertThat(get("/actuator/health/liveness").statusCode()).isEqualTo(200);

        String requestId = KafkaTestClient.newRequestId("ops-unreachable");
        kafka.sendCommand(requestId, UNREACHABLE_TASK, Map.of(), null);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonNode entry = body("/actuator/health").at("/components/clusters/components/unreachable");
            assertThat(entry.path("status").asText()).isEqualTo("DOWN");
            assertThat(entry.at("/details/parked").asInt()).isPositive();
        });
        HttpResponse<String> readiness = get("/actuator/health/readiness");
        assertThat(readiness.statusCode()).isEqualTo(200);
        assertThat(json.readTree(readiness.body()).path("status").asText()).isEqualTo("UP");
        assertThat(body("/actuator/health").at("/components/clusters/components/session/status").asText())
                .isIn("UP", "UNKNOWN");

        JsonNode info = body("/actuator/info");
        assertThat(info.at("/flink/version").asText()).isEqualTo(EnvironmentInformation.getVersion())
                .isNotEqualTo(EnvironmentInformation.UNKNOWN);
        assertThat(info.at("/build/version").asText()).isNotBlank();
    }

    @Test
    void theCountersMoveByWhatTheCommandsDid() throws Exception {
        consumers.firstReady().get(2, TimeUnit.MINUTES);
        Map<String, Double> before = scrape();

        String submitted = KafkaTestClient.newRequestId("ops-metrics");
        String unknownTask = KafkaTestClient.newRequestId("ops-metrics-unknown");
        kafka.sendCommand(submitted, BOUNDED_TASK, Map.of(), null);
        kafka.sendCommand(unknownTask, 987654, Map.of(), null);
        kafka.awaitEnvelope(submitted);
        kafka.awaitEnvelope(unknownTask);
        // two duplicates of an answered request, and a record that is not JSON (dead-lettered)
        kafka.sendCommand(submitted, BOUNDED_TASK, Map.of(), null);
        kafka.sendCommand(submitted, BOUNDED_TASK, Map.of(), null);
        kafka.sendRaw(WorkerTestInitializer.COMMANDS, submitted + "-raw",
                "not json".getBytes(StandardCharsets.UTF_8));
        await().atMost(Duration.ofSeconds(30)).until(() -> kafka.envelopes(submitted).size() == 3);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Map<String, Double> after = scrape();
            assertThat(delta(before, after, "submit_worker_commands_total{cluster=\"session\",code=\"0\","
                    + "outcome=\"submitted\"}")).isEqualTo(1.0);
            assertThat(delta(before, after, "submit_worker_commands_total{cluster=\"none\",code=\"1\","
                    + "outcome=\"refused\"}")).isEqualTo(1.0);
            assertThat(delta(before, after, "submit_worker_duplicates_total")).isEqualTo(2.0);
            assertThat(delta(before, after, "submit_worker_dead_letters_total")).isEqualTo(1.0);
            // at least: requests parked by other tests may be tried again meanwhile
            assertThat(delta(before, after, "submit_worker_latency_seconds_count{phase=\"compile\"}")).isPositive();
            assertThat(delta(before, after, "submit_worker_latency_seconds_count{phase=\"submit\"}")).isPositive();
            assertThat(delta(before, after, "submit_worker_latency_seconds_count{phase=\"commit\"}")).isPositive();
        });
        Map<String, Double> after = scrape();
        assertThat(after).containsKey("submit_worker_ledger_entries").containsKey("submit_worker_jobs_followed")
                .containsKey("submit_worker_parked{cluster=\"session\"}");
        assertThat(after.keySet()).anyMatch(name -> name.startsWith("kafka_consumer_"))
                .anyMatch(name -> name.startsWith("kafka_producer_"));
    }

    /**
     * The request's fields on every line about it, whichever thread writes it: the consumer reading the command, the
     * retry lane trying an unreachable cluster again, the status follower publishing a job's changes.
     */
    @Test
    void everyLineAboutARequestCarriesItsFields() throws Exception {
        consumers.firstReady().get(2, TimeUnit.MINUTES);
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        Logger worker = (Logger) LoggerFactory.getLogger("dev.submitworker");
        lines.start();
        worker.addAppender(lines);
        try {
            String parked = KafkaTestClient.newRequestId("ops-logs-parked");
            String followed = KafkaTestClient.newRequestId("ops-logs-followed");
            kafka.sendCommand(parked, UNREACHABLE_TASK, Map.of(), null);
            kafka.sendCommand(followed, BOUNDED_TASK, Map.of(), null);
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                List<String> messages = messages(lines);
                return messages.stream().anyMatch(m -> m.contains(parked) && m.contains("trying again"))
                        && messages.stream().anyMatch(m -> m.contains(followed) && m.contains(" is FINISHED"));
            });
            Map<String, Integer> tasks = Map.of(parked, UNREACHABLE_TASK, followed, BOUNDED_TASK);
            List<ILoggingEvent> about = List.copyOf(lines.list).stream()
                    .filter(event -> tasks.keySet().stream().anyMatch(event.getFormattedMessage()::contains))
                    .toList();
            assertThat(about).hasSizeGreaterThanOrEqualTo(3).allSatisfy(event -> {
                String requestId = tasks.keySet().stream().filter(event.getFormattedMessage()::contains).findFirst()
                        .orElseThrow();
                assertThat(event.getMDCPropertyMap()).as(event.getFormattedMessage())
                        .containsEntry("requestId", requestId)
                        .containsEntry("taskId", tasks.get(requestId).toString())
                        .containsEntry("jobId", new RequestId(requestId).jobId());
            });
        } finally {
            worker.detachAppender(lines);
        }
    }

    private static List<String> messages(ListAppender<ILoggingEvent> lines) {
        return List.copyOf(lines.list).stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    private static double delta(Map<String, Double> before, Map<String, Double> after, String series) {
        return after.getOrDefault(series, 0.0) - before.getOrDefault(series, 0.0);
    }

    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\\{[^}]*})?) (\\S+)$");

    /** Every sample of the Prometheus text format, by name and labels (labels in the order Micrometer writes). */
    private Map<String, Double> scrape() throws IOException, InterruptedException {
        HttpResponse<String> response = get("/actuator/prometheus");
        assertThat(response.statusCode()).isEqualTo(200);
        Map<String, Double> samples = new HashMap<>();
        for (String line : response.body().split("\n")) {
            Matcher sample = SAMPLE.matcher(line);
            if (sample.matches()) {
                samples.put(sample.group(1), Double.parseDouble(sample.group(2)));
            }
        }
        return samples;
    }

    private JsonNode body(String path) throws IOException, InterruptedException {
        return json.readTree(get(path).body());
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
