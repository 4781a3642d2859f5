package dev.submitworker.core.port;

/**
 * Transient: the cluster (or the API that finds it) could not be reached, did not answer in time, or answered that
 * it cannot take work now (HTTP 5xx, leader election in progress). Worth trying again later. The message says which
 * cluster could not be reached, for the answer's {@code msg}; the detail is the underlying reason.
 */
public class ClusterUnreachableException extends RuntimeException {

    private final String detail;

    public ClusterUnreachableException(String message, String detail, Throwable cause) {
        super(message, cause);
        this.detail = detail;
    }

    public ClusterUnreachableException(String message, Throwable cause) {
        this(message, cause == null ? null : String.valueOf(cause.getMessage()), cause);
    }

    /** The underlying reason, or null. */
    public String detail() {
        return detail;
    }
}
