package dev.submitworker.cluster;

import java.net.URI;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;

/**
 * A real Flink cluster inside this JVM: a {@link MiniCluster} with its REST endpoint (and web UI, from
 * flink-runtime-web). Jobs reach it over REST exactly as they reach a remote session cluster.
 */
public final class EmbeddedFlinkCluster implements AutoCloseable {

    private final MiniCluster miniCluster;
    private final URI restAddress;

    private EmbeddedFlinkCluster(MiniCluster miniCluster, URI restAddress) {
        this.miniCluster = miniCluster;
        this.restAddress = restAddress;
    }

    /**
     * @param restPort the REST port, 0 for any free port
     * @param slots    task slots (one TaskManager); each running streaming job holds at least one
     */
    public static EmbeddedFlinkCluster start(int restPort, int slots, Map<String, String> flinkConfig) {
        Configuration configuration = new Configuration();
        configuration.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
        configuration.set(RestOptions.ADDRESS, "127.0.0.1");
        configuration.set(RestOptions.BIND_PORT, String.valueOf(restPort));
        configuration.set(TaskManagerOptions.NUM_TASK_SLOTS, slots);
        configuration.addAll(Configuration.fromMap(flinkConfig));
        MiniCluster miniCluster = new MiniCluster(new MiniClusterConfiguration.Builder()
                .setConfiguration(configuration)
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(slots)
                .build());
        try {
            miniCluster.start();
            return new EmbeddedFlinkCluster(miniCluster, miniCluster.getRestAddress().get());
        } catch (Exception e) {
            closeQuietly(miniCluster);
            throw new IllegalStateException("The embedded Flink cluster did not start: " + e.getMessage(), e);
        }
    }

    /** The REST endpoint, also the web UI: {@code http://127.0.0.1:port}. */
    public URI restAddress() {
        return restAddress;
    }

    @Override
    public void close() {
        closeQuietly(miniCluster);
    }

    private static void closeQuietly(MiniCluster miniCluster) {
        try {
            miniCluster.close();
        } catch (Exception ignored) {
            // shutting down: nothing left to do with a cluster that will not stop cleanly
        }
    }
}
