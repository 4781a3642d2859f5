package dev.submitworker.core;

import java.util.Locale;
import java.util.Objects;

/**
 * What a control command asks of the job of an earlier request, its target: a savepoint, a stop with a savepoint, a
 * cancel, a restart; or, without a target, an explain of a task. A control command is keyed, claimed and answered by
 * its own requestId exactly like a submit; its target names the job.
 *
 * @param target      the requestId whose job is acted on; null for an explain, which acts on no job
 * @param drain       stop only: advance the job's event time to the end before the savepoint (Flink's {@code --drain})
 * @param targetsTask restart only: it names no task and submits its target's
 * @param step        restart only: how far it has come (always {@link Step#SENT} for the others)
 */
public record Control(Action action, RequestId target, boolean drain, boolean targetsTask, Step step) {

    public enum Action {
        /** Trigger a savepoint; the job keeps running. */
        SAVEPOINT,
        /** Stop the job with a savepoint; it ends FINISHED. */
        STOP,
        /** Cancel the job without a savepoint; it ends CANCELED. */
        CANCEL,
        /**
         * Stop the job with a savepoint (or, given a savepoint path, cancel it) and submit the restart's task (Dinky's
         * {@code restartTask(id, savePointPath)}) from the savepoint, as the job of the restart's own requestId.
         */
        RESTART,
        /**
         * Compile the command's task as a submit would and answer with its plan, submitting nothing (Dinky's
         * {@code explainSql} and {@code getJobPlan}).
         */
        EXPLAIN;

        /** As the command spells it. */
        public String value() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Action of(String value) {
            return valueOf(value.toUpperCase(Locale.ROOT));
        }

        /**
         * Whether a command of this action is handled in its target's partition, whose ledger knows the target. A
         * restart is only checked there ({@link Step}): it is run in its own, as its new job is then followed, and
         * found by later control commands, under its own requestId. An explain has no target.
         */
        public boolean inTargetsPartition() {
            return !takesTask();
        }

        /** Whether the command names a task (id, variables) and compiles it, as a submit does: a restart, an explain. */
        public boolean takesTask() {
            return this == RESTART || this == EXPLAIN;
        }

        /** Whether it takes a savepoint, and nothing else. */
        public boolean savepoint() {
            return this == SAVEPOINT || this == STOP;
        }
    }

    /**
     * How far a restart has come. Its target's ledger entry is in its target's partition, its own ledger entry (and its
     * new job) in its own: it is passed on from one to the other, the command unchanged but for these steps.
     */
    public enum Step {
        /** As sent, in its own partition: a duplicate is answered there; else it is passed on to be checked. */
        SENT,
        /** In its target's partition: the target must have been answered with a job; its task is named. */
        CHECKING,
        /** Back in its own partition, its task named: run. */
        CHECKED
    }

    /** A control command as sent. */
    public Control(Action action, RequestId target, boolean drain) {
        this(action, target, drain, false, Step.SENT);
    }

    public Control {
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(step, "step");
        if (action != Action.RESTART && (targetsTask || step != Step.SENT)) {
            throw new IllegalArgumentException("only a restart takes its target's task and goes in steps");
        }
        if (action == Action.EXPLAIN ? target != null : target == null) {
            throw new IllegalArgumentException(action == Action.EXPLAIN ? "an explain has no target"
                    : "a " + action.value() + " needs a target");
        }
        if (drain && action != Action.STOP) {
            throw new IllegalArgumentException("only a stop drains");
        }
    }

    /** The same command, one step further. */
    public Control at(Step next) {
        return new Control(action, target, drain, targetsTask, next);
    }

    /** Whether it is a restart not yet checked in its target's partition. */
    public boolean unchecked() {
        return action == Action.RESTART && step != Step.CHECKED;
    }
}
