package dev.submitworker.dinky;

import java.util.Map;

/**
 * A submit-task command: the body of Dinky's {@code POST /openapi/submitTask} plus the idempotency key.
 * Schema: {@code schemas/submit-task-command.schema.json}.
 *
 * @param requestId     chosen by the producer, unique per intended submission; also the record key
 * @param id            the task id in the catalog
 * @param savePointPath optional; when not blank it overrides the task's savepoint strategy (Dinky's rule)
 * @param variables     optional values for the task's {@code ${name}} placeholders
 */
public record SubmitTaskCommand(String requestId, int id, String savePointPath, Map<String, String> variables) {

    public SubmitTaskCommand {
        variables = variables == null ? Map.of() : Map.copyOf(variables);
    }
}
