package dev.submitworker.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.submitworker.testing.FlinkTestClient;
import dev.submitworker.testing.KafkaTestClient;
import dev.submitworker.testing.SharedInfrastructure;
import dev.submitworker.testing.WorkerTest;
import java.net.URI;
import java.time.Duration;
import java.util.UUID;
import org.apache.flink.api.common.JobStatus;
import org.junit.jupiter.api.Test;

/**
 * A kubernetes-session cluster entry, resolved through Flink's KubernetesClusterDescriptor against a Kubernetes API
 * (fabric8's mock server, real HTTP) whose REST Service for the session cluster points at the shared MiniCluster: the
 * job must land on that MiniCluster.
 */
@WorkerTest
class KubernetesSessionTest {

    private static final KafkaTestClient kafka = KafkaTestClient.shared();

    @Test
    void aKubernetesSessionTaskRunsOnTheClusterItsServiceExposes() throws Exception {
        String requestId = "k8s-session-" + UUID.randomUUID();
        kafka.sendCommand("{\"requestId\":\"" + requestId + "\",\"id\":150}");
        JsonNode envelope = kafka.awaitEnvelope(requestId);

        assertThat(envelope.get("code").asInt()).as(envelope.toPrettyString()).isZero();
        URI session = SharedInfrastructure.flinkRestAddress();
        assertThat(envelope.at("/data/jobManagerAddress").asText())
                .isEqualTo(session.getHost() + ":" + session.getPort());
        assertThat(envelope.at("/data/jobConfig/type").asText()).isEqualTo("kubernetes-session");
        String jobId = envelope.at("/data/jobId").asText();
        try (FlinkTestClient flink = FlinkTestClient.session()) {
            await().atMost(Duration.ofSeconds(60)).until(() -> flink.status(jobId) == JobStatus.FINISHED);
        }
    }

    @Test
    void aSessionClusterKubernetesDoesNotKnowIsAnsweredWithCode5NamingIt() {
        String requestId = "k8s-absent-" + UUID.randomUUID();
        kafka.sendCommand("{\"requestId\":\"" + requestId + "\",\"id\":151}");
        JsonNode envelope = kafka.awaitEnvelope(requestId);

        assertThat(envelope.get("code").asInt()).as(envelope.toPrettyString()).isEqualTo(5);
        assertThat(envelope.at("/data/error").asText()).contains("no-such-session").contains("flink");
    }
}
