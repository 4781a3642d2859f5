package dev.submitworker.cluster;

import dev.submitworker.core.ClusterTarget;
import dev.submitworker.core.RunMode;
import dev.submitworker.core.Task;
import dev.submitworker.core.port.ClusterGateway;
import dev.submitworker.core.port.ClusterUnreachableException;
import dev.submitworker.core.port.Clusters;
import dev.submitworker.core.port.RefusedException;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.util.ExceptionUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's named cluster entries ({@code worker.clusters.*}) and their gateways, one per entry, made on first use
 * and kept: a {@link RestSessionGateway} for session clusters (a local entry starts its MiniCluster then; a
 * kubernetes-session entry finds its cluster's address through Kubernetes, and again whenever the cluster cannot be
 * reached there), a {@link KubernetesApplicationGateway} for kubernetes-application entries.
 */
public final class FlinkClusters implements Clusters, AutoCloseable {

    /** The entry a {@code local} task uses when it names no cluster; it exists even when not configured. */
    public static final String DEFAULT_LOCAL = "local";

    private static final Logger log = LoggerFactory.getLogger(FlinkClusters.class);

    private final Map<String, ClusterProperties> entries;
    private final ClusterTimeouts timeouts;
    private final Duration pollInterval;
    private final Map<String, ClusterGateway> gateways = new ConcurrentHashMap<>();
    private final Map<String, EmbeddedFlinkCluster> localClusters = new ConcurrentHashMap<>();
    private final Bounded lookups = new Bounded("kubernetes-session-lookup");

    /**
     * @param pollInterval how often the followed jobs are observed: a session cluster's jobs overview is read once
     *                     per interval for all the process's observers
     * @throws IllegalArgumentException an entry is incomplete or malformed (the worker must not start)
     */
    public FlinkClusters(Map<String, ClusterProperties> entries, ClusterTimeouts timeouts, Duration pollInterval) {
        this.entries = withDefault(entries);
        this.entries.forEach(FlinkClusters::validate);
        this.timeouts = timeouts;
        this.pollInterval = pollInterval;
    }

    /** The configured entries, and the default local one unless it is configured. */
    public static Map<String, ClusterProperties> withDefault(Map<String, ClusterProperties> configured) {
        Map<String, ClusterProperties> entries = new LinkedHashMap<>(configured);
        entries.putIfAbsent(DEFAULT_LOCAL, ClusterProperties.defaultLocal());
        return entries;
    }

    private static void validate(String name, ClusterProperties entry) {
        if (entry.type() == null) {
            throw new IllegalArgumentException("worker.clusters." + name + ".type is required ("
                    + RunMode.supportedModes() + ")");
        }
        switch (entry.type()) {
            case STANDALONE -> {
                if (entry.address() == null || entry.address().isBlank()) {
                    throw new IllegalArgumentException("worker.clusters." + name + ".address is required for a "
                            + "standalone cluster (the JobManager's REST address, e.g. http://flink-jobmanager:8081)");
                }
                RestSessionGateway.parseAddress(entry.address());
            }
            case KUBERNETES_SESSION -> KubernetesRestEndpoints.validateSession(name, entry.flinkConfig());
            case KUBERNETES_APPLICATION -> KubernetesApplicationGateway.validate(name, entry.flinkConfig());
            default -> {
                // local needs nothing; a YARN entry is kept, and its tasks are refused by their run mode
            }
        }
    }

    @Override
    public ClusterTarget resolve(Task task) {
        if (!task.type().supported()) {
            throw new RefusedException("Run mode '" + task.type() + "' of task " + task.id()
                    + " is not supported by this worker (supported: " + RunMode.supportedModes() + ")");
        }
        String name = task.cluster() == null || task.cluster().isBlank()
                ? (task.type() == RunMode.LOCAL ? DEFAULT_LOCAL : null)
                : task.cluster();
        if (name == null) {
            throw new RefusedException("Task " + task.id() + " has run mode '" + task.type()
                    + "' but names no cluster entry ('cluster' field)");
        }
        ClusterProperties entry = entries.get(name);
        if (entry == null) {
            throw new RefusedException("Task " + task.id() + " names cluster '" + name
                    + "', which is not configured (configured: " + String.join(", ", entries.keySet()) + ")");
        }
        if (entry.type() != task.type()) {
            throw new RefusedException("Task " + task.id() + " has run mode '" + task.type()
                    + "' but its cluster '" + name + "' is of type '" + entry.type() + "'");
        }
        return new ClusterTarget(name, task.type());
    }

    /** @throws IllegalArgumentException the target is not one {@link #resolve} gives */
    @Override
    public ClusterGateway gateway(ClusterTarget target) {
        ClusterProperties entry = entries.get(target.entry());
        if (entry == null || entry.type() != target.mode()) {
            throw new IllegalArgumentException("No cluster entry '" + target.entry() + "' of type " + target.mode());
        }
        return gateways.computeIfAbsent(target.entry(), name -> open(name, entry));
    }

    private ClusterGateway open(String name, ClusterProperties entry) {
        return switch (entry.type()) {
            case LOCAL -> {
                EmbeddedFlinkCluster cluster = EmbeddedFlinkCluster.start(entry.restPort(), entry.slots(),
                        entry.flinkConfig());
                localClusters.put(name, cluster);
                log.info("Local Flink cluster '{}' started; REST API and web UI at {}", name, cluster.restAddress());
                yield RestSessionGateway.at(name, cluster.restAddress(), entry.flinkConfig(), timeouts, pollInterval);
            }
            case STANDALONE -> RestSessionGateway.at(name, RestSessionGateway.parseAddress(entry.address()),
                    entry.flinkConfig(), timeouts, pollInterval);
            case KUBERNETES_SESSION -> new RestSessionGateway(name, () -> sessionAddress(name, entry),
                    entry.flinkConfig(), timeouts, pollInterval);
            case KUBERNETES_APPLICATION -> new KubernetesApplicationGateway(name, entry.flinkConfig(), timeouts);
            default -> throw new IllegalArgumentException("Run mode '" + entry.type() + "' has no gateway");
        };
    }

    /** Where the session cluster's Kubernetes Service points now. */
    private URI sessionAddress(String name, ClusterProperties entry) {
        try {
            return lookups.call(() -> KubernetesRestEndpoints.restAddress(name,
                    Configuration.fromMap(entry.flinkConfig())), timeouts.request(),
                    "finding the session cluster of entry '" + name + "'");
        } catch (ExecutionException | TimeoutException e) {
            // the lookup's own message names the cluster-id and namespace
            Throwable failure = ExceptionUtils.stripExecutionException(e);
            throw new ClusterUnreachableException(String.valueOf(failure.getMessage()), failure);
        }
    }

    /** The configured entries, the default local one included. */
    public Map<String, ClusterProperties> entries() {
        return Map.copyOf(entries);
    }

    @Override
    public void close() {
        gateways.values().forEach(gateway -> {
            try {
                ((AutoCloseable) gateway).close();
            } catch (Exception e) {
                log.warn("Closing a cluster gateway failed: {}", e.toString());
            }
        });
        localClusters.values().forEach(EmbeddedFlinkCluster::close);
        lookups.close();
    }
}
