package dev.submitworker.core;

/**
 * How a command ended, as the answer reports it. Which numeric code each stands for is the wire format's business.
 * {@link Unreachable} is never an answer: a command whose cluster cannot be reached waits and is tried again, until
 * it ends otherwise or {@link GaveUp}.
 */
public sealed interface Outcome {

    /** For the answer's {@code msg}: what happened, in a sentence. */
    String message();

    /** For the answer's {@code data.error}: the underlying reason, or null. */
    String detail();

    /** The job is on its cluster: submitted now, or found there from an earlier attempt. */
    record Submitted(String message, boolean alreadyThere) implements Outcome {

        @Override
        public String detail() {
            return null;
        }
    }

    /**
     * A control command did what it asked to the job of its target.
     *
     * @param savepointPath the savepoint taken (savepoint, stop), else null
     */
    record Controlled(String message, String savepointPath) implements Outcome {

        @Override
        public String detail() {
            return null;
        }
    }

    /** An explain compiled its task: the plan of the job a submit would have made, which was not submitted. */
    record Explained(String message, JobPlan plan) implements Outcome {

        @Override
        public String detail() {
            return null;
        }
    }

    /** The task cannot run as it is, or its cluster refused the job. Final. */
    record Refused(String message, String detail) implements Outcome {}

    /** The task's own code (a UDF, a jar's main) or an unexpected fault failed the compile. Final. */
    record Failed(String message, String detail) implements Outcome {}

    /** The command is invalid, or does not fit its task. Final. */
    record BadCommand(String message, String detail) implements Outcome {}

    /** The requestId was used before for a different command; that one stands. Not recorded. */
    record Conflict(String message, String detail) implements Outcome {}

    /** The cluster stayed unreachable until the deadline. The request stays open: the same command sent again is tried again. */
    record GaveUp(String message, String detail) implements Outcome {}

    /** The cluster could not be reached this time: the command waits and is tried again. */
    record Unreachable(String message, String detail) implements Outcome {}
}
