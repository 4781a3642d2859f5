package dev.submitworker.core;

import java.util.Map;
import java.util.Objects;

/**
 * Submit a task: the body of Dinky's {@code POST /openapi/submitTask} plus the idempotency key.
 *
 * @param taskId        the task id in the catalog
 * @param savePointPath optional; when not blank it overrides the task's savepoint strategy (Dinky's rule)
 * @param variables     values for the task's {@code ${name}} placeholders
 */
public record SubmitCommand(RequestId requestId, int taskId, String savePointPath, Map<String, String> variables) {

    public SubmitCommand {
        Objects.requireNonNull(requestId, "requestId");
        variables = variables == null ? Map.of() : Map.copyOf(variables);
    }

    /** The savepoint path the command asks for, or null when it asks for none (blank counts as none). */
    public String savepoint() {
        return savePointPath == null || savePointPath.isBlank() ? null : savePointPath.strip();
    }

    /**
     * What makes two commands with the same requestId the same command: task id, savepoint path and variables.
     * Variable order and a blank versus an absent savepoint path do not matter; anything else does.
     */
    public String fingerprint() {
        return Fingerprint.of(this);
    }
}
