package dev.submitworker.core;

import java.util.Locale;
import java.util.Objects;

/**
 * What a control command asks of the job of an earlier request, its target: a savepoint, a stop with a savepoint, or
 * a cancel. A control command is keyed, claimed and answered by its own requestId exactly like a submit; its target
 * names the job.
 *
 * @param target the requestId whose job is acted on
 * @param drain  stop only: advance the job's event time to the end before the savepoint (Flink's {@code --drain})
 */
public record Control(Action action, RequestId target, boolean drain) {

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
        RESTART;

        /** As the command spells it. */
        public String value() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Action of(String value) {
            return valueOf(value.toUpperCase(Locale.ROOT));
        }

        /**
         * Whether a command of this action is handled in its target's partition, whose ledger knows the target. A
         * restart is handled in its own: it names its task, asks the cluster about the target's job, and its new job
         * is then followed, and found by later control commands, under its own requestId.
         */
        public boolean inTargetsPartition() {
            return this != RESTART;
        }

        /** Whether it takes a savepoint, and nothing else. */
        public boolean savepoint() {
            return this == SAVEPOINT || this == STOP;
        }
    }

    public Control {
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(target, "target");
        if (drain && action != Action.STOP) {
            throw new IllegalArgumentException("only a stop drains");
        }
    }
}
