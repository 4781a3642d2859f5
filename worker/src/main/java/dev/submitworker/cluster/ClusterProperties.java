package dev.submitworker.cluster;

import dev.submitworker.core.RunMode;
import java.util.Map;

/**
 * One named cluster entry of the worker's configuration ({@code worker.clusters.<name>}).
 *
 * @param type       the run mode it serves: {@code local} (a MiniCluster the worker starts), {@code standalone}
 *                   (an existing session cluster reached over REST) or {@code kubernetes-session} (a session cluster
 *                   on Kubernetes, found through Flink's native Kubernetes integration from the
 *                   {@code kubernetes.*} options in {@code flinkConfig})
 * @param address    standalone: the JobManager's REST address, {@code http://host:port} or {@code host:port}
 * @param restPort   local: the port of the MiniCluster's REST endpoint and web UI (0 = any free port)
 * @param slots      local: task slots of the MiniCluster's TaskManager
 * @param flinkConfig Flink options: for the REST client (e.g. {@code rest.retry.max-attempts}) and, for local, for
 *                   the MiniCluster itself
 */
public record ClusterProperties(RunMode type, String address, Integer restPort, Integer slots,
                                Map<String, String> flinkConfig) {

    public static final int DEFAULT_LOCAL_REST_PORT = 8081;
    public static final int DEFAULT_LOCAL_SLOTS = 8;

    public ClusterProperties {
        flinkConfig = flinkConfig == null ? Map.of() : Map.copyOf(flinkConfig);
        restPort = restPort == null ? DEFAULT_LOCAL_REST_PORT : restPort;
        slots = slots == null ? DEFAULT_LOCAL_SLOTS : slots;
    }

    public static ClusterProperties defaultLocal() {
        return new ClusterProperties(RunMode.LOCAL, null, null, null, null);
    }
}
