package dev.submitworker.kafka;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.submitworker.core.LedgerEntry;
import dev.submitworker.core.RequestId;
import dev.submitworker.core.StoredAnswer;
import dev.submitworker.core.SubmitCommand;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Ledger entries as the ledger topic holds them: one JSON object per record, keyed by requestId. A DONE entry embeds
 * its first answer as the JSON it was published as, and reads it back as exactly those bytes, so a duplicate gets
 * the first answer byte for byte.
 */
final class LedgerCodec {

    private static final ObjectMapper JSON = new ObjectMapper();

    private LedgerCodec() {}

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
            if (entry.answer() != null) {
                json.writeFieldName("answer");
                json.writeRawValue(new String(entry.answer().content(), java.nio.charset.StandardCharsets.UTF_8));
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
                } else if (name.equals("command")) {
                    Map<?, ?> raw = JSON.readValue(json, Map.class);
                    fields.put("command", raw);
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
            command = new SubmitCommand(requestId, ((Number) raw.get("id")).intValue(),
                    (String) raw.get("savePointPath"), variables);
        }
        String firstFailure = (String) fields.get("firstFailure");
        String waiting = (String) fields.get("waitingDuplicates");
        try {
            return new LedgerEntry(requestId, LedgerEntry.State.valueOf(required(fields, "state")),
                    required(fields, "fingerprint"), Integer.parseInt(required(fields, "taskId")),
                    Instant.parse(required(fields, "at")), command,
                    firstFailure == null ? null : Instant.parse(firstFailure),
                    waiting == null ? 0 : Integer.parseInt(waiting), answer);
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
