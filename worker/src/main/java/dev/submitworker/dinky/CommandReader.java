package dev.submitworker.dinky;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.submitworker.core.SubmitCommand;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Turns a record value into a command, strictly: the bytes must be UTF-8 JSON without a byte order mark, within the
 * {@link CommandLimits}, valid against the published schema ({@code schemas/}), and Jackson's lenient defaults
 * (trailing tokens ignored, {@code "101"} and {@code 101.5} coerced to ints, duplicate keys accepted, unknown fields
 * dropped) are off, so a malformed command is never taken for a different command than the producer meant. What a
 * requestId and the variables may be is the schema's to say alone: the reader asks it, and only words its verdict.
 */
public final class CommandReader {

    static final String SCHEMA_RESOURCE = "/schemas/submit-task-command.schema.json";
    private static final int MAX_PROBLEMS = 5;
    private static final int MAX_ECHO = 64;
    private static final int MAX_MESSAGE = 300;

    private final CommandLimits limits;
    private final ObjectMapper mapper;
    private final JsonSchema schema;
    private final JsonSchema requestIdSchema;
    private final int maxVariableNameLength;

    public CommandReader(CommandLimits limits) {
        this.limits = limits;
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(limits.maxNestingDepth())
                        .build())
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
        JsonMapper strict = JsonMapper.builder(factory)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .disable(JsonParser.Feature.ALLOW_COMMENTS)
                .build();
        strict.coercionConfigFor(LogicalType.Integer).setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
        strict.coercionConfigFor(LogicalType.Textual).setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        this.mapper = strict;
        JsonNode schemaNode = loadSchema();
        SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
        JsonSchemaFactory schemas = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
        this.schema = schemas.getSchema(schemaNode, config);
        this.requestIdSchema = schemas.getSchema(schemaNode.at("/properties/requestId"), config);
        this.maxVariableNameLength = schemaNode.at("/properties/variables/propertyNames/maxLength").asInt();
    }

    private static JsonNode loadSchema() {
        try (InputStream in = CommandReader.class.getResourceAsStream(SCHEMA_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("The command schema is not on the class path: " + SCHEMA_RESOURCE);
            }
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether the text is a requestId by the schema's rule (a record key, say). */
    public boolean isRequestId(String text) {
        return text != null && requestIdSchema.validate(TextNode.valueOf(text)).isEmpty();
    }

    /** The outcome of reading one record value. */
    public sealed interface Outcome {}

    public record Accepted(SubmitCommand command) implements Outcome {}

    /**
     * The value is not a usable command.
     *
     * @param requestId  the request id, when a valid one could still be read (then the sender is answered), else null
     * @param deadLetter true when the record itself is unusable (not UTF-8 JSON, too large, ...) or cannot be answered:
     *                   it goes to the dead-letter topic
     * @param reason     names the field and the problem
     */
    public record Rejected(String requestId, boolean deadLetter, String reason) implements Outcome {}

    public Outcome read(byte[] value) {
        if (value == null || value.length == 0) {
            return unusable(null, "the record has no value (expected a UTF-8 JSON command)");
        }
        if (value.length > limits.maxRecordBytes()) {
            String prefix = decodeValidPrefix(value, limits.maxRecordBytes()).text();
            return unusable(requestIdFrom(prefix), "the record is " + value.length + " bytes, more than the limit of "
                    + limits.maxRecordBytes() + " bytes");
        }
        if (startsWithByteOrderMark(value)) {
            return unusable(null, "the value starts with a byte order mark (BOM); send UTF-8 JSON without one");
        }
        Decoded decoded = decodeValidPrefix(value, value.length);
        if (decoded.invalidAt() >= 0) {
            return unusable(requestIdFrom(decoded.text()),
                    "the value is not valid UTF-8 (invalid byte sequence at byte " + decoded.invalidAt() + ")");
        }
        String text = decoded.text();
        JsonNode tree;
        try {
            tree = mapper.readTree(text);
        } catch (IOException e) {
            return unusable(requestIdFrom(text), "the value is not valid JSON: " + shortMessage(e));
        }
        if (tree == null || tree.isMissingNode()) {
            return unusable(null, "the value is empty (expected a UTF-8 JSON command)");
        }
        if (!tree.isObject()) {
            return unusable(null, "the value is a JSON " + tree.getNodeType().name().toLowerCase() + ", not an object");
        }
        JsonNode requestIdNode = tree.get("requestId");
        List<String> problems = schemaProblems(tree);
        problems.addAll(unicodeProblems(tree));
        boolean requestIdProblem = problems.stream().anyMatch(problem -> problem.startsWith("field 'requestId'"));
        String requestId = requestIdProblem ? null : requestIdNode.asText();
        if (!problems.isEmpty()) {
            return new Rejected(requestId, requestId == null, summary(problems));
        }
        try {
            return new Accepted(mapper.treeToValue(tree, SubmitTaskCommand.class).toCommand());
        } catch (MismatchedInputException e) {
            return new Rejected(requestId, false, "field '" + fieldPath(e) + "': " + e.getOriginalMessage());
        } catch (JsonProcessingException | IllegalArgumentException e) {
            return new Rejected(requestId, false, shortMessage(e));
        }
    }

    private static Rejected unusable(String requestId, String reason) {
        return new Rejected(requestId, true, reason);
    }

    /** The schema's verdict, one problem per field, in words that name the field and the limit. */
    private List<String> schemaProblems(JsonNode tree) {
        List<String> problems = new ArrayList<>();
        for (ValidationMessage message : schema.validate(tree)) {
            String field;
            String problem;
            if ("required".equals(message.getType())) {
                field = message.getProperty();
                problem = "is missing";
            } else if ("additionalProperties".equals(message.getType())
                    && message.getInstanceLocation().getNameCount() == 0) {
                field = message.getProperty();
                problem = "is not a field of the command";
            } else if ("false".equals(message.getType())) {
                // a field the command's kind does not take (the schema's "if action ... then field: false")
                field = fieldName(message);
                JsonNode action = tree.get("action");
                String name = action == null ? null : echo(action.asText());
                problem = action == null ? "is a field of control commands only (with 'action')"
                        : "is not a field of " + (name.matches("(?i)[aeiou].*") ? "an" : "a") + " '" + name
                        + "' command";
            } else if ("propertyNames".equals(message.getType())) {
                field = fieldName(message) + "." + message.getProperty();
                problem = "the name is " + message.getProperty().codePointCount(0, message.getProperty().length())
                        + " characters long, more than the limit of " + maxVariableNameLength;
            } else {
                field = fieldName(message);
                problem = worded(message, tree.at(message.getInstanceLocation().toString()),
                        field.startsWith("variables.") ? "the value is " : "is ");
            }
            problems.add("field '" + echo(field) + "': " + problem);
        }
        return problems;
    }

    /** The schema's keywords that bound a command, worded with the limit the schema sets. */
    private static String worded(ValidationMessage message, JsonNode value, String is) {
        Object limit = message.getArguments() == null || message.getArguments().length == 0 ? null
                : message.getArguments()[0];
        String text = value.isTextual() ? value.asText() : null;
        return switch (message.getType()) {
            case "maxLength" -> text == null ? message.getError()
                    : is + text.codePointCount(0, text.length()) + " characters long, more than the limit of " + limit;
            case "minLength" -> "is empty";
            case "maxProperties" -> value.size() + " variables, more than the limit of " + limit;
            case "pattern" -> "has a control character (U+0000-U+001F, U+007F-U+009F) or a line separator";
            case "not" -> "is blank";
            case "enum" -> "is not one of " + String.join(", ", enumValues(message));
            default -> message.getError();
        };
    }

    private static List<String> enumValues(ValidationMessage message) {
        List<String> values = new ArrayList<>();
        message.getSchemaNode().forEach(value -> values.add(value.asText()));
        return values;
    }

    private static String fieldName(ValidationMessage message) {
        StringBuilder field = new StringBuilder();
        for (int i = 0; i < message.getInstanceLocation().getNameCount(); i++) {
            Object element = message.getInstanceLocation().getElement(i);
            if (element instanceof Integer index) {
                field.append('[').append(index).append(']');
            } else {
                field.append(field.isEmpty() ? "" : ".").append(element);
            }
        }
        return field.isEmpty() ? "(the command)" : field.toString();
    }

    /**
     * Unpaired surrogates (a lone {@code \\udc00} escape) are not text, whatever the field: they cannot be written
     * as UTF-8 in a record key, a log line or a Flink option. The schema cannot say so; this is the one rule outside it.
     */
    private static List<String> unicodeProblems(JsonNode tree) {
        List<String> problems = new ArrayList<>();
        for (String field : List.of("requestId", "savePointPath", "target")) {
            JsonNode value = tree.get(field);
            if (value != null && value.isTextual() && !isValidUnicode(value.asText())) {
                problems.add("field '" + field + "': is not valid Unicode (unpaired surrogate)");
            }
        }
        JsonNode variables = tree.get("variables");
        if (variables == null || !variables.isObject()) {
            return problems;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = variables.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> variable = it.next();
            String field = "field 'variables." + echo(variable.getKey()) + "': ";
            if (!isValidUnicode(variable.getKey())) {
                problems.add(field + "the name is not valid Unicode (unpaired surrogate)");
            } else if (variable.getValue().isTextual() && !isValidUnicode(variable.getValue().asText())) {
                problems.add(field + "the value is not valid Unicode (unpaired surrogate)");
            }
        }
        return problems;
    }

    private static String summary(List<String> problems) {
        String shown = String.join("; ", problems.subList(0, Math.min(problems.size(), MAX_PROBLEMS)));
        return problems.size() > MAX_PROBLEMS ? shown + "; and " + (problems.size() - MAX_PROBLEMS) + " more" : shown;
    }

    /**
     * The requestId of a value that is not a usable command, read as far as the value is well-formed: a truncated or
     * otherwise broken command whose requestId comes first can still be answered. Null when there is none, or when it
     * is not a valid requestId.
     */
    private String requestIdFrom(String text) {
        try (JsonParser parser = mapper.getFactory().createParser(text)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            for (JsonToken token = parser.nextToken(); token == JsonToken.FIELD_NAME; token = parser.nextToken()) {
                boolean isRequestId = "requestId".equals(parser.currentName());
                JsonToken valueToken = parser.nextToken();
                if (isRequestId) {
                    return valueToken == JsonToken.VALUE_STRING && isRequestId(parser.getText())
                            && isValidUnicode(parser.getText()) ? parser.getText() : null;
                }
                parser.skipChildren();
            }
            return null;
        } catch (IOException e) {
            return null;
        }
    }

    private record Decoded(String text, int invalidAt) {}

    /** The first {@code length} bytes decoded as strict UTF-8, up to the first invalid sequence (its offset, or -1). */
    private static Decoded decodeValidPrefix(byte[] value, int length) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(value, 0, length);
        CharBuffer out = CharBuffer.allocate(length + 1);
        // a prefix may end inside a character: that is not an error of the record (endOfInput only when complete)
        CoderResult result = decoder.decode(in, out, length == value.length);
        int invalidAt = result.isError() ? in.position() : -1;
        return new Decoded(out.flip().toString(), invalidAt);
    }

    private static boolean startsWithByteOrderMark(byte[] value) {
        return value.length >= 2 && ((value[0] == (byte) 0xEF && value.length >= 3 && value[1] == (byte) 0xBB
                && value[2] == (byte) 0xBF)
                || (value[0] == (byte) 0xFE && value[1] == (byte) 0xFF)
                || (value[0] == (byte) 0xFF && value[1] == (byte) 0xFE));
    }

    private static boolean isValidUnicode(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    /** User text quoted in a reason: bounded, on one line, without control characters (it reaches logs too). */
    private static String echo(String text) {
        return clean(text, MAX_ECHO);
    }

    private static String clean(String text, int max) {
        String shown = text.length() > max ? text.substring(0, max) + "..." : text;
        StringBuilder clean = new StringBuilder(shown.length());
        shown.codePoints().forEach(c -> clean.appendCodePoint(Character.isWhitespace(c) ? ' '
                : Character.isISOControl(c) || Character.getType(c) == Character.SURROGATE ? '?' : c));
        return clean.toString();
    }

    private static String fieldPath(MismatchedInputException e) {
        StringBuilder path = new StringBuilder();
        for (var ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                path.append(path.isEmpty() ? "" : ".").append(ref.getFieldName());
            } else {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    /** Jackson quotes the offending input (up to a few hundred characters) and names its own internals: cut both. */
    private static String shortMessage(Exception e) {
        String message = e instanceof JsonProcessingException jpe ? jpe.getOriginalMessage() : e.getMessage();
        if (message == null) {
            return e.getClass().getSimpleName();
        }
        int internals = message.indexOf(" (bound as ");
        return clean(internals > 0 ? message.substring(0, internals) : message, MAX_MESSAGE);
    }
}
