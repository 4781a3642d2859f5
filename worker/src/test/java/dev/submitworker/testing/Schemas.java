package dev.submitworker.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/** The published contract in schemas/: every command a test sends and every envelope it reads is checked against it. */
public final class Schemas {

    public static final JsonSchema COMMAND = load("submit-task-command.schema.json");
    public static final JsonSchema ENVELOPE = load("job-result-envelope.schema.json");
    public static final JsonSchema STATUS_EVENT = load("job-status-event.schema.json");

    /** Dinky's response shapes, as the OpenAPI front serves them (schemas/dinky/). */
    public static final JsonSchema DINKY_VERSION = load("dinky/version-result.schema.json");
    public static final JsonSchema DINKY_JOB_RESULT = load("dinky/job-result-result.schema.json");
    public static final JsonSchema DINKY_JOB_INSTANCE = load("dinky/job-instance-result.schema.json");
    public static final JsonSchema DINKY_BOOLEAN = load("dinky/boolean-result.schema.json");
    public static final JsonSchema DINKY_RESULT = load("dinky/result.schema.json");
    public static final JsonSchema DINKY_EXPLAIN_SQL = load("dinky/explain-sql-result.schema.json");
    public static final JsonSchema DINKY_JOB_PLAN = load("dinky/job-plan-result.schema.json");
    public static final JsonSchema DINKY_SAVEPOINT = load("dinky/savepoint-result.schema.json");

    private Schemas() {}

    private static JsonSchema load(String file) {
        SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
        try (InputStream in = Files.newInputStream(Path.of("../schemas", file))) {
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in, config);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Set<ValidationMessage> violations(JsonSchema schema, JsonNode document) {
        return schema.validate(document);
    }

    public static void assertValid(JsonSchema schema, JsonNode document) {
        assertThat(schema.validate(document)).as("schema violations of %s", document).isEmpty();
    }
}
