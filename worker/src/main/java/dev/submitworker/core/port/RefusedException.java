package dev.submitworker.core.port;

/**
 * Permanent: the task cannot run as it is, or its cluster answered and refused the job. The message says what and
 * why for the answer's {@code msg}; the detail, when present, is the underlying reason for {@code data.error}.
 */
public class RefusedException extends RuntimeException {

    private final String detail;

    public RefusedException(String message) {
        this(message, null, null);
    }

    public RefusedException(String message, String detail, Throwable cause) {
        super(message, cause);
        this.detail = detail;
    }

    /** The underlying reason, or null when the message says it all. */
    public String detail() {
        return detail;
    }
}
