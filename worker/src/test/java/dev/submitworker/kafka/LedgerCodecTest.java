package dev.submitworker.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.submitworker.core.ClusterTarget;
import dev.submitworker.core.Control;
import dev.submitworker.core.LedgerEntry;
import dev.submitworker.core.RequestId;
import dev.submitworker.core.RunMode;
import dev.submitworker.core.StoredAnswer;
import dev.submitworker.core.SubmitCommand;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LedgerCodecTest {

    private static final Instant AT = Instant.parse("2026-12-01T10:15:30.123456Z");
    private static final SubmitCommand COMMAND = new SubmitCommand(new RequestId("报表 r-1"), 7, "s3://sp/1",
            Map.of("day", "2026-12-01", "note", "quote \" backslash \\ tab \t"));

    @Test
    void aDoneEntryGivesBackItsAnswerByteForByte() throws IOException {
        byte[] envelope = ("{\"requestId\":\"报表 r-1\",\"msg\":\"say \\\"hi\\\" \\u0007 \u00e9\",\"duplicate\":false,"
                + "\"data\":{\"n\":[1,2.50,{\"x\":null}]}}").getBytes(StandardCharsets.UTF_8);
        LedgerEntry done = LedgerEntry.done(COMMAND, new StoredAnswer(envelope), AT);

        LedgerEntry decoded = LedgerCodec.decode(LedgerCodec.encode(done));

        assertThat(decoded).isEqualTo(done);
        assertThat(decoded.answer().content()).isEqualTo(envelope);
    }

    @Test
    void aPendingEntryKeepsItsCommandAndItsWaiting() throws IOException {
        LedgerEntry pending = LedgerEntry.pending(COMMAND, AT, AT.minusSeconds(30), 2);

        LedgerEntry decoded = LedgerCodec.decode(LedgerCodec.encode(pending));

        assertThat(decoded).isEqualTo(pending);
        assertThat(decoded.command().fingerprint()).isEqualTo(COMMAND.fingerprint());
    }

    @Test
    void aPendingControlCommandKeepsItsActionTargetDrainAndWhatWasFoundOfItsTarget() throws IOException {
        SubmitCommand stop = SubmitCommand.control(new RequestId("r-10"),
                new Control(Control.Action.STOP, new RequestId("r-1"), true)).checked(new Control.Found(
                        Control.Found.State.JOB, 7, new ClusterTarget("apps", RunMode.KUBERNETES_APPLICATION), null));
        LedgerEntry pending = LedgerEntry.pending(stop, AT, null, 0);

        LedgerEntry decoded = LedgerCodec.decode(LedgerCodec.encode(pending));

        assertThat(decoded).isEqualTo(pending);
        assertThat(decoded.command().control()).isEqualTo(stop.control());
        assertThat(decoded.command().control().found().cluster().entry()).isEqualTo("apps");
        assertThat(decoded.command().fingerprint()).isEqualTo(stop.fingerprint())
                .isNotEqualTo(SubmitCommand.control(new RequestId("r-10"),
                        new Control(Control.Action.STOP, new RequestId("r-1"), false)).fingerprint());
    }

    @Test
    void aPendingExplainKeepsItsTaskAndVariablesWithoutATarget() throws IOException {
        SubmitCommand explain = SubmitCommand.explain(new RequestId("r-13"), 5, java.util.Map.of("day", "1"));
        LedgerEntry pending = LedgerEntry.pending(explain, AT, null, 0);

        LedgerEntry decoded = LedgerCodec.decode(LedgerCodec.encode(pending));

        assertThat(decoded).isEqualTo(pending);
        assertThat(decoded.command().explains()).isTrue();
        assertThat(decoded.command().fingerprint()).isEqualTo(explain.fingerprint())
                .isNotEqualTo(new SubmitCommand(new RequestId("r-13"), 5, null, java.util.Map.of("day", "1"))
                        .fingerprint())
                .isNotEqualTo(SubmitCommand.explain(new RequestId("r-13"), 5, java.util.Map.of("day", "2"))
                        .fingerprint());
    }

    @Test
    void aGaveUpEntryRoundTrips() throws IOException {
        LedgerEntry gaveUp = LedgerEntry.gaveUp(COMMAND, AT);
        assertThat(LedgerCodec.decode(LedgerCodec.encode(gaveUp))).isEqualTo(gaveUp);
    }

    @Test
    void somethingElseIsNotTakenForAnEntry() {
        assertThatThrownBy(() -> LedgerCodec.decode("[1]".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IOException.class);
        assertThatThrownBy(() -> LedgerCodec.decode("{\"state\":\"DONE\"}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IOException.class);
    }
}
