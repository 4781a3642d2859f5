package dev.submitworker.cluster;

import dev.submitworker.compile.ApplicationJob;
import dev.submitworker.compile.JobIds;
import dev.submitworker.compile.TaskCompiler;
import dev.submitworker.core.JobDescription;
import dev.submitworker.core.Task;
import dev.submitworker.core.port.ClusterGateway;
import dev.submitworker.core.port.ClusterUnreachableException;
import dev.submitworker.core.port.RefusedException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.CoreOptions;

/** The old engine's view of {@link KubernetesApplicationGateway}. Goes with the old engine. */
public final class KubernetesApplications {

    static final String SQL_DRIVER = KubernetesApplicationGateway.SQL_DRIVER;

    private KubernetesApplications() {}

    /** The outcome of one deployment: the cluster-id, its REST address, and whether this call created it. */
    public record Deployment(String clusterId, String restAddress, boolean created) {}

    static String clusterId(String taskName, String requestId) {
        return KubernetesApplicationGateway.clusterId(JobIds.forRequest(requestId).toHexString());
    }

    /**
     * Deploys the application cluster of a request unless it exists already.
     *
     * @param beforeDeploy called before the cluster is created (the ledger makes the intent durable there)
     * @throws ClusterUnavailableException the Kubernetes API could not be reached (transient)
     * @throws SubmissionRejectedException the API refused (forbidden, invalid, namespace missing): permanent
     */
    public static Deployment deploy(String entryName, Map<String, String> clusterConfig, Task task, String requestId,
                                    JobID jobId, TaskCompiler.PreparedTask prepared, Runnable beforeDeploy) {
        Map<String, String> options = new LinkedHashMap<>();
        if (task.parallelism() != null) {
            options.put(CoreOptions.DEFAULT_PARALLELISM.key(), task.parallelism().toString());
        }
        options.putAll(TaskCompiler.jobOptions(task, Map.of()));
        ApplicationJob job = new ApplicationJob(jobId.toHexString(), new JobDescription(task.name(),
                prepared.script(), options, prepared.variables(), prepared.savepointPath(), prepared.note()),
                options, prepared.script(), prepared.script() == null ? task.jar() : null, prepared.savepointPath(),
                prepared.allowNonRestoredState());
        try (KubernetesApplicationGateway gateway = new KubernetesApplicationGateway(entryName, clusterConfig,
                ClusterTimeouts.DEFAULTS)) {
            if (gateway.find(job.jobId()).isEmpty()) {
                beforeDeploy.run();
            }
            ClusterGateway.Deployment deployment = gateway.submit(job);
            return new Deployment(deployment.clusterId(), deployment.jobManagerAddress(), deployment.created());
        } catch (ClusterUnreachableException e) {
            throw new ClusterUnavailableException(e.getMessage(), e);
        } catch (RefusedException e) {
            throw new SubmissionRejectedException(e.detail() == null ? e.getMessage()
                    : e.getMessage() + ": " + e.detail(), e);
        }
    }
}
