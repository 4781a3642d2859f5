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

    /** Dinky's shapes (schemas/dinky/) refuse what a Dinky 1.x caller would misread. */
    @Test
    void dinkyShapesOtherThanDinkysAreInvalid() throws Exception {
        String instance = "{\"id\":7,\"tenantId\":null,\"name\":\"n\",\"taskId\":1,\"step\":null,"
                + "\"clusterId\":null,\"jid\":\"9f2f4a0b1c3d3e5f8a7b6c5d4e3f2a1b\",\"status\":\"FINISHED\","
                + "\"historyId\":null,\"error\":null,\"createTime\":\"2026-12-02 10:58:42\","
                + "\"updateTime\":\"2026-12-02 10:58:46\",\"finishTime\":\"2026-12-02 10:58:45\",\"duration\":3,"
                + "\"failedRestartCount\":null,\"creator\":null,\"updater\":null,\"operator\":null,\"count\":null}";
        String valid = "{\"data\":" + instance + ",\"code\":0,\"msg\":\"m\",\"time\":\"2026-12-02 10:58:47\","
                + "\"success\":true}";
        Schemas.assertValid(Schemas.DINKY_JOB_INSTANCE, JSON.readTree(valid));
        for (String invalid : new String[] {
                valid.replace("\"data\":", "\"datas\":"),                          // Dinky 0.x's key
                valid.replace("\"FINISHED\"", "\"SUCCESS\""),                       // not a JobStatus
                valid.replace("\"2026-12-02 10:58:47\"", "\"2026-12-02T10:58:47Z\""), // not Dinky's time
                valid.replace("\"success\":true", "\"success\":false"),             // contradicts code 0
                valid.replace(",\"count\":null", "")}) {                                // a field missing
            assertThat(Schemas.violations(Schemas.DINKY_JOB_INSTANCE, JSON.readTree(invalid))).as(invalid)
                    .isNotEmpty();
        }
        assertThat(Schemas.violations(Schemas.DINKY_VERSION, JSON.readTree(
                "{\"data\":\"0.7.5\",\"code\":0,\"msg\":\"\",\"time\":\"2026-12-02 10:58:47\",\"success\":true}")))
                .as("a version starting with 0 selects DolphinScheduler's old API").isNotEmpty();
    }
}
