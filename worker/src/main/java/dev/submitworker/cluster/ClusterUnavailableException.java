package dev.submitworker.cluster;

/** The cluster could not be reached or did not answer in time: transient, worth retrying later. */
public class ClusterUnavailableException extends RuntimeException {

    public ClusterUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
