package dev.submitworker.containers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.submitworker.app.SubmitWorkerApplication;
import dev.submitworker.testing.FlinkTestClient;
import dev.submitworker.testing.KafkaTestClient;
import dev.submitworker.testing.WorkerProcess;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The worker against Kafka in a container (Apache Kafka's own image, KRaft) rather than the embedded broker: a
 * command answered once with its job FINISHED on the MiniCluster, and the same command again answered as a
 * duplicate. Run by {@code make test-containers}, never by {@code make test}; without a reachable Docker engine it
 * is skipped, with the reason, and {@code make test-containers} fails.
 */
class KafkaContainerTest {

    static final String KAFKA_IMAGE = "apache/kafka:4.1.2";

    /** asked once: Testcontainers tries each way of reaching an engine (socket, DOCKER_HOST, Docker Desktop) */
    private static final boolean DOCKER = DockerClientFactory.instance().isDockerAvailable();

    /** Per test rather than per class: a class skipped before its tests start is reported as no test at all. */
    @BeforeEach
    void dockerEngine() {
        Assumptions.assumeTrue(DOCKER,
                "no Docker engine reachable (Testcontainers found none): Kafka in a container was not tested");
    }

    @Test
    void aCommandIsAnsweredOnceAndItsDuplicateAgainOnKafkaInAContainer() throws Exception {
        try (KafkaContainer kafka = new KafkaContainer(KAFKA_IMAGE)) {
            kafka.start();
            commandAndDuplicate(kafka.getBootstrapServers());
        }
    }

    private static void commandAndDuplicate(String bootstrap) throws Exception {
        String prefix = "containers-" + UUID.randomUUID().toString().substring(0, 8);
        String requestId = KafkaTestClient.newRequestId("container");
        try (KafkaTestClient client = KafkaTestClient.forTopics(bootstrap, prefix + ".commands",
                prefix + ".results", prefix + ".commands.DLT");
             WorkerProcess worker = WorkerProcess.start(SubmitWorkerApplication.class.getName(), prefix,
                     WorkerProcess.properties(prefix, bootstrap), List.of())) {
            JsonNode first = client.submit(requestId, 101, null, null);
            FlinkTestClient.shared().awaitFinished(first);
            client.sendCommand(requestId, 101, null, null);

            await().atMost(Duration.ofSeconds(60))
                    .until(() -> client.envelopes(requestId).size() == 2);
            JsonNode second = client.envelopes(requestId).get(1);
            assertThat(second.get("duplicate").asBoolean()).isTrue();
            assertThat(second.at("/data/jobId")).isEqualTo(first.at("/data/jobId"));
            assertThat(first.get("duplicate").asBoolean()).isFalse();
        }
    }
}
