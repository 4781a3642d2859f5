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
 * @param step        how far a command on a job has come (always {@link Step#SENT} for an explain)
 * @param found       what its target's partition found of the target ({@link Step#CHECKED} only, else null)
 */
public record Control(Action action, RequestId target, boolean drain, boolean targetsTask, Step step, Found found) {

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
     * How far a command on a job has come. The target's ledger entry is in the target's partition; the command's own
     * ledger entry (and a restart's new job) in its own. So it is passed on from one to the other, the record's value
     * unchanged: its own partition claims it, its target's reads what it knows of the target, its own decides.
     */
    public enum Step {
        /** As sent, in its own partition: a duplicate is answered there; else it is passed on to be checked. */
        SENT,
        /** In its target's partition: what the ledger knows of the target is read, and passed back. */
        CHECKING,
        /** Back in its own partition with what was found: refused or run. */
        CHECKED
    }

    /**
     * What the target's partition knew of the target when it was checked.
     *
     * @param taskId  the target's task (0 when the target is unknown)
     * @param cluster the cluster entry its job runs on ({@link State#JOB} only, else null)
     * @param ended   the final status the worker has seen its job reach, or null
     */
    public record Found(State state, int taskId, ClusterTarget cluster, String ended) {

        public enum State {
            /** Not in the ledger: never sent, or forgotten after the retention. */
            UNKNOWN,
            /** Accepted and not answered yet. */
            UNDER_WAY,
            /** Answered without a job: refused or failed. */
            NO_JOB,
            /** Answered at the retry deadline: its cluster could not be reached. */
            GAVE_UP,
            /** Answered with a job. */
            JOB
        }

        public Found {
            Objects.requireNonNull(state, "state");
            if (state == State.JOB) {
                Objects.requireNonNull(cluster, "cluster");
            }
        }

        /**
         * @param entry    the target's ledger entry, or null
         * @param underWay whether the target's submission is under way in this worker
         */
        public static Found of(LedgerEntry entry, boolean underWay) {
            if (underWay || entry != null && entry.is(LedgerEntry.State.PENDING)) {
                return new Found(State.UNDER_WAY, entry == null ? 0 : entry.taskId(), null, null);
            }
            if (entry == null) {
                return new Found(State.UNKNOWN, 0, null, null);
            }
            if (entry.following() == null) {
                return new Found(entry.is(LedgerEntry.State.GAVE_UP) ? State.GAVE_UP : State.NO_JOB, entry.taskId(),
                        null, null);
            }
            return new Found(State.JOB, entry.taskId(), entry.following().target(),
                    entry.following().terminal() ? entry.following().status() : null);
        }
    }

    /** A control command as sent. */
    public Control(Action action, RequestId target, boolean drain) {
        this(action, target, drain, false, Step.SENT, null);
    }

    public Control {
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(step, "step");
        if (action == Action.EXPLAIN ? target != null : target == null) {
            throw new IllegalArgumentException(action == Action.EXPLAIN ? "an explain has no target"
                    : "a " + action.value() + " needs a target");
        }
        if (drain && action != Action.STOP) {
            throw new IllegalArgumentException("only a stop drains");
        }
        if (targetsTask && action != Action.RESTART) {
            throw new IllegalArgumentException("only a restart takes its target's task");
        }
        if (action == Action.EXPLAIN && step != Step.SENT || (step == Step.CHECKED) != (found != null)) {
            throw new IllegalArgumentException("a command on a job is checked once, with what was found");
        }
    }

    /** The same command, passed on to its target's partition to be checked. */
    public Control checking() {
        return new Control(action, target, drain, targetsTask, Step.CHECKING, null);
    }

    /** The same command, checked: back to its own partition with what was found. */
    public Control checked(Found found) {
        return new Control(action, target, drain, targetsTask, Step.CHECKED, Objects.requireNonNull(found, "found"));
    }

    /** Whether it acts on a job and has not been checked in its target's partition yet. */
    public boolean unchecked() {
        return action != Action.EXPLAIN && step != Step.CHECKED;
    }
}
