package dev.submitworker.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.submitworker.core.ClusterTarget;
import dev.submitworker.core.Dialect;
import dev.submitworker.core.RunMode;
import dev.submitworker.core.SavePointStrategy;
import dev.submitworker.core.Task;
import dev.submitworker.core.port.ClusterGateway;
import dev.submitworker.core.port.ClusterUnreachableException;
import dev.submitworker.core.port.RefusedException;
import dev.submitworker.testing.KubernetesMock;
import dev.submitworker.testing.SharedInfrastructure;
import dev.submitworker.testing.Ports;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.apache.flink.api.common.JobID;
import org.junit.jupiter.api.Test;

/** Cluster entries: checked at start-up, chosen per task with precise refusals, one gateway each. */
class FlinkClustersTest {

    private static final ClusterTimeouts BOUNDS =
            new ClusterTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(10));
    private static final Duration POLL = Duration.ofSeconds(1);

    private static Task task(RunMode mode, String cluster) {
        return new Task(7, "orders", Dialect.FlinkSql, mode, cluster, 1, 0, SavePointStrategy.NONE, null, true, null,
                true, false, null, "INSERT INTO snk SELECT 1", null);
    }

    private static ClusterProperties standalone(String address) {
        return new ClusterProperties(RunMode.STANDALONE, address, null, null, null);
    }

    private static ClusterProperties kubernetesSession(String clusterId, KubernetesMock kubernetes) {
        return new ClusterProperties(RunMode.KUBERNETES_SESSION, null, null, null, Map.of(
                "kubernetes.cluster-id", clusterId,
                "kubernetes.namespace", KubernetesMock.NAMESPACE,
                "kubernetes.config.file", kubernetes.kubeconfig().toString(),
                "kubernetes.rest-service.exposed.type", "LoadBalancer"));
    }


    private static String hostPort(URI uri) {
        return uri.getHost() + ":" + uri.getPort();
    }

    @Test
    void aLocalTaskThatNamesNoClusterRunsOnTheDefaultLocalEntry() {
        try (FlinkClusters clusters = new FlinkClusters(Map.of(), BOUNDS, POLL)) {
            assertThat(clusters.resolve(task(RunMode.LOCAL, null)))
                    .isEqualTo(new ClusterTarget(FlinkClusters.DEFAULT_LOCAL, RunMode.LOCAL));
            assertThat(clusters.entries()).containsKey(FlinkClusters.DEFAULT_LOCAL);
        }
    }

    @Test
    void aTaskItsClusterCannotServeIsRefusedSayingWhy() {
        try (FlinkClusters clusters = new FlinkClusters(Map.of("session", standalone("flink:8081")), BOUNDS, POLL)) {
            assertThatThrownBy(() -> clusters.resolve(task(RunMode.YARN_SESSION, "session")))
                    .isInstanceOf(RefusedException.class)
                    .hasMessage("Run mode 'yarn-session' of task 7 is not supported by this worker (supported: "
                            + "local, standalone, kubernetes-session, kubernetes-application)");
            assertThatThrownBy(() -> clusters.resolve(task(RunMode.STANDALONE, " ")))
                    .isInstanceOf(RefusedException.class)
                    .hasMessage("Task 7 has run mode 'standalone' but names no cluster entry ('cluster' field)");
            assertThatThrownBy(() -> clusters.resolve(task(RunMode.STANDALONE, "elsewhere")))
                    .isInstanceOf(RefusedException.class)
                    .hasMessage("Task 7 names cluster 'elsewhere', which is not configured (configured: session, "
                            + "local)");
            assertThatThrownBy(() -> clusters.resolve(task(RunMode.KUBERNETES_SESSION, "session")))
                    .isInstanceOf(RefusedException.class)
                    .hasMessage("Task 7 has run mode 'kubernetes-session' but its cluster 'session' is of type "
                            + "'standalone'");
        }
    }

    @Test
    void anIncompleteEntryStopsTheWorkerAtStartUp() {
        assertThatThrownBy(() -> new FlinkClusters(Map.of("s", standalone(" ")), BOUNDS, POLL))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("worker.clusters.s.address");
        assertThatThrownBy(() -> new FlinkClusters(Map.of("s", standalone("no port")), BOUNDS, POLL))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new FlinkClusters(Map.of("k", new ClusterProperties(RunMode.KUBERNETES_SESSION,
                null, null, null, Map.of())), BOUNDS, POLL))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("kubernetes.cluster-id");
        assertThatThrownBy(() -> new FlinkClusters(Map.of("a", new ClusterProperties(
                RunMode.KUBERNETES_APPLICATION, null, null, null, Map.of())), BOUNDS, POLL))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("kubernetes.container.image");
        assertThatThrownBy(() -> new FlinkClusters(Map.of("t", new ClusterProperties(null, null, null, null,
                null)), BOUNDS, POLL))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("worker.clusters.t.type");
    }

    @Test
    void oneGatewayPerEntryIsMadeOnFirstUseAndKept() throws IOException {
        try (FlinkClusters clusters = new FlinkClusters(Map.of("session", standalone(Ports.deadAddress().toString())),
                BOUNDS, POLL)) {
            ClusterTarget target = clusters.resolve(task(RunMode.STANDALONE, "session"));

            ClusterGateway gateway = clusters.gateway(target);

            assertThat(gateway).isInstanceOf(RestSessionGateway.class).isSameAs(clusters.gateway(target));
            assertThatThrownBy(() -> clusters.gateway(new ClusterTarget("session", RunMode.LOCAL)))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void aKubernetesSessionClusterThatMovedIsFoundAgainAfterAFailure() throws IOException {
        KubernetesMock kubernetes = KubernetesMock.start();
        URI before = Ports.deadAddress();
        URI after = SharedInfrastructure.flinkRestAddress();
        kubernetes.exposeSessionCluster("moving-session", before);
        try (FlinkClusters clusters = new FlinkClusters(
                Map.of("k8s", kubernetesSession("moving-session", kubernetes)), BOUNDS, POLL)) {
            ClusterGateway gateway = clusters.gateway(clusters.resolve(task(RunMode.KUBERNETES_SESSION, "k8s")));
            assertThat(gateway.address()).isEqualTo(hostPort(before));

            // redeployed: the Service now points elsewhere
            kubernetes.client().services().inNamespace(KubernetesMock.NAMESPACE).withName("moving-session-rest")
                    .delete();
            kubernetes.exposeSessionCluster("moving-session", after);

            String jobId = new JobID().toHexString();
            assertThatThrownBy(() -> gateway.find(jobId)).isInstanceOf(ClusterUnreachableException.class);
            assertThat(gateway.find(jobId)).isEmpty();
            assertThat(gateway.address()).isEqualTo(hostPort(after));
        } finally {
            kubernetes.close();
        }
    }

    @Test
    void aKubernetesSessionClusterKubernetesDoesNotKnowIsUnreachableUntilItAppears() {
        KubernetesMock kubernetes = KubernetesMock.start();
        try (FlinkClusters clusters = new FlinkClusters(
                Map.of("k8s", kubernetesSession("late-session", kubernetes)), BOUNDS, POLL)) {
            ClusterTarget target = clusters.resolve(task(RunMode.KUBERNETES_SESSION, "k8s"));
            assertThatThrownBy(() -> clusters.gateway(target))
                    .isInstanceOf(ClusterUnreachableException.class)
                    .hasMessageContaining("late-session").hasMessageContaining(KubernetesMock.NAMESPACE);

            kubernetes.exposeSessionCluster("late-session", SharedInfrastructure.flinkRestAddress());

            assertThat(clusters.gateway(target).address())
                    .isEqualTo(hostPort(SharedInfrastructure.flinkRestAddress()));
        } finally {
            kubernetes.close();
        }
    }
}
