package dev.submitworker.core;

import java.util.Map;
import java.util.Objects;

/**
 * A command: submit a task (the body of Dinky's {@code POST /openapi/submitTask} plus the idempotency key), or, with a
 * {@link Control}, act on the job of an earlier request.
 *
 * @param taskId        the task id in the catalog; 0 for a control command (its task is its target's)
 * @param savePointPath optional; when not blank it overrides the task's savepoint strategy (Dinky's rule)
 * @param variables     values for the task's {@code ${name}} placeholders
 * @param control       what to do to the target's job, or null for a submit
 */
public record SubmitCommand(RequestId requestId, int taskId, String savePointPath, Map<String, String> variables,
                            Control control) {

    public SubmitCommand {
        Objects.requireNonNull(requestId, "requestId");
        variables = variables == null ? Map.of() : Map.copyOf(variables);
        if (control != null && (taskId != 0 || control.action() != Control.Action.RESTART
                && (savePointPath != null || !variables.isEmpty()))) {
            throw new IllegalArgumentException("a control command takes no task id, and only a restart takes a "
                    + "savepoint path and variables");
        }
    }

    /** A submit. */
    public SubmitCommand(RequestId requestId, int taskId, String savePointPath, Map<String, String> variables) {
        this(requestId, taskId, savePointPath, variables, null);
    }

    /** A control command. */
    public static SubmitCommand control(RequestId requestId, Control control) {
        return control(requestId, control, null, null);
    }

    /** A control command; a restart may take a savepoint path (restore from it) and variables (for its task). */
    public static SubmitCommand control(RequestId requestId, Control control, String savePointPath,
                                        Map<String, String> variables) {
        return new SubmitCommand(requestId, 0, savePointPath, variables, Objects.requireNonNull(control, "control"));
    }

    /** The submit a restart makes of its target's task: its own requestId, the savepoint, its variables. */
    public SubmitCommand restartOf(int targetTaskId, String savepoint) {
        return new SubmitCommand(requestId, targetTaskId, savepoint, variables);
    }

    /** The savepoint path the command asks for, or null when it asks for none (blank counts as none). */
    public String savepoint() {
        return savePointPath == null || savePointPath.isBlank() ? null : savePointPath.strip();
    }

    /**
     * What makes two commands with the same requestId the same command: task id, savepoint path and variables; for a
     * control command its action, target and drain. Variable order and a blank versus an absent savepoint path do not
     * matter; anything else does.
     */
    public String fingerprint() {
        return Fingerprint.of(this);
    }
}
