package dev.submitworker.cluster;

import dev.submitworker.compile.Failures;
import java.net.ConnectException;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.client.deployment.StandaloneClusterId;
import org.apache.flink.client.program.rest.RestClusterClient;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.rest.util.RestClientException;
import org.apache.flink.util.ExceptionUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A session cluster reached through Flink's {@link RestClusterClient}: the standalone run mode, and the local mode
 * (whose MiniCluster serves the same REST API). One client per cluster, shared by all submissions; it is thread-safe.
 */
public final class RestClusterGateway implements ClusterGateway {

    private static final Logger log = LoggerFactory.getLogger(RestClusterGateway.class);
    private static final long STATUS_TIMEOUT_SECONDS = 30;

    private final String name;
    private final String address;
    private final RestClusterClient<StandaloneClusterId> client;

    public RestClusterGateway(String name, URI restAddress, Map<String, String> flinkConfig) {
        this.name = name;
        this.address = restAddress.getHost() + ":" + restAddress.getPort();
        Configuration configuration = new Configuration();
        // Flink's default (20 attempts, 3 s apart) would hold a command for a minute per unreachable cluster.
        configuration.set(RestOptions.RETRY_MAX_ATTEMPTS, 2);
        configuration.set(RestOptions.RETRY_DELAY, java.time.Duration.ofMillis(500));
        configuration.addAll(Configuration.fromMap(flinkConfig));
        configuration.set(RestOptions.ADDRESS, restAddress.getHost());
        configuration.set(RestOptions.PORT, restAddress.getPort());
        try {
            this.client = new RestClusterClient<>(configuration, StandaloneClusterId.getInstance());
        } catch (Exception e) {
            throw new IllegalStateException("Cannot create a REST client for cluster '" + name + "' at " + address, e);
        }
    }

    /** Accepts {@code http://host:port}, {@code https://host:port} and {@code host:port}. */
    public static URI parseAddress(String address) {
        String withScheme = address.contains("://") ? address : "http://" + address;
        URI uri = URI.create(withScheme.strip());
        if (uri.getHost() == null || uri.getPort() < 0) {
            throw new IllegalArgumentException("'" + address + "' is not a REST address of the form http://host:port");
        }
        return uri;
    }

    @Override
    public String address() {
        return address;
    }

    @Override
    public boolean submit(JobGraph jobGraph) {
        try {
            client.submitJob(jobGraph).get();
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterUnavailableException("Interrupted while submitting to cluster '" + name + "'", e);
        } catch (ExecutionException e) {
            if (serverSaid(e.getCause(), "DuplicateJobSubmissionException")) {
                log.info("Cluster '{}' already has job {}; not submitted again", name, jobGraph.getJobID());
                return false;
            }
            throw classify("Submitting to cluster '" + name + "' at " + address + " failed", e.getCause());
        }
    }

    /**
     * Whether the server's failure names this exception. The dispatcher's own exceptions (a duplicate JobID, an
     * unknown job) reach a REST client only as text inside a RestClientException with HTTP 500.
     */
    private static boolean serverSaid(Throwable failure, String exceptionName) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() != null && t.getMessage().contains(exceptionName)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public Optional<JobStatus> status(JobID jobId) {
        try {
            return Optional.of(client.getJobStatus(jobId).get(STATUS_TIMEOUT_SECONDS, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterUnavailableException("Interrupted while reading job status", e);
        } catch (TimeoutException e) {
            throw new ClusterUnavailableException("Cluster '" + name + "' at " + address
                    + " did not report the status of job " + jobId + " within " + STATUS_TIMEOUT_SECONDS + " s", e);
        } catch (ExecutionException e) {
            boolean unknownJob = serverSaid(e.getCause(), "FlinkJobNotFoundException")
                    || ExceptionUtils.findThrowable(e.getCause(), RestClientException.class)
                            .filter(rest -> rest.getHttpResponseStatus().code() == 404)
                            .isPresent();
            if (unknownJob) {
                return Optional.empty();
            }
            throw classify("Reading the status of job " + jobId + " from cluster '" + name + "' failed", e.getCause());
        }
    }

    /** Failures where the cluster never answered are transient; an answer that refuses the job is not. */
    private RuntimeException classify(String context, Throwable failure) {
        Throwable cause = ExceptionUtils.stripCompletionException(failure);
        String message = context + ": " + Failures.explain(cause);
        boolean answered = ExceptionUtils.findThrowable(cause, RestClientException.class)
                .filter(rest -> rest.getHttpResponseStatus().code() < 500)
                .isPresent();
        boolean unreachable = ExceptionUtils.findThrowable(cause, ConnectException.class).isPresent()
                || ExceptionUtils.findThrowable(cause, TimeoutException.class).isPresent();
        if (answered || !unreachable) {
            return new SubmissionRejectedException(message, cause);
        }
        return new ClusterUnavailableException(message, cause);
    }

    @Override
    public void close() {
        client.close();
    }
}
