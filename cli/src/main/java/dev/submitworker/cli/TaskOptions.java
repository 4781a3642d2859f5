package dev.submitworker.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The variables of the task to submit and the savepoint to start from: what {@code submit} and {@code restart} send
 * beside the task's id (required by one, optional for the other).
 */
final class TaskOptions {

    @Option(names = "--var", paramLabel = "NAME=VALUE", mapFallbackValue = "",
            description = "A value for the task's variable NAME ($${NAME}); repeat for more.")
    Map<String, String> variables = new LinkedHashMap<>();

    @Option(names = "--savepoint", paramLabel = "PATH", description = "Start the job from this savepoint.")
    String savepoint;

    /**
     * Dinky's submitTask fields of the command: {@code id}, {@code savePointPath}, {@code variables}.
     *
     * @param task the task's id, or null for none
     */
    ObjectNode addTo(ObjectNode command, Integer task) {
        if (task != null) {
            command.put("id", task);
        }
        if (savepoint != null) {
            command.put("savePointPath", savepoint);
        }
        ObjectNode vars = command.putObject("variables");
        variables.forEach(vars::put);
        return command;
    }
}
