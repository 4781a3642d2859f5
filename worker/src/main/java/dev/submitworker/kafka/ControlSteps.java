package dev.submitworker.kafka;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.submitworker.core.ClusterTarget;
import dev.submitworker.core.Control;
import dev.submitworker.core.RunMode;
import dev.submitworker.core.SubmitCommand;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The step a command on a job has reached ({@link Control.Step}), in the headers of the record passed on between its
 * own partition and its target's: the record's value stays the command as it was sent.
 */
final class ControlSteps {

    /** The step reached, lower case; absent on a command as sent. */
    static final String STEP = "submit-worker-control-step";
    /** On a checked command: what its target's partition found of the target, as JSON. */
    static final String FOUND = "submit-worker-control-found";

    private static final ObjectMapper JSON = new ObjectMapper();

    private ControlSteps() {}

    /** The command at the step its record's headers say (as sent when they say none, or nothing usable). */
    static SubmitCommand read(SubmitCommand command, Headers headers) {
        if (command.control() == null || command.control().action() == Control.Action.EXPLAIN) {
            return command;
        }
        String step = text(headers.lastHeader(STEP));
        if ("checking".equals(step)) {
            return command.checking();
        }
        Control.Found found = "checked".equals(step) ? found(text(headers.lastHeader(FOUND))) : null;
        return found == null ? command : command.checked(found);
    }

    /** Sets the headers of the record that passes the command on at its next step. */
    static void write(Headers headers, SubmitCommand next) {
        headers.remove(STEP);
        headers.remove(FOUND);
        headers.add(STEP, bytes(next.control().step().name().toLowerCase(Locale.ROOT)));
        Control.Found found = next.control().found();
        if (found != null) {
            ObjectNode json = JSON.createObjectNode().put("state", found.state().name()).put("taskId", found.taskId())
                    .put("ended", found.ended());
            if (found.cluster() != null) {
                json.put("cluster", found.cluster().entry()).put("mode", found.cluster().mode().value());
            }
            headers.add(FOUND, bytes(json.toString()));
        }
    }

    private static Control.Found found(String text) {
        if (text == null) {
            return null;
        }
        try {
            JsonNode json = JSON.readTree(text);
            Control.Found.State state = Control.Found.State.valueOf(json.path("state").asText());
            ClusterTarget cluster = json.path("cluster").isTextual() ? new ClusterTarget(json.get("cluster").asText(),
                    RunMode.of(json.path("mode").asText())) : null;
            return new Control.Found(state, json.path("taskId").asInt(),
                    cluster, json.path("ended").isTextual() ? json.get("ended").asText() : null);
        } catch (JsonProcessingException | RuntimeException e) {
            return null; // not one the worker wrote: the command is taken as sent, and checked again
        }
    }

    private static String text(Header header) {
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
