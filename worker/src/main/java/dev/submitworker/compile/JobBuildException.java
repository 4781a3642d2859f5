package dev.submitworker.compile;

/** The task could not be turned into a Flink job: a SQL error, a script without INSERT, a bad option. Permanent. */
public class JobBuildException extends RuntimeException {

    public JobBuildException(String message) {
        super(message);
    }

    public JobBuildException(String message, Throwable cause) {
        super(message, cause);
    }
}
