package dev.submitworker.cluster;

import java.time.Duration;
import java.util.Objects;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;

/**
 * How long the worker waits for a cluster. Each bound is enforced around the whole call, whatever Flink's or
 * Kubernetes' clients do inside it (their own retries included); a call that runs out of time is transient.
 *
 * @param connect establishing a TCP connection to a JobManager ({@code rest.connection-timeout})
 * @param request any call that is not a submission: a job's state, finding a cluster through Kubernetes
 * @param submit  a job submission (the JobGraph and its jars uploaded, the dispatcher's acknowledgement), or the
 *                deployment of an application cluster through the Kubernetes API
 */
public record ClusterTimeouts(Duration connect, Duration request, Duration submit) {

    /** A dead JobManager is noticed in seconds; a jar upload over a slow link still has a minute. */
    public static final ClusterTimeouts DEFAULTS =
            new ClusterTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(15), Duration.ofSeconds(60));

    public ClusterTimeouts {
        for (Duration bound : new Duration[] {connect, request, submit}) {
            if (Objects.requireNonNull(bound, "timeouts must be set").isNegative() || bound.isZero()) {
                throw new IllegalArgumentException("cluster timeouts must be positive: " + bound);
            }
        }
    }

    /**
     * The REST client options that keep Flink's own waiting inside these bounds: a connection that stays silent is
     * closed once a submission would have timed out, and a failed request is retried twice, quickly (Flink's default,
     * 20 attempts 3 s apart, outlives any bound). The cluster entry's {@code flink-config} may still tune them.
     */
    Configuration restClientDefaults() {
        Configuration configuration = new Configuration();
        configuration.set(RestOptions.CONNECTION_TIMEOUT, connect);
        configuration.set(RestOptions.IDLENESS_TIMEOUT, submit);
        configuration.set(RestOptions.RETRY_MAX_ATTEMPTS, 2);
        configuration.set(RestOptions.RETRY_DELAY, Duration.ofMillis(500));
        return configuration;
    }
}
