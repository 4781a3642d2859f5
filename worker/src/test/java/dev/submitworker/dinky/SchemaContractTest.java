package dev.submitworker.dinky;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.submitworker.testing.Schemas;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The published schemas accept the documented examples and refuse what the worker refuses. */
class SchemaContractTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theSchemasOwnExamplesAreValid() throws Exception {
        JsonNode schema = JSON.readTree(Files.readString(Path.of("../schemas", "submit-task-command.schema.json")));
        for (JsonNode example : schema.get("examples")) {
            Schemas.assertValid(Schemas.COMMAND, example);
        }
    }

    @Test
    void theStatusEventExamplesAreValid() throws Exception {
        JsonNode schema = JSON.readTree(Files.readString(Path.of("../schemas", "job-status-event.schema.json")));
        for (JsonNode example : schema.get("examples")) {
            Schemas.assertValid(Schemas.STATUS_EVENT, example);
        }
        for (String example : new String[] {"status-finished.json", "status-failed.json", "status-unknown.json"}) {
            Schemas.assertValid(Schemas.STATUS_EVENT,
                    JSON.readTree(Files.readString(Path.of("../schemas/examples", example))));
        }
    }

    @Test
    void statusEventsThatContradictThemselvesAreInvalid() throws Exception {
        JsonNode finished = JSON.readTree(Files.readString(Path.of("../schemas/examples/status-finished.json")));
        for (String[] change : new String[][] {
                {"terminal", "false"}, {"sequence", "0"}, {"previousStatus", "null"}, {"reason", "\"gone\""},
                {"failure", "{\"class\": null, \"message\": \"x\"}"}, {"status", "\"DONE\""}}) {
            ObjectNode event = finished.deepCopy();
            event.set(change[0], JSON.readTree(change[1]));
            assertThat(Schemas.violations(Schemas.STATUS_EVENT, event)).as(change[0] + "=" + change[1]).isNotEmpty();
        }
        JsonNode unknown = JSON.readTree(Files.readString(Path.of("../schemas/examples/status-unknown.json")));
        ObjectNode withoutReason = unknown.deepCopy();
        withoutReason.putNull("reason");
        assertThat(Schemas.violations(Schemas.STATUS_EVENT, withoutReason)).isNotEmpty();
    }

    @Test
    void theReadmeExamplesAreValid() throws Exception {
        Schemas.assertValid(Schemas.COMMAND, JSON.readTree(Files.readString(Path.of("../schemas/examples/command.json"))));
        for (String action : new String[] {"savepoint", "stop", "cancel", "restart", "explain"}) {
            Schemas.assertValid(Schemas.COMMAND, JSON.readTree(Files.readString(
                    Path.of("../schemas/examples/command-" + action + ".json"))));
        }
        Schemas.assertValid(Schemas.ENVELOPE,
                JSON.readTree(Files.readString(Path.of("../schemas/examples/envelope-success.json"))));
        Schemas.assertValid(Schemas.ENVELOPE,
                JSON.readTree(Files.readString(Path.of("../schemas/examples/envelope-failure.json"))));
        Schemas.assertValid(Schemas.ENVELOPE,
                JSON.readTree(Files.readString(Path.of("../schemas/examples/envelope-explain.json"))));
    }

    @Test
    void anExplainsAnswerReportsAPlanAndNoJob() throws Exception {
        JsonNode explained = JSON.readTree(Files.readString(Path.of("../schemas/examples/envelope-explain.json")));
        ObjectNode withJob = explained.deepCopy();
        ((ObjectNode) withJob.get("data")).put("jobId", "0123456789abcdef0123456789abcdef");
        ObjectNode failed = explained.deepCopy();
        failed.put("code", 1).put("success", false);
        ((ObjectNode) failed.get("data")).put("success", false).put("status", "FAILED");
        ObjectNode submitWithoutJob = JSON.readTree(Files.readString(Path.of("../schemas/examples/"
                + "envelope-success.json"))).deepCopy();
        ((ObjectNode) submitWithoutJob.get("data")).putNull("jobId");
        for (JsonNode invalid : new JsonNode[] {withJob, failed, submitWithoutJob}) {
            assertThat(Schemas.violations(Schemas.ENVELOPE, invalid)).as(invalid.toString()).isNotEmpty();
        }
    }

    @Test
    void commandsTheWorkerRefusesAreInvalid() throws Exception {
        for (String invalid : new String[] {
                "{\"id\": 1}",
                "{\"requestId\": \"r\"}",
                "{\"requestId\": \"\", \"id\": 1}",
                "{\"requestId\": \"r\", \"id\": \"1\"}",
                "{\"requestId\": \"r\", \"id\": 1.5}",
                "{\"requestId\": \"r\", \"id\": 1, \"variables\": {\"n\": 1}}",
                "{\"requestId\": \"r\", \"id\": 1, \"savepointPath\": \"/x\"}"}) {
            assertThat(Schemas.violations(Schemas.COMMAND, JSON.readTree(invalid))).as(invalid).isNotEmpty();
        }
    }

    @Test
    void anEnvelopeWhoseSuccessContradictsItsCodeIsInvalid() throws Exception {
        JsonNode envelope = JSON.readTree(Files.readString(Path.of("../schemas/examples/envelope-success.json")));
        ((ObjectNode) envelope).put("code", 1);
        assertThat(Schemas.violations(Schemas.ENVELOPE, envelope)).isNotEmpty();
    }
}
