package dev.submitworker.dinky;

import static org.assertj.core.api.Assertions.assertThat;

import dev.submitworker.core.Control;
import dev.submitworker.core.RequestId;
import dev.submitworker.core.SubmitCommand;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class CommandReaderTest {

    private final CommandReader reader = new CommandReader(CommandLimits.DEFAULTS);

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
                new SubmitCommand(new RequestId("r-1"), 6, "/sp", Map.of("day", "2026-11-28"))));
    }

    @Test
    void optionalFieldsMayBeAbsentOrNull() {
        assertThat(read("{\"requestId\":\"r-1\",\"id\":6,\"savePointPath\":null,\"variables\":null}"))
                .isEqualTo(new CommandReader.Accepted(new SubmitCommand(new RequestId("r-1"), 6, null, Map.of())));
    }

    @Test
    void unparseableValuesAreDeadLettered() {
        assertThat(rejected("[1,2]").reason()).contains("a JSON array, not an object");
        assertThat(rejected("null").reason()).contains("not an object");
        assertThat(rejected("  ").reason()).contains("empty");
        CommandReader.Rejected empty = rejected("");
        assertThat(empty.requestId()).isNull();
        assertThat(empty.deadLetter()).isTrue();
        assertThat(((CommandReader.Rejected) reader.read(null)).deadLetter()).isTrue();
    }

    @Test
    void aBrokenValueWhoseRequestIdCanBeReadIsDeadLetteredAndAnswered() {
        CommandReader.Rejected truncated = rejected("{\"requestId\":\"r-1\",\"id\":");
        assertThat(truncated.deadLetter()).isTrue();
        assertThat(truncated.requestId()).isEqualTo("r-1");
        assertThat(truncated.reason()).contains("not valid JSON");
        // the requestId must come before the damage, and must be a valid one
        assertThat(rejected("{\"id\":6,\"variables\":{\"a\":\"b\"}} x \"requestId\":\"r-1\"").requestId()).isNull();
        assertThat(rejected("{\"requestId\":\"r\\u0007\",\"id\":").requestId()).isNull();
    }

    @Test
    void trailingTokensAreRefused() {
        assertThat(rejected("{\"requestId\":\"r-1\",\"id\":6} {\"x\":1}").deadLetter()).isTrue();
    }

    @Test
    void bytesThatAreNotUtf8JsonAreRefusedWithTheReason() {
        byte[] bom = ("\uFEFF{\"requestId\":\"r-1\",\"id\":6}").getBytes(StandardCharsets.UTF_8);
        CommandReader.Rejected withBom = (CommandReader.Rejected) reader.read(bom);
        assertThat(withBom.deadLetter()).isTrue();
        assertThat(withBom.reason()).contains("byte order mark");

        byte[] latin1 = "{\"requestId\":\"r-1\",\"id\":6,\"variables\":{\"city\":\"K\u00f6ln\"}}"
                .getBytes(StandardCharsets.ISO_8859_1);
        CommandReader.Rejected notUtf8 = (CommandReader.Rejected) reader.read(latin1);
        assertThat(notUtf8.deadLetter()).isTrue();
        assertThat(notUtf8.reason()).contains("not valid UTF-8").contains("at byte 48");
        assertThat(notUtf8.requestId()).isEqualTo("r-1");

        byte[] utf16 = "{\"requestId\":\"r-1\",\"id\":6}".getBytes(StandardCharsets.UTF_16LE);
        assertThat(((CommandReader.Rejected) reader.read(utf16)).deadLetter()).isTrue();
    }

    @Test
    void oversizedRecordsAreRefusedWithoutParsingButAnsweredWhenTheRequestIdComesFirst() {
        CommandReader small = new CommandReader(new CommandLimits(300, 8));
        String big = "{\"requestId\":\"r-1\",\"id\":6,\"variables\":{\"x\":\"" + "y".repeat(400) + "\"}}";
        CommandReader.Rejected rejected = (CommandReader.Rejected) small.read(big.getBytes(StandardCharsets.UTF_8));
        assertThat(rejected.deadLetter()).isTrue();
        assertThat(rejected.requestId()).isEqualTo("r-1");
        assertThat(rejected.reason()).contains("more than the limit of 300 bytes");
    }

    @Test
    void deepNestingStopsTheParser() {
        String deep = "{\"requestId\":\"r-1\",\"id\":6,\"variables\":" + "[".repeat(5000) + "]".repeat(5000) + "}";
        CommandReader.Rejected rejected = rejected(deep);
        assertThat(rejected.deadLetter()).isTrue();
        assertThat(rejected.reason()).contains("nesting depth");
        assertThat(rejected.requestId()).isEqualTo("r-1");
    }

    @Test
    void variablesAreBounded() {
        String many = IntStream.range(0, 101).mapToObj(i -> "\"v" + i + "\":\"x\"").collect(Collectors.joining(","));
        CommandReader.Rejected tooMany = rejected("{\"requestId\":\"r-1\",\"id\":6,\"variables\":{" + many + "}}");
        assertThat(tooMany.deadLetter()).isFalse();
        assertThat(tooMany.requestId()).isEqualTo("r-1");
        assertThat(tooMany.reason()).contains("field 'variables': 101 variables, more than the limit of 100");

        assertThat(rejected("{\"requestId\":\"r-1\",\"id\":6,\"variables\":{\"" + "n".repeat(129) + "\":\"x\"}}")
                .reason()).contains("the name is 129 characters long");
        assertThat(rejected("{\"requestId\":\"r-1\",\"id\":6,\"variables\":{\"day\":\"" + "v".repeat(4097) + "\"}}")
                .reason()).contains("field 'variables.day': the value is 4097 characters long");
        assertThat(rejected("{\"requestId\":\"r-1\",\"id\":6,\"variables\":{\"day\":\"\\ud800\"}}").reason())
                .contains("field 'variables.day': the value is not valid Unicode");
        assertThat(rejected("{\"requestId\":\"r-1\",\"id\":6,\"variables\":{\"day\":{\"a\":\"b\"}}}").reason())
                .startsWith("field 'variables.day'");
    }

    @Test
    void aRequestIdMayHoldAnyCharacterButControlCharactersAndLineSeparators() {
        CommandReader.Rejected control = rejected("{\"requestId\":\"r\\u0000\",\"id\":6}");
        assertThat(control.requestId()).isNull();
        assertThat(control.deadLetter()).isTrue();
        assertThat(control.reason()).contains("field 'requestId': has a control character");
        assertThat(rejected("{\"requestId\":\"a\\u2028b\",\"id\":6}").requestId()).isNull();
        assertThat(rejected("{\"requestId\":\"r\\udc00\",\"id\":6}").reason())
                .contains("field 'requestId': is not valid Unicode");
        for (String id : new String[]{"airflow:dag/run@2026-11-28T10:00+01=x.y_z", "r 1", "报表-2026-12-01", "Köln #7",
                "\uD83D\uDE80 launch", "a'b\\\"c"}) {
            assertThat(read("{\"requestId\":\"" + id + "\",\"id\":6}")).as(id).isInstanceOf(CommandReader.Accepted.class);
        }
        assertThat(reader.isRequestId("Köln #7")).isTrue();
        assertThat(reader.isRequestId("   ")).isFalse();
        assertThat(reader.isRequestId("")).isFalse();
        assertThat(reader.isRequestId("a\nb")).isFalse();
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
        assertThat(noRequestId.deadLetter()).isTrue();
        assertThat(noRequestId.reason()).contains("field 'requestId': is missing");
        assertThat(rejected("{\"requestId\":\"  \",\"id\":6}").requestId()).isNull();
        assertThat(rejected("{\"requestId\":7,\"id\":6}").requestId()).isNull();
    }

    @Test
    void overlongRequestIdsAreRefused() {
        String longId = "x".repeat(256);
        assertThat(rejected("{\"requestId\":\"" + longId + "\",\"id\":6}").reason())
                .contains("field 'requestId': is 256 characters long, more than the limit of 255");
        // the limit counts characters, not UTF-16 units: 255 rockets are 510 units and still a requestId
        String rockets = "\uD83D\uDE80".repeat(255);
        assertThat(read("{\"requestId\":\"" + rockets + "\",\"id\":6}")).isInstanceOf(CommandReader.Accepted.class);
    }

    @Test
    void reasonsAreOneBoundedLineWithoutControlCharacters() {
        byte[] garbage = new byte[2000];
        for (int i = 0; i < garbage.length; i++) {
            garbage[i] = (byte) (i % 32);
        }
        for (String reason : new String[]{((CommandReader.Rejected) reader.read(garbage)).reason(),
                rejected("abc\u0007\n\r" + "x".repeat(2000)).reason(),
                rejected("{\"requestId\":\"r-1\",\"id\":6,\"ab\\u0000\\n" + "c".repeat(500) + "\":1}").reason()}) {
            assertThat(reason).hasSizeLessThan(500).doesNotContainPattern("\\p{Cntrl}");
        }
    }

    @Test
    void controlCommandsAreReadWithTheirActionTargetAndDrain() {
        assertThat(read("{\"requestId\":\"r-9\",\"action\":\"savepoint\",\"target\":\"r-1\"}"))
                .isEqualTo(new CommandReader.Accepted(SubmitCommand.control(new RequestId("r-9"),
                        new Control(Control.Action.SAVEPOINT, new RequestId("r-1"), false))));
        assertThat(read("{\"requestId\":\"r-10\",\"action\":\"stop\",\"target\":\"r-1\",\"drain\":true}"))
                .isEqualTo(new CommandReader.Accepted(SubmitCommand.control(new RequestId("r-10"),
                        new Control(Control.Action.STOP, new RequestId("r-1"), true))));
        assertThat(read("{\"requestId\":\"r-11\",\"action\":\"cancel\",\"target\":\"r-1\"}"))
                .isEqualTo(new CommandReader.Accepted(SubmitCommand.control(new RequestId("r-11"),
                        new Control(Control.Action.CANCEL, new RequestId("r-1"), false))));
    }

    @Test
    void anUnknownActionOrAFieldItDoesNotTakeIsRefusedNamingTheField() {
        assertThat(rejected("{\"requestId\":\"r-9\",\"action\":\"rewind\",\"target\":\"r-1\"}").reason())
                .isEqualTo("field 'action': is not one of savepoint, stop, cancel, restart, explain");
        assertThat(rejected("{\"requestId\":\"r-9\",\"action\":\"cancel\",\"target\":\"r-1\",\"id\":2}")
                .reason()).isEqualTo("field 'id': is not a field of a 'cancel' command");
        assertThat(rejected("{\"requestId\":\"r-9\",\"action\":\"cancel\",\"target\":\"r-1\","
                + "\"drain\":true}").reason()).isEqualTo("field 'drain': is not a field of a 'cancel' command");
        assertThat(rejected("{\"requestId\":\"r-9\",\"action\":\"savepoint\",\"target\":\"r-1\","
                + "\"variables\":{}}").reason()).isEqualTo("field 'variables': is not a field of a 'savepoint' command");
        assertThat(rejected("{\"requestId\":\"r-9\",\"action\":\"stop\"}").reason())
                .isEqualTo("field 'target': is missing");
        assertThat(rejected("{\"requestId\":\"r-9\",\"action\":\"stop\",\"target\":\" \"}").reason())
                .isEqualTo("field 'target': is blank");
        CommandReader.Rejected answered = rejected("{\"requestId\":\"r-9\",\"action\":\"stop\",\"target\":\"r-1\","
                + "\"extra\":1}");
        assertThat(answered.reason()).isEqualTo("field 'extra': is not a field of the command");
        assertThat(answered.requestId()).isEqualTo("r-9");
        assertThat(answered.deadLetter()).isFalse();
    }

    @Test
    void aRestartTakesASavepointPathAndVariablesAndATaskOrNoneForItsTargets() {
        assertThat(read("{\"requestId\":\"r-12\",\"action\":\"restart\",\"target\":\"r-1\",\"id\":2,"
                + "\"savePointPath\":\"/sp\",\"variables\":{\"day\":\"1\"}}")).isEqualTo(new CommandReader.Accepted(
                SubmitCommand.restart(new RequestId("r-12"), new RequestId("r-1"), 2, "/sp", Map.of("day", "1"))));
        assertThat(rejected("{\"requestId\":\"r-12\",\"action\":\"restart\",\"target\":\"r-1\",\"id\":2,"
                + "\"drain\":true}").reason()).isEqualTo("field 'drain': is not a field of a 'restart' command");
        assertThat(read("{\"requestId\":\"r-12\",\"action\":\"restart\",\"target\":\"r-1\"}")).isEqualTo(
                new CommandReader.Accepted(SubmitCommand.restart(new RequestId("r-12"), new RequestId("r-1"), null,
                        null, null)));
        assertThat(rejected("{\"requestId\":\"r-12\",\"action\":\"restart\",\"target\":\"r-1\",\"id\":null}")
                .reason()).isEqualTo("field 'id': null found, integer expected");
    }

    @Test
    void anExplainTakesATaskAndVariablesAndNoTargetDrainOrSavepointPath() {
        assertThat(read("{\"requestId\":\"r-13\",\"action\":\"explain\",\"id\":5,\"variables\":{\"day\":\"1\"}}"))
                .isEqualTo(new CommandReader.Accepted(SubmitCommand.explain(new RequestId("r-13"), 5,
                        Map.of("day", "1"))));
        assertThat(rejected("{\"requestId\":\"r-13\",\"action\":\"explain\",\"id\":5,\"target\":\"r-1\"}")
                .reason()).isEqualTo("field 'target': is not a field of an 'explain' command");
        assertThat(rejected("{\"requestId\":\"r-13\",\"action\":\"explain\",\"id\":5,\"drain\":false}")
                .reason()).isEqualTo("field 'drain': is not a field of an 'explain' command");
        assertThat(rejected("{\"requestId\":\"r-13\",\"action\":\"explain\",\"id\":5,"
                + "\"savePointPath\":\"/sp\"}").reason())
                .isEqualTo("field 'savePointPath': is not a field of an 'explain' command");
        assertThat(rejected("{\"requestId\":\"r-13\",\"action\":\"explain\"}").reason())
                .isEqualTo("field 'id': is missing");
    }

    @Test
    void aSubmitTakesNoControlFields() {
        assertThat(rejected("{\"requestId\":\"r-1\",\"id\":1,\"target\":\"r-0\"}").reason())
                .isEqualTo("field 'target': is a field of control commands only (with 'action')");
        assertThat(rejected("{\"requestId\":\"r-1\",\"target\":\"r-0\"}").reason())
                .isEqualTo("field 'target': is a field of control commands only (with 'action'); "
                        + "field 'id': is missing");
    }
}
