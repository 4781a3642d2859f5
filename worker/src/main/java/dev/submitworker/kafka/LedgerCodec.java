package dev.submitworker.kafka;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.submitworker.core.ClusterTarget;
import dev.submitworker.core.Control;
import dev.submitworker.core.Following;
import dev.submitworker.core.LedgerEntry;
import dev.submitworker.core.RequestId;
import dev.submitworker.core.RunMode;
import dev.submitworker.core.StoredAnswer;
import dev.submitworker.core.SubmitCommand;
import java.io.ByteArrayOutputStream;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Ledger entries as the ledger topic holds them: one JSON object per record, keyed by requestId. A DONE entry embeds
 * its first answer as the JSON it was published as, and reads it back as exactly those bytes, so a duplicate gets
 * the first answer byte for byte. Each record also carries the entry's state and time in headers, so that a restore
 * can index a record without parsing it.
 */
final class LedgerCodec {

    static final String STATE_HEADER = "submit-worker-state";
    static final String AT_HEADER = "submit-worker-at";
    static final String FOLLOWED_HEADER = "submit-worker-followed";

    private static final ObjectMapper JSON = new ObjectMapper();

    private LedgerCodec() {}

    /** What a restore needs of a record to index it: its state, its time, whether its job is still followed. */
    record Summary(LedgerEntry.State state, long atMillis, boolean followed) {

        static Summary of(LedgerEntry entry) {
            return new Summary(entry.state(), entry.at().toEpochMilli(), entry.followed());
        }
    }

    static Headers headers(LedgerEntry entry) {
        return new RecordHeaders()
                .add(STATE_HEADER, entry.state().name().getBytes(StandardCharsets.UTF_8))
                .add(AT_HEADER, Long.toString(entry.at().toEpochMilli()).getBytes(StandardCharsets.UTF_8))
                .add(FOLLOWED_HEADER, Boolean.toString(entry.followed()).getBytes(StandardCharsets.UTF_8));
    }

    /** From the record's headers, or from its value when it has none. */
    static Summary summary(Headers headers, byte[] value) throws IOException {
        Header state = headers.lastHeader(STATE_HEADER);
        Header at = headers.lastHeader(AT_HEADER);
        Header followed = headers.lastHeader(FOLLOWED_HEADER);
        if (state != null && at != null && followed != null) {
            try {
                return new Summary(LedgerEntry.State.valueOf(new String(state.value(), StandardCharsets.UTF_8)),
                        Long.parseLong(new String(at.value(), StandardCharsets.UTF_8)),
                        Boolean.parseBoolean(new String(followed.value(), StandardCharsets.UTF_8)));
            } catch (IllegalArgumentException e) {
                throw new IOException("bad ledger headers: " + e.getMessage(), e);
            }
        }
        return Summary.of(decode(value));
    }

    static byte[] encode(LedgerEntry entry) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator json = JSON.getFactory().createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("state", entry.state().name());
            json.writeStringField("requestId", entry.requestId().value());
            json.writeStringField("fingerprint", entry.fingerprint());
            json.writeNumberField("taskId", entry.taskId());
            json.writeStringField("at", entry.at().toString());
            if (entry.command() != null) {
                SubmitCommand command = entry.command();
                json.writeObjectFieldStart("command");
                if (command.control() != null) {
                    json.writeStringField("action", command.control().action().value());
                    json.writeStringField("target", command.control().target() == null ? null
                            : command.control().target().value());
                    json.writeBooleanField("drain", command.control().drain());
                    if (command.control().targetsTask()) {
                        json.writeBooleanField("targetsTask", true);
                    }
                    Control.Found found = command.control().found();
                    if (found != null) {
                        json.writeObjectFieldStart("found");
                        json.writeStringField("state", found.state().name());
                        json.writeNumberField("taskId", found.taskId());
                        if (found.cluster() != null) {
                            json.writeStringField("cluster", found.cluster().entry());
                            json.writeStringField("mode", found.cluster().mode().value());
                        }
                        json.writeStringField("ended", found.ended());
                        json.writeEndObject();
                    }
                }
                json.writeNumberField("id", command.taskId());
                json.writeStringField("savePointPath", command.savePointPath());
                json.writeObjectField("variables", command.variables());
                json.writeEndObject();
            }
            if (entry.firstFailure() != null) {
                json.writeStringField("firstFailure", entry.firstFailure().toString());
            }
            if (entry.waitingDuplicates() > 0) {
                json.writeNumberField("waitingDuplicates", entry.waitingDuplicates());
            }
            if (entry.following() != null) {
                Following following = entry.following();
                json.writeObjectFieldStart("following");
                json.writeStringField("cluster", following.cluster());
                json.writeStringField("mode", following.mode().value());
                json.writeStringField("clusterId", following.clusterId());
                json.writeStringField("status", following.status());
                json.writeNumberField("sequence", following.sequence());
                json.writeBooleanField("terminal", following.terminal());
                if (following.unreachableSince() != null) {
                    json.writeStringField("unreachableSince", following.unreachableSince().toString());
                }
                json.writeBooleanField("released", following.released());
                json.writeEndObject();
            }
            if (entry.answer() != null) {
                json.writeFieldName("answer");
                json.writeRawValue(new String(entry.answer().content(), StandardCharsets.UTF_8));
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** @throws IOException the record is not a ledger entry */
    static LedgerEntry decode(byte[] value) throws IOException {
        Map<String, Object> fields = new LinkedHashMap<>();
        StoredAnswer answer = null;
        SubmitCommand command = null;
        try (JsonParser json = JSON.getFactory().createParser(value)) {
            if (json.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("not a JSON object");
            }
            while (json.nextToken() == JsonToken.FIELD_NAME) {
                String name = json.currentName();
                JsonToken token = json.nextToken();
                if (name.equals("answer")) {
                    // the answer's own bytes, as published
                    int start = (int) json.currentTokenLocation().getByteOffset();
                    json.skipChildren();
                    int end = (int) json.currentLocation().getByteOffset();
                    answer = new StoredAnswer(Arrays.copyOfRange(value, start, end));
                } else if (name.equals("command") || name.equals("following")) {
                    fields.put(name, JSON.readValue(json, Map.class));
                } else if (token.isScalarValue()) {
                    fields.put(name, json.getValueAsString());
                } else {
                    json.skipChildren();
                }
            }
        }
        RequestId requestId = new RequestId(required(fields, "requestId"));
        if (fields.get("command") instanceof Map<?, ?> raw) {
            @SuppressWarnings("unchecked")
            Map<String, String> variables = (Map<String, String>) raw.get("variables");
            Control control = null;
            if (raw.get("action") instanceof String action) {
                // a command on a job waits in the ledger only once its target's partition has checked it
                Control.Found found = raw.get("found") instanceof Map<?, ?> checked ? new Control.Found(
                        Control.Found.State.valueOf((String) checked.get("state")),
                        ((Number) checked.get("taskId")).intValue(), checked.get("cluster") instanceof String cluster
                        ? new ClusterTarget(cluster, RunMode.of((String) checked.get("mode"))) : null,
                        (String) checked.get("ended")) : null;
                control = new Control(Control.Action.of(action), raw.get("target") instanceof String target
                        ? new RequestId(target) : null, Boolean.TRUE.equals(raw.get("drain")),
                        Boolean.TRUE.equals(raw.get("targetsTask")),
                        found == null ? Control.Step.SENT : Control.Step.CHECKED, found);
            }
            command = new SubmitCommand(requestId, ((Number) raw.get("id")).intValue(),
                    (String) raw.get("savePointPath"), variables, control);
        }
        Following following = null;
        if (fields.get("following") instanceof Map<?, ?> raw) {
            following = new Following((String) raw.get("cluster"), RunMode.of((String) raw.get("mode")),
                    (String) raw.get("clusterId"), (String) raw.get("status"), ((Number) raw.get("sequence")).intValue(),
                    Boolean.TRUE.equals(raw.get("terminal")), raw.get("unreachableSince") == null ? null
                    : Instant.parse((String) raw.get("unreachableSince")), Boolean.TRUE.equals(raw.get("released")));
        }
        String firstFailure = (String) fields.get("firstFailure");
        String waiting = (String) fields.get("waitingDuplicates");
        try {
            return new LedgerEntry(requestId, LedgerEntry.State.valueOf(required(fields, "state")),
                    required(fields, "fingerprint"), Integer.parseInt(required(fields, "taskId")),
                    Instant.parse(required(fields, "at")), command,
                    firstFailure == null ? null : Instant.parse(firstFailure),
                    waiting == null ? 0 : Integer.parseInt(waiting), answer, following);
        } catch (RuntimeException e) {
            throw new IOException("not a ledger entry: " + e.getMessage(), e);
        }
    }

    private static String required(Map<String, Object> fields, String name) throws IOException {
        Object value = fields.get(name);
        if (!(value instanceof String text)) {
            throw new IOException("no '" + name + "'");
        }
        return text;
    }
}
