package dev.submitworker.dinky;

import dev.submitworker.core.RequestId;
import dev.submitworker.core.SubmitCommand;
import java.util.Map;

/**
 * A submit-task command as it is written on the commands topic: the body of Dinky's {@code POST /openapi/submitTask}
 * plus the idempotency key. Schema: {@code schemas/submit-task-command.schema.json}.
 */
record SubmitTaskCommand(String requestId, int id, String savePointPath, Map<String, String> variables) {

    SubmitCommand toCommand() {
        return new SubmitCommand(new RequestId(requestId), id, savePointPath, variables);
    }
}
