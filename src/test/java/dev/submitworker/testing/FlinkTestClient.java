package dev.submitworker.testing;

import java.net.URI;
import java.util.Collection;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.client.deployment.StandaloneClusterId;
import org.apache.flink.client.program.rest.RestClusterClient;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.runtime.client.JobStatusMessage;

/** Reads a cluster's jobs through Flink's REST API, as an operator would, to check what the worker really did. */
public final class FlinkTestClient implements AutoCloseable {

    private final RestClusterClient<StandaloneClusterId> client;

    public FlinkTestClient(URI restAddress) {
        Configuration configuration = new Configuration();
        configuration.set(RestOptions.ADDRESS, restAddress.getHost());
        configuration.set(RestOptions.PORT, restAddress.getPort());
        try {
            this.client = new RestClusterClient<>(configuration, StandaloneClusterId.getInstance());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A client of the shared session cluster. */
    public static FlinkTestClient session() {
        return new FlinkTestClient(SharedInfrastructure.flinkRestAddress());
    }

    public JobStatus status(String jobId) throws Exception {
        return client.getJobStatus(JobID.fromHexString(jobId)).get(30, TimeUnit.SECONDS);
    }

    public Collection<JobStatusMessage> jobs() throws Exception {
        return client.listJobs().get(30, TimeUnit.SECONDS);
    }

    public String jobName(String jobId) throws Exception {
        return client.getJobDetails(JobID.fromHexString(jobId)).get(30, TimeUnit.SECONDS).getName();
    }

    public void cancel(String jobId) throws Exception {
        client.cancel(JobID.fromHexString(jobId)).get(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        client.close();
    }
}
