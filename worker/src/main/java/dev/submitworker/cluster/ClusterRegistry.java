package dev.submitworker.cluster;

import dev.submitworker.core.RunMode;
import dev.submitworker.core.Task;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's named cluster entries and their gateways. Gateways are created on first use (a local entry starts its
 * MiniCluster then) and shared afterwards.
 */
public final class ClusterRegistry implements AutoCloseable {

    /** The entry a {@code local} task uses when it names no cluster. */
    public static final String DEFAULT_LOCAL = "local";

    private static final Logger log = LoggerFactory.getLogger(ClusterRegistry.class);

    private final Map<String, ClusterProperties> entries;
    private final Map<String, ClusterGateway> gateways = new ConcurrentHashMap<>();
    private final Map<String, EmbeddedFlinkCluster> localClusters = new ConcurrentHashMap<>();

    public ClusterRegistry(Map<String, ClusterProperties> entries) {
        this.entries = new LinkedHashMap<>(entries);
        this.entries.putIfAbsent(DEFAULT_LOCAL, ClusterProperties.defaultLocal());
        this.entries.forEach(ClusterRegistry::validate);
    }

    private static void validate(String name, ClusterProperties entry) {
        if (entry.type() == null) {
            throw new IllegalArgumentException("worker.clusters." + name + ".type is required ("
                    + RunMode.supportedModes() + ")");
        }
        if (entry.type() == RunMode.STANDALONE) {
            if (entry.address() == null || entry.address().isBlank()) {
                throw new IllegalArgumentException("worker.clusters." + name + ".address is required for a standalone "
                        + "cluster (the JobManager's REST address, e.g. http://flink-jobmanager:8081)");
            }
            RestClusterGateway.parseAddress(entry.address());
        }
        if (entry.type() == RunMode.KUBERNETES_SESSION) {
            KubernetesSessions.validate(name, entry.flinkConfig());
        }
        if (entry.type() == RunMode.KUBERNETES_APPLICATION) {
            KubernetesApplications.validate(name, entry.flinkConfig());
        }
    }

    /** A configured entry; {@link #entryFor} names the one a task runs on. */
    public ClusterProperties entry(String name) {
        ClusterProperties entry = entries.get(name);
        if (entry == null) {
            throw new ClusterResolutionException("Cluster '" + name + "' is not configured");
        }
        return entry;
    }

    /** The cluster entry name a task runs on. */
    public String entryFor(Task task) {
        if (!task.type().supported()) {
            throw new ClusterResolutionException("Run mode '" + task.type() + "' of task " + task.id()
                    + " is not supported by this worker (supported: " + RunMode.supportedModes() + ")");
        }
        String name = task.cluster() == null || task.cluster().isBlank()
                ? (task.type() == RunMode.LOCAL ? DEFAULT_LOCAL : null)
                : task.cluster();
        if (name == null) {
            throw new ClusterResolutionException("Task " + task.id() + " has run mode '" + task.type()
                    + "' but names no cluster entry ('cluster' field)");
        }
        ClusterProperties entry = entries.get(name);
        if (entry == null) {
            throw new ClusterResolutionException("Task " + task.id() + " names cluster '" + name
                    + "', which is not configured (configured: " + String.join(", ", entries.keySet()) + ")");
        }
        if (entry.type() != task.type()) {
            throw new ClusterResolutionException("Task " + task.id() + " has run mode '" + task.type()
                    + "' but its cluster '" + name + "' is of type '" + entry.type() + "'");
        }
        return name;
    }

    /** The gateway of a session cluster entry (local, standalone, kubernetes-session). */
    public ClusterGateway gateway(String name) {
        ClusterProperties entry = entry(name);
        return gateways.computeIfAbsent(name, n -> open(n, entry));
    }

    private ClusterGateway open(String name, ClusterProperties entry) {
        if (entry.type() == RunMode.LOCAL) {
            EmbeddedFlinkCluster cluster = EmbeddedFlinkCluster.start(entry.restPort(), entry.slots(),
                    entry.flinkConfig());
            localClusters.put(name, cluster);
            log.info("Local Flink cluster '{}' started; REST API and web UI at {}", name, cluster.restAddress());
            return new RestClusterGateway(name, cluster.restAddress(), entry.flinkConfig());
        }
        if (entry.type() == RunMode.KUBERNETES_SESSION) {
            // the same REST gateway as for standalone, at the address the cluster's Kubernetes Service exposes
            return new RestClusterGateway(name, KubernetesSessions.restAddress(name, entry.flinkConfig()),
                    entry.flinkConfig());
        }
        return new RestClusterGateway(name, RestClusterGateway.parseAddress(entry.address()), entry.flinkConfig());
    }

    public Map<String, ClusterProperties> entries() {
        return Map.copyOf(entries);
    }

    @Override
    public void close() {
        gateways.values().forEach(ClusterGateway::close);
        localClusters.values().forEach(EmbeddedFlinkCluster::close);
    }
}
