package dev.submitworker.dinky;

import dev.submitworker.core.Control;
import dev.submitworker.core.RequestId;
import dev.submitworker.core.SubmitCommand;
import java.util.Map;

/**
 * A command as it is written on the commands topic: the body of Dinky's {@code POST /openapi/submitTask} plus the
 * idempotency key, or, with an {@code action}, a control command on the job of its {@code target}, or an explain of
 * task {@code id}. Schema:
 * {@code schemas/submit-task-command.schema.json}, which decides which fields go with which action.
 */
record SubmitTaskCommand(String requestId, Integer id, String savePointPath, Map<String, String> variables,
                         String action, String target, Boolean drain) {

    SubmitCommand toCommand() {
        RequestId key = new RequestId(requestId);
        if (action == null) {
            return new SubmitCommand(key, id, savePointPath, variables);
        }
        Control.Action kind = Control.Action.of(action);
        if (kind == Control.Action.EXPLAIN) {
            return SubmitCommand.explain(key, id, variables);
        }
        if (kind == Control.Action.RESTART) {
            return SubmitCommand.restart(key, new RequestId(target), id, savePointPath, variables);
        }
        return SubmitCommand.control(key, new Control(kind, new RequestId(target), Boolean.TRUE.equals(drain)));
    }
}
