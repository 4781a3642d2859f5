package dev.submitworker.core.port;

/**
 * Transient: the cluster (or the API that finds it) could not be reached, did not answer in time, or answered that
 * it cannot take work now (HTTP 5xx, leader election in progress). Worth trying again later.
 */
public class ClusterUnreachableException extends RuntimeException {

    public ClusterUnreachableException(String message, Throwable cause) {
        super(message, cause);
    }
}
