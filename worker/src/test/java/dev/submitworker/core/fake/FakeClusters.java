package dev.submitworker.core.fake;

import dev.submitworker.core.ClusterTarget;
import dev.submitworker.core.Task;
import dev.submitworker.core.port.ClusterGateway;
import dev.submitworker.core.port.Clusters;
import dev.submitworker.core.port.RefusedException;
import java.util.HashMap;
import java.util.Map;

/** Cluster entries in memory, each a {@link FakeCluster}. */
public final class FakeClusters implements Clusters {

    private final Map<String, FakeCluster> clusters = new HashMap<>();

    public FakeCluster add(String name) {
        return clusters.computeIfAbsent(name, FakeCluster::new);
    }

    /** The entry is taken out of the configuration (as at a restart with a configuration without it). */
    public void remove(String name) {
        clusters.remove(name);
    }

    @Override
    public ClusterTarget resolve(Task task) {
        if (!task.type().supported()) {
            throw new RefusedException("Run mode '" + task.type() + "' of task " + task.id() + " is not supported");
        }
        if (!clusters.containsKey(task.cluster())) {
            throw new RefusedException("Task " + task.id() + " names cluster '" + task.cluster()
                    + "', which is not configured");
        }
        return new ClusterTarget(task.cluster(), task.type());
    }

    @Override
    public ClusterGateway gateway(ClusterTarget target) {
        FakeCluster cluster = clusters.get(target.entry());
        if (cluster == null) {
            throw new IllegalArgumentException("No cluster entry '" + target.entry() + "'");
        }
        return cluster;
    }
}
