package dev.submitworker.cli;

/** What the CLI's exit code says; the same table is in docs/orchestrators.md. */
final class ExitCodes {

    /** The answer's code was 0 and, with {@code --wait running|terminal}, the job reached what was waited for. */
    static final int OK = 0;
    /** The answer's code was 1: the task could not be submitted (unknown task, SQL error, conflict...). */
    static final int ANSWER_ERROR = 1;
    /** A usage error: an unknown option, a missing or malformed value (picocli's own code). */
    static final int USAGE = 2;
    /** The job ended otherwise than asked: FAILED, or CANCELED when it was not cancelled on purpose. */
    static final int JOB_FAILED = 3;
    /** Nothing is known: {@code status} found no event, or the job can no longer be observed (UNKNOWN). */
    static final int NOT_KNOWN = 4;
    /** The answer's code was 5: the cluster could not be reached until the worker's retry deadline. */
    static final int ANSWER_EXCEPTION = 5;
    /** The answer's code was 6: bad parameters (a variable, the savepoint path, the command itself). */
    static final int ANSWER_BAD_PARAMETERS = 6;
    /** The CLI failed: a Kafka error other than a timeout. */
    static final int FAILED = 70;
    /** {@code --timeout} passed first: no answer yet, or the job had not reached what was waited for. */
    static final int TIMED_OUT = 124;

    private ExitCodes() {}

    /** The exit code of an answer's code. */
    static int ofAnswer(int code) {
        return switch (code) {
            case 0 -> OK;
            case 5 -> ANSWER_EXCEPTION;
            case 6 -> ANSWER_BAD_PARAMETERS;
            default -> ANSWER_ERROR;
        };
    }

    /** The exit code of a job's end when {@code success} is the end that was asked for. */
    static int ofEnd(String status, String success) {
        if (status.equals(success)) {
            return OK;
        }
        return "UNKNOWN".equals(status) ? NOT_KNOWN : JOB_FAILED;
    }
}
