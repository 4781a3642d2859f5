package dev.submitworker.cluster;

import dev.submitworker.compile.SessionJob;
import dev.submitworker.core.ClusterTarget;
import dev.submitworker.core.JobDescription;
import dev.submitworker.core.Task;
import dev.submitworker.core.port.ClusterUnreachableException;
import dev.submitworker.core.port.RefusedException;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.runtime.jobgraph.JobGraph;

/**
 * The old engine's view of {@link FlinkClusters}: entry names instead of {@link ClusterTarget}s, and the old
 * exceptions. Goes with the old engine.
 */
public final class ClusterRegistry implements AutoCloseable {

    public static final String DEFAULT_LOCAL = FlinkClusters.DEFAULT_LOCAL;

    private final FlinkClusters clusters;

    public ClusterRegistry(Map<String, ClusterProperties> entries) {
        this.clusters = new FlinkClusters(entries, ClusterTimeouts.DEFAULTS);
    }

    /** A configured entry; {@link #entryFor} names the one a task runs on. */
    public ClusterProperties entry(String name) {
        ClusterProperties entry = clusters.entries().get(name);
        if (entry == null) {
            throw new ClusterResolutionException("Cluster '" + name + "' is not configured");
        }
        return entry;
    }

    /** The cluster entry name a task runs on. */
    public String entryFor(Task task) {
        try {
            return clusters.resolve(task).entry();
        } catch (RefusedException e) {
            throw new ClusterResolutionException(e.getMessage());
        }
    }

    /** The gateway of a session cluster entry (local, standalone, kubernetes-session). */
    public ClusterGateway gateway(String name) {
        ClusterTarget target = new ClusterTarget(name, entry(name).type());
        return new OldGateway(translated(() -> clusters.gateway(target)));
    }

    public Map<String, ClusterProperties> entries() {
        return clusters.entries();
    }

    @Override
    public void close() {
        clusters.close();
    }

    private static <T> T translated(Supplier<T> call) {
        try {
            return call.get();
        } catch (ClusterUnreachableException e) {
            throw new ClusterUnavailableException(e.getMessage(), e);
        } catch (RefusedException e) {
            throw new SubmissionRejectedException(e.detail() == null ? e.getMessage()
                    : e.getMessage() + ": " + e.detail(), e);
        }
    }

    private record OldGateway(dev.submitworker.core.port.ClusterGateway gateway) implements ClusterGateway {

        @Override
        public String address() {
            return gateway.address();
        }

        @Override
        public boolean submit(JobGraph jobGraph) {
            JobDescription description = new JobDescription(jobGraph.getName(), null, null, null, null, null);
            return translated(() -> gateway.submit(new SessionJob(jobGraph, description, () -> {})).created());
        }

        @Override
        public Optional<JobStatus> status(JobID jobId) {
            return translated(() -> gateway.find(jobId.toHexString()).map(job -> JobStatus.valueOf(job.status())));
        }

        @Override
        public void close() {
            // the gateway is FlinkClusters', closed with it
        }
    }
}
