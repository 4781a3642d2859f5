package dev.submitworker.command;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CommandReaderTest {

    private final CommandReader reader = new CommandReader();

    private CommandReader.Outcome read(String json) {
        return reader.read(json.getBytes(StandardCharsets.UTF_8));
    }

    private CommandReader.Rejected rejected(String json) {
        CommandReader.Outcome outcome = read(json);
        assertThat(outcome).isInstanceOf(CommandReader.Rejected.class);
        return (CommandReader.Rejected) outcome;
    }

    @Test
    void readsAFullCommand() {
        CommandReader.Outcome outcome = read(
                "{\"requestId\":\"r-1\",\"id\":6,\"savePointPath\":\"/sp\",\"variables\":{\"day\":\"2026-11-28\"}}");
        assertThat(outcome).isEqualTo(new CommandReader.Accepted(
                new SubmitTaskCommand("r-1", 6, "/sp", Map.of("day", "2026-11-28"))));
    }

    @Test
    void optionalFieldsMayBeAbsentOrNull() {
        assertThat(read("{\"requestId\":\"r-1\",\"id\":6,\"savePointPath\":null,\"variables\":null}"))
                .isEqualTo(new CommandReader.Accepted(new SubmitTaskCommand("r-1", 6, null, Map.of())));
    }

    @Test
    void unparseableValuesCannotBeAnswered() {
        assertThat(rejected("{\"requestId\":\"r-1\",").parsed()).isFalse();
        assertThat(rejected("[1,2]").reason()).contains("not a JSON object");
        assertThat(rejected("").requestId()).isNull();
        assertThat(reader.read(null)).isInstanceOf(CommandReader.Rejected.class);
    }

    @Test
    void trailingTokensAreRefused() {
        assertThat(rejected("{\"requestId\":\"r-1\",\"id\":6} {\"x\":1}").parsed()).isFalse();
    }

    @Test
    void duplicateKeysAreRefused() {
        assertThat(rejected("{\"requestId\":\"r-1\",\"id\":6,\"id\":7}").reason()).contains("Duplicate field 'id'");
    }

    @Test
    void numbersAreNotCoerced() {
        CommandReader.Rejected quoted = rejected("{\"requestId\":\"r-1\",\"id\":\"6\"}");
        assertThat(quoted.requestId()).isEqualTo("r-1");
        assertThat(quoted.reason()).startsWith("field 'id'");
        assertThat(rejected("{\"requestId\":\"r-1\",\"id\":6.5}").reason()).startsWith("field 'id'");
        assertThat(rejected("{\"requestId\":\"r-1\",\"id\":6,\"variables\":{\"n\":1}}").reason())
                .startsWith("field 'variables.n'");
    }

    @Test
    void unknownFieldsAreRefusedByName() {
        assertThat(rejected("{\"requestId\":\"r-1\",\"id\":6,\"savepointPath\":\"/x\"}").reason())
                .contains("savepointPath");
    }

    @Test
    void missingRequiredFieldsAreNamed() {
        CommandReader.Rejected noId = rejected("{\"requestId\":\"r-1\"}");
        assertThat(noId.requestId()).isEqualTo("r-1");
        assertThat(noId.reason()).contains("'id'");

        CommandReader.Rejected noRequestId = rejected("{\"id\":6}");
        assertThat(noRequestId.requestId()).isNull();
        assertThat(noRequestId.parsed()).isTrue();
        assertThat(rejected("{\"requestId\":\"  \",\"id\":6}").requestId()).isNull();
        assertThat(rejected("{\"requestId\":7,\"id\":6}").requestId()).isNull();
    }

    @Test
    void overlongRequestIdsAreRefused() {
        String longId = "x".repeat(CommandReader.MAX_REQUEST_ID_LENGTH + 1);
        assertThat(rejected("{\"requestId\":\"" + longId + "\",\"id\":6}").reason()).contains("longer than");
    }
}
