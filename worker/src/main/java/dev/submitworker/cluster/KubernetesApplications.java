package dev.submitworker.cluster;

import dev.submitworker.compile.Failures;
import dev.submitworker.compile.TaskCompiler;
import dev.submitworker.core.Task;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.api.common.JobID;
import org.apache.flink.client.deployment.ClusterSpecification;
import org.apache.flink.client.deployment.application.ApplicationConfiguration;
import org.apache.flink.client.program.ClusterClient;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.DeploymentOptions;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.PipelineOptionsInternal;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.kubernetes.KubernetesClusterClientFactory;
import org.apache.flink.kubernetes.KubernetesClusterDescriptor;
import org.apache.flink.kubernetes.artifact.DefaultKubernetesArtifactUploader;
import org.apache.flink.kubernetes.configuration.KubernetesConfigOptions;
import org.apache.flink.kubernetes.configuration.KubernetesDeploymentTarget;
import org.apache.flink.kubernetes.kubeclient.FlinkKubeClient;
import org.apache.flink.kubernetes.kubeclient.FlinkKubeClientFactory;
import org.apache.flink.kubernetes.kubeclient.decorators.ExternalServiceDecorator;
import org.apache.flink.kubernetes.shaded.io.fabric8.kubernetes.client.KubernetesClientException;
import org.apache.flink.kubernetes.utils.Constants;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.util.ExceptionUtils;

/**
 * One Flink application cluster per command on Kubernetes, deployed with Flink's native integration
 * ({@link KubernetesClusterDescriptor#deployApplicationCluster}). The cluster-id is derived from the task name and
 * the requestId, so a redelivered command finds the cluster it deployed before instead of deploying a second one; the
 * job's JobID is fixed in the cluster's configuration.
 *
 * <p>SQL tasks run Flink's own SQL driver on the JobManager ({@value #SQL_DRIVER}, FLIP-480) with the script (variables
 * applied) as its {@code --script} argument: the argument lives in the cluster's Flink configuration, in the
 * {@code flink-config-<cluster-id>} ConfigMap that the JobManager Deployment owns, so it goes when the cluster goes.
 * Jar tasks run their program from a {@code local://} jar inside the image. Options, lowest priority first: the
 * cluster entry's {@code flink-config}, the task's fields, the task's {@code configJson}.
 */
public final class KubernetesApplications {

    static final String SQL_DRIVER = "org.apache.flink.table.runtime.application.SqlDriver";

    private KubernetesApplications() {}

    /** The outcome of one deployment: the cluster-id, its REST address, and whether this call created it. */
    public record Deployment(String clusterId, String restAddress, boolean created) {}

    /**
     * {@code <task name>-<10 hex of the requestId's hash>}: a DNS-1123 label, at most 45 characters (Flink's limit
     * for cluster-ids), starting with a letter, stable for a requestId.
     */
    static String clusterId(String taskName, String requestId) {
        String hash = sha256Hex(requestId).substring(0, 10);
        String name = taskName.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]+", "-").replaceAll("^[^a-z]+", "");
        int room = Constants.MAXIMUM_CHARACTERS_OF_CLUSTER_ID - hash.length() - 1;
        name = name.substring(0, Math.min(name.length(), room)).replaceAll("-+$", "");
        return (name.isEmpty() ? "job" : name) + "-" + hash;
    }

    static void validate(String entryName, Map<String, String> flinkConfig) {
        if (!flinkConfig.containsKey(KubernetesConfigOptions.CONTAINER_IMAGE.key())) {
            throw new IllegalArgumentException("worker.clusters." + entryName + ".flink-config."
                    + KubernetesConfigOptions.CONTAINER_IMAGE.key() + " is required for a kubernetes-application "
                    + "cluster (the Flink image the application clusters run)");
        }
    }

    /**
     * Deploys the application cluster of a request unless it exists already.
     *
     * @param beforeDeploy called right before the cluster is created (the ledger makes the intent durable there)
     * @throws ClusterUnavailableException the Kubernetes API could not be reached (transient)
     * @throws SubmissionRejectedException the API refused (forbidden, invalid, namespace missing): permanent
     */
    public static Deployment deploy(String entryName, Map<String, String> clusterConfig, Task task, String requestId,
                             JobID jobId, TaskCompiler.PreparedTask prepared, Runnable beforeDeploy) {
        String clusterId = clusterId(task.name(), requestId);
        Configuration configuration = configuration(clusterConfig, task, clusterId, jobId, prepared);
        try (FlinkKubeClient kube = FlinkKubeClientFactory.getInstance().fromConfiguration(configuration,
                "submit-worker")) {
            if (kube.getService(ExternalServiceDecorator.getExternalServiceName(clusterId)).isPresent()) {
                return new Deployment(clusterId, restAddress(clusterId, configuration), false);
            }
            beforeDeploy.run();
            try (KubernetesClusterDescriptor descriptor = new KubernetesClusterDescriptor(configuration,
                    FlinkKubeClientFactory.getInstance(), new DefaultKubernetesArtifactUploader());
                 ClusterClient<String> client = descriptor.deployApplicationCluster(clusterSpecification(configuration),
                         ApplicationConfiguration.fromConfiguration(configuration)).getClusterClient()) {
                return new Deployment(clusterId, hostPort(client.getWebInterfaceURL()), true);
            }
        } catch (ClusterUnavailableException | SubmissionRejectedException e) {
            throw e;
        } catch (Exception e) {
            throw classify(entryName, clusterId, e);
        }
    }

    private static Configuration configuration(Map<String, String> clusterConfig, Task task, String clusterId,
                                               JobID jobId, TaskCompiler.PreparedTask prepared) {
        Configuration configuration = new Configuration();
        // Flink's own defaults from its distribution's config file; the descriptor refuses to deploy without them
        configuration.set(JobManagerOptions.TOTAL_PROCESS_MEMORY, MemorySize.parse("1600m"));
        configuration.set(TaskManagerOptions.TOTAL_PROCESS_MEMORY, MemorySize.parse("1728m"));
        configuration.addAll(Configuration.fromMap(clusterConfig));
        if (task.parallelism() != null) {
            configuration.set(CoreOptions.DEFAULT_PARALLELISM, task.parallelism());
        }
        configuration.addAll(Configuration.fromMap(TaskCompiler.jobOptions(task, Map.of())));
        configuration.set(DeploymentOptions.TARGET, KubernetesDeploymentTarget.APPLICATION.getName());
        configuration.set(KubernetesConfigOptions.CLUSTER_ID, clusterId);
        configuration.set(PipelineOptionsInternal.PIPELINE_FIXED_JOB_ID, jobId.toHexString());
        if (prepared.savepointPath() != null) {
            SavepointRestoreSettings.toConfiguration(SavepointRestoreSettings.forPath(prepared.savepointPath(),
                    prepared.allowNonRestoredState()), configuration);
        }
        if (prepared.script() != null) {
            configuration.set(ApplicationConfiguration.APPLICATION_MAIN_CLASS, SQL_DRIVER);
            configuration.set(ApplicationConfiguration.APPLICATION_ARGS, List.of("--script", prepared.script()));
        } else {
            configuration.set(PipelineOptions.JARS, List.of(task.jar().uri()));
            if (task.jar().mainClass() != null) {
                configuration.set(ApplicationConfiguration.APPLICATION_MAIN_CLASS, task.jar().mainClass());
            }
            configuration.set(ApplicationConfiguration.APPLICATION_ARGS, task.jar().args());
        }
        return configuration;
    }

    private static ClusterSpecification clusterSpecification(Configuration configuration) {
        return new KubernetesClusterClientFactory().getClusterSpecification(configuration);
    }

    private static String restAddress(String clusterId, Configuration configuration) {
        return ExternalServiceDecorator.getNamespacedExternalServiceName(clusterId,
                configuration.get(KubernetesConfigOptions.NAMESPACE)) + ":" + configuration.get(RestOptions.PORT);
    }

    private static String hostPort(String url) {
        URI uri = URI.create(url);
        return uri.getHost() + ":" + uri.getPort();
    }

    /**
     * No answer from the API (or a 5xx) is transient; an answer that refuses (4xx: forbidden, invalid, namespace
     * missing) and a configuration Flink will not deploy are permanent, not worth retrying.
     */
    private static RuntimeException classify(String entryName, String clusterId, Exception failure) {
        String context = "Deploying application cluster '" + clusterId + "' (cluster entry '" + entryName + "') failed: "
                + Failures.explain(failure);
        boolean transientFailure = ExceptionUtils.findThrowable(failure, KubernetesClientException.class)
                .map(api -> api.getCode() == 0 || api.getCode() >= 500)
                .orElseGet(() -> ExceptionUtils.findThrowable(failure, IOException.class).isPresent());
        return transientFailure
                ? new ClusterUnavailableException(context, failure)
                : new SubmissionRejectedException(context, failure);
    }

    private static String sha256Hex(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
