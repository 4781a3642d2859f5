package dev.submitworker.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.submitworker.core.RequestId;
import dev.submitworker.core.ClusterTarget;
import dev.submitworker.core.SubmitCommand;
import dev.submitworker.core.port.ClusterGateway;
import dev.submitworker.core.port.CompiledJob;
import dev.submitworker.core.port.JobCompiler;
import dev.submitworker.core.Task;
import dev.submitworker.core.port.TaskCatalog;
import dev.submitworker.testing.KafkaTestClient;
import dev.submitworker.testing.KubernetesMock;
import dev.submitworker.testing.SharedInfrastructure;
import dev.submitworker.testing.WorkerTest;
import dev.submitworker.testing.WorkerTestInitializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * kubernetes-application: one application cluster per request, deployed through Flink's KubernetesClusterDescriptor
 * against fabric8's mock API server (CRUD mode, real HTTP). Nothing runs there; the test reads back what a real
 * cluster would start from: the JobManager Deployment, its Services and the ConfigMap with the Flink configuration.
 */
@WorkerTest
class KubernetesApplicationTest {

    private static final KafkaTestClient kafka = KafkaTestClient.shared();
    private static final NamespacedKubernetesClient kubernetes = SharedInfrastructure.kubernetes().client();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @TempDir
    Path savepoints;

    @Autowired
    private TaskCatalog catalog;
    @Autowired
    private FlinkClusters clusters;
    @Autowired
    private JobCompiler compiler;

    private static Deployment deployment(String clusterId) {
        return kubernetes.apps().deployments().inNamespace(KubernetesMock.NAMESPACE).withName(clusterId).get();
    }

    /** The Flink configuration the cluster's JobManager starts with, from the ConfigMap its Deployment owns. */
    private static JsonNode flinkConfiguration(String clusterId) throws IOException {
        ConfigMap configMap = kubernetes.configMaps().inNamespace(KubernetesMock.NAMESPACE)
                .withName("flink-config-" + clusterId).get();
        assertThat(configMap).as("ConfigMap flink-config-" + clusterId).isNotNull();
        assertThat(configMap.getData()).containsKey("config.yaml");
        // owned by the JobManager Deployment: the script goes when the cluster goes
        assertThat(configMap.getMetadata().getOwnerReferences())
                .anySatisfy(owner -> assertThat(owner.getKind() + "/" + owner.getName())
                        .isEqualTo("Deployment/" + clusterId));
        return YAML.readTree(configMap.getData().get("config.yaml"));
    }

    @Test
    void aSqlTaskBecomesAnApplicationClusterThatRunsTheScriptWithTheRequestsJobId() throws Exception {
        String requestId = KafkaTestClient.newRequestId("k8s-app-sql");
        Path savepoint = Files.createDirectories(savepoints.resolve("savepoint-1"));
        Files.writeString(savepoint.resolve("_metadata"), "metadata");
        JsonNode envelope = kafka.submit(requestId, 152, Map.of("day", "2026-11-28"), savepoint.toUri().toString());

        assertThat(envelope.get("code").asInt()).as(envelope.toPrettyString()).isZero();
        String jobId = new RequestId(requestId).jobId();
        String clusterId = "job-" + jobId;
        assertThat(envelope.at("/data/result/clusterId").asText()).isEqualTo(clusterId);
        assertThat(envelope.at("/data/jobId").asText()).isEqualTo(jobId);
        assertThat(envelope.at("/data/jobManagerAddress").asText())
                .isEqualTo(clusterId + "-rest." + KubernetesMock.NAMESPACE + ":8081");

        Deployment jobManager = deployment(clusterId);
        assertThat(jobManager).as("JobManager Deployment " + clusterId).isNotNull();
        assertThat(jobManager.getSpec().getTemplate().getSpec().getContainers())
                .anySatisfy(container -> assertThat(container.getImage())
                        .isEqualTo(WorkerTestInitializer.APPLICATION_IMAGE));
        assertThat(jobManager.getSpec().getTemplate().getSpec().getServiceAccountName()).isEqualTo("flink");
        assertThat(kubernetes.services().inNamespace(KubernetesMock.NAMESPACE).withName(clusterId + "-rest").get())
                .isNotNull();

        JsonNode configuration = flinkConfiguration(clusterId);
        assertThat(configuration.at("/$internal/pipeline/job-id").asText()).isEqualTo(jobId);
        assertThat(configuration.at("/$internal/application/main").asText())
                .isEqualTo(KubernetesApplicationGateway.SQL_DRIVER);
        JsonNode arguments = configuration.at("/$internal/application/program-args");
        assertThat(arguments.get(0).asText()).isEqualTo("--script");
        assertThat(arguments.get(1).asText()).contains("INSERT INTO snk SELECT id FROM src WHERE d <> '2026-11-28'")
                .doesNotContain("${day}");
        assertThat(configuration.at("/parallelism/default").asInt()).isEqualTo(2);
        assertThat(configuration.at("/pipeline/max-parallelism").asText()).isEqualTo("64");
        assertThat(configuration.at("/pipeline/name").asText()).isEqualTo("Orders Enrichment App");
        assertThat(configuration.at("/execution/state-recovery/path").asText())
                .isEqualTo(savepoint.toUri().toString());
        assertThat(configuration.at("/execution/target").asText()).isEqualTo("kubernetes-application");
        assertThat(configuration.at("/kubernetes/cluster-id").asText()).isEqualTo(clusterId);
    }

    @Test
    void theSameRequestDeploysNoSecondCluster() {
        String requestId = KafkaTestClient.newRequestId("k8s-app-twice");
        JsonNode first = kafka.submit(requestId, 152, Map.of("day", "2026-11-29"), null);
        assertThat(first.get("code").asInt()).as(first.toPrettyString()).isZero();
        String clusterId = first.at("/data/result/clusterId").asText();
        long deployments = kubernetes.apps().deployments().inNamespace(KubernetesMock.NAMESPACE).list().getItems()
                .stream().filter(d -> d.getMetadata().getName().equals(clusterId)).count();
        assertThat(deployments).isEqualTo(1);

        // redelivered: the ledger answers it as a duplicate
        kafka.sendCommand(requestId, 152, Map.of("day", "2026-11-29"), null);
        await().atMost(Duration.ofSeconds(60)).until(() -> kafka.envelopes(requestId).size() == 2);
        JsonNode duplicate = kafka.envelopes(requestId).get(1);
        assertThat(duplicate.get("duplicate").asBoolean()).isTrue();
        assertThat(duplicate.at("/data/result/clusterId").asText()).isEqualTo(clusterId);

        // and past the ledger (a worker whose ledger lost the entry), the gateway finds the cluster it made
        Task task = catalog.find(152).orElseThrow();
        ClusterTarget target = clusters.resolve(task);
        try (CompiledJob job = compiler.compile(task, new SubmitCommand(new RequestId(requestId), 152, null,
                Map.of("day", "2026-11-29")), target)) {
            ClusterGateway.Deployment again = clusters.gateway(target).submit(job);
            assertThat(again.created()).isFalse();
            assertThat(again.clusterId()).isEqualTo(clusterId);
        }
        assertThat(kubernetes.apps().deployments().inNamespace(KubernetesMock.NAMESPACE).list().getItems())
                .filteredOn(d -> d.getMetadata().getName().equals(clusterId)).hasSize(1);
    }

    @Test
    void aJarTaskRunsItsProgramFromTheImage() throws IOException {
        String requestId = KafkaTestClient.newRequestId("k8s-app-jar");
        JsonNode envelope = kafka.submit(requestId, 153, null, null);

        assertThat(envelope.get("code").asInt()).as(envelope.toPrettyString()).isZero();
        String clusterId = envelope.at("/data/result/clusterId").asText();
        JsonNode configuration = flinkConfiguration(clusterId);
        assertThat(configuration.at("/pipeline/jars/0").asText())
                .isEqualTo("local:///opt/flink/usrlib/clicks-sessionizer.jar");
        assertThat(configuration.at("/$internal/application/main").asText()).isEqualTo("com.acme.Sessionizer");
        assertThat(configuration.at("/$internal/application/program-args")).extracting(JsonNode::asText)
                .containsExactly("--topic", "clicks", "--gap", "30 min");
        assertThat(configuration.at("/$internal/pipeline/job-id").asText())
                .isEqualTo(new RequestId(requestId).jobId());
    }

    @Test
    void aDeploymentTheApiForbidsIsAnsweredWithItsMessageAndNotRetried() {
        int requestsBefore = SharedInfrastructure.forbiddingKubernetes().requestCount();
        String requestId = KafkaTestClient.newRequestId("k8s-app-forbidden");
        JsonNode envelope = kafka.submit(requestId, 154, Map.of("day", "2026-11-28"), null);

        assertThat(envelope.get("code").asInt()).as(envelope.toPrettyString()).isEqualTo(1);
        assertThat(envelope.at("/data/error").asText()).contains("forbidden").contains("cannot create resource");
        // a look for an existing cluster, the refused create and Flink's clean-up after it: no retry storm
        assertThat(SharedInfrastructure.forbiddingKubernetes().requestCount() - requestsBefore).isLessThanOrEqualTo(5);
    }
}
