package dev.submitworker.core;

import java.util.Map;
import java.util.Objects;

/**
 * A command: submit a task (the body of Dinky's {@code POST /openapi/submitTask} plus the idempotency key), or, with a
 * {@link Control}, act on the job of an earlier request.
 *
 * @param taskId        the task id in the catalog; 0 for a control command but a restart or an explain
 * @param savePointPath optional; when not blank it overrides the task's savepoint strategy (Dinky's rule)
 * @param variables     values for the task's {@code ${name}} placeholders
 * @param control       what to do to the target's job, or null for a submit
 */
public record SubmitCommand(RequestId requestId, int taskId, String savePointPath, Map<String, String> variables,
                            Control control) {

    public SubmitCommand {
        Objects.requireNonNull(requestId, "requestId");
        variables = variables == null ? Map.of() : Map.copyOf(variables);
        if (control != null && !control.action().takesTask()
                && (taskId != 0 || savePointPath != null || !variables.isEmpty())) {
            throw new IllegalArgumentException("only a restart and an explain among control commands take a task id "
                    + "and variables");
        }
        if (control != null && control.action() == Control.Action.EXPLAIN && savePointPath != null) {
            throw new IllegalArgumentException("an explain takes no savepoint path");
        }
    }

    /** A submit. */
    public SubmitCommand(RequestId requestId, int taskId, String savePointPath, Map<String, String> variables) {
        this(requestId, taskId, savePointPath, variables, null);
    }

    /** A control command but a restart. */
    public static SubmitCommand control(RequestId requestId, Control control) {
        return new SubmitCommand(requestId, 0, null, null, Objects.requireNonNull(control, "control"));
    }

    /**
     * A restart: submit the task from a savepoint of the target's job (or from the path given) as its own job.
     *
     * @param taskId the task to submit, or null for the target's
     */
    public static SubmitCommand restart(RequestId requestId, RequestId target, Integer taskId, String savePointPath,
                                        Map<String, String> variables) {
        return new SubmitCommand(requestId, taskId == null ? 0 : taskId, savePointPath, variables,
                new Control(Control.Action.RESTART, target, false, taskId == null, Control.Step.SENT, null));
    }

    /** A command on a job, on its way to its target's partition to be checked there. */
    public SubmitCommand checking() {
        return new SubmitCommand(requestId, taskId, savePointPath, variables, control.checking());
    }

    /**
     * A command on a job its target's partition has checked, back on its way to its own partition; a restart that
     * names no task now names its target's.
     */
    public SubmitCommand checked(Control.Found found) {
        return new SubmitCommand(requestId, control.targetsTask() ? found.taskId() : taskId, savePointPath, variables,
                control.checked(found));
    }

    /** An explain: compile the task as a submit with these variables would, and submit nothing. */
    public static SubmitCommand explain(RequestId requestId, int taskId, Map<String, String> variables) {
        return new SubmitCommand(requestId, taskId, null, variables,
                new Control(Control.Action.EXPLAIN, null, false));
    }

    /** Whether it is an explain, which compiles its task and submits nothing. */
    public boolean explains() {
        return control != null && control.action() == Control.Action.EXPLAIN;
    }

    /** The submit a restart makes: its own requestId and task, the savepoint, its variables. */
    public SubmitCommand restartFrom(String savepoint) {
        return new SubmitCommand(requestId, taskId, savepoint, variables);
    }

    /** The savepoint path the command asks for, or null when it asks for none (blank counts as none). */
    public String savepoint() {
        return savePointPath == null || savePointPath.isBlank() ? null : savePointPath.strip();
    }

    /**
     * What makes two commands with the same requestId the same command: task id, savepoint path and variables; for a
     * control command its action, target and drain, and for a restart or an explain its task, savepoint path and
     * variables too (a restart that names no task: that it names none, whichever task it is found to submit). Variable
     * order, a blank versus an absent savepoint path and how far a control command has come do not matter; anything
     * else does.
     */
    public String fingerprint() {
        return Fingerprint.of(this);
    }
}
