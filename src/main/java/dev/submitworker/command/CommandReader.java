package dev.submitworker.command;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import java.io.IOException;

/**
 * Turns a record value into a {@link SubmitTaskCommand}, strictly: Jackson's lenient defaults (trailing tokens
 * ignored, {@code "101"} and {@code 101.5} coerced to ints, duplicate keys accepted, unknown fields dropped) would let
 * a malformed command through as a different command than the producer meant.
 */
public final class CommandReader {

    static final int MAX_REQUEST_ID_LENGTH = 255;

    private final ObjectMapper mapper;

    public CommandReader() {
        JsonMapper strict = JsonMapper.builder()
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .disable(JsonParser.Feature.ALLOW_COMMENTS)
                .build();
        strict.coercionConfigFor(LogicalType.Integer).setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
        strict.coercionConfigFor(LogicalType.Textual).setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        this.mapper = strict;
    }

    /** The outcome of reading one record value. */
    public sealed interface Outcome {}

    public record Accepted(SubmitTaskCommand command) implements Outcome {}

    /**
     * The value is not a usable command.
     *
     * @param requestId the request id, when one could still be read (then the sender can be answered), else null
     * @param parsed    false when the value is not even a JSON object (such records are dead-lettered)
     */
    public record Rejected(String requestId, boolean parsed, String reason) implements Outcome {}

    public Outcome read(byte[] value) {
        if (value == null || value.length == 0) {
            return new Rejected(null, false, "the record has no value (expected a JSON command)");
        }
        JsonNode tree;
        try {
            tree = mapper.readTree(value);
        } catch (IOException e) {
            return new Rejected(null, false, "the value is not valid JSON: " + shortMessage(e));
        }
        if (tree == null || !tree.isObject()) {
            return new Rejected(null, false, "the value is not a JSON object");
        }
        JsonNode requestIdNode = tree.get("requestId");
        if (requestIdNode == null || requestIdNode.isNull()) {
            return new Rejected(null, true, "'requestId' is missing");
        }
        if (!requestIdNode.isTextual() || requestIdNode.asText().isBlank()) {
            return new Rejected(null, true, "'requestId' must be a non-blank string");
        }
        String requestId = requestIdNode.asText();
        if (requestId.length() > MAX_REQUEST_ID_LENGTH) {
            return new Rejected(null, true, "'requestId' is longer than " + MAX_REQUEST_ID_LENGTH + " characters");
        }
        JsonNode idNode = tree.get("id");
        if (idNode == null || idNode.isNull()) {
            return new Rejected(requestId, true, "'id' (the task id) is missing");
        }
        try {
            return new Accepted(mapper.treeToValue(tree, SubmitTaskCommand.class));
        } catch (MismatchedInputException e) {
            return new Rejected(requestId, true, "field '" + fieldPath(e) + "': " + e.getOriginalMessage());
        } catch (JsonProcessingException | IllegalArgumentException e) {
            return new Rejected(requestId, true, shortMessage(e));
        }
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

    private static String shortMessage(Exception e) {
        return e instanceof JsonProcessingException jpe ? jpe.getOriginalMessage() : e.getMessage();
    }
}
