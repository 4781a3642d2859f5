package dev.submitworker.cluster;

import dev.submitworker.compile.Failures;
import java.net.URI;
import java.util.Map;
import org.apache.flink.client.program.ClusterClient;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.kubernetes.KubernetesClusterDescriptor;
import org.apache.flink.kubernetes.artifact.DefaultKubernetesArtifactUploader;
import org.apache.flink.kubernetes.configuration.KubernetesConfigOptions;
import org.apache.flink.kubernetes.kubeclient.FlinkKubeClientFactory;

/**
 * Finds a Flink cluster on Kubernetes the way Flink's own CLI does: through the native integration's
 * {@link KubernetesClusterDescriptor}, which reads the cluster's REST Service ({@code <cluster-id>-rest}) in its
 * namespace and yields a client for the address it exposes. The options are Flink's own
 * ({@code kubernetes.cluster-id}, {@code kubernetes.namespace}, {@code kubernetes.config.file},
 * {@code kubernetes.context}, {@code kubernetes.rest-service.exposed.type}); without a kubeconfig the in-cluster
 * service account is used. The lookup blocks on the Kubernetes API: callers bound it.
 */
final class KubernetesRestEndpoints {

    private KubernetesRestEndpoints() {}

    static void validateSession(String entryName, Map<String, String> flinkConfig) {
        String clusterId = flinkConfig.get(KubernetesConfigOptions.CLUSTER_ID.key());
        if (clusterId == null || clusterId.isBlank()) {
            throw new IllegalArgumentException("worker.clusters." + entryName + ".flink-config."
                    + KubernetesConfigOptions.CLUSTER_ID.key() + " is required for a kubernetes-session cluster "
                    + "(the cluster-id the session cluster was started with)");
        }
    }

    /**
     * The REST address of the cluster {@code kubernetes.cluster-id} of this configuration, as its Service exposes it.
     *
     * @throws IllegalStateException the Service cannot be read, or there is none
     */
    static URI restAddress(String entryName, Configuration configuration) {
        String clusterId = configuration.get(KubernetesConfigOptions.CLUSTER_ID);
        try (KubernetesClusterDescriptor descriptor = new KubernetesClusterDescriptor(configuration,
                FlinkKubeClientFactory.getInstance(), new DefaultKubernetesArtifactUploader());
             ClusterClient<String> client = descriptor.retrieve(clusterId).getClusterClient()) {
            return URI.create(client.getWebInterfaceURL());
        } catch (Exception e) {
            throw new IllegalStateException("Kubernetes cluster '" + clusterId + "' (cluster entry '" + entryName
                    + "', namespace " + configuration.get(KubernetesConfigOptions.NAMESPACE)
                    + ") could not be found: " + Failures.explain(e), e);
        }
    }
}
