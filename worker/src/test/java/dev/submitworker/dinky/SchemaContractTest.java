package dev.submitworker.dinky;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
    void theReadmeExamplesAreValid() throws Exception {
        Schemas.assertValid(Schemas.COMMAND, JSON.readTree(Files.readString(Path.of("../schemas/examples/command.json"))));
        Schemas.assertValid(Schemas.ENVELOPE,
                JSON.readTree(Files.readString(Path.of("../schemas/examples/envelope-success.json"))));
        Schemas.assertValid(Schemas.ENVELOPE,
                JSON.readTree(Files.readString(Path.of("../schemas/examples/envelope-failure.json"))));
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
        ((com.fasterxml.jackson.databind.node.ObjectNode) envelope).put("code", 1);
        assertThat(Schemas.violations(Schemas.ENVELOPE, envelope)).isNotEmpty();
    }
}
