package dev.submitworker.cluster;

/** The cluster answered and refused the job (for example a duplicate JobID or a job that cannot be deployed). */
public class SubmissionRejectedException extends RuntimeException {

    public SubmissionRejectedException(String message, Throwable cause) {
        super(message, cause);
    }
}
