package dev.submitworker.testing;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.function.Function;

/**
 * Generates malformed and adversarial command records from a seed: random bytes, truncated and mutated commands, wrong
 * types, huge values, deep nesting, Unicode edge cases. Each is built around a requestId (also the record key) that it
 * carries first when it carries one, so an answer, if any, comes under that key. None of them is a valid command: a
 * sample that happens to be one by chance (a mutation can be harmless) is replaced by another.
 */
public final class HostileRecords {

    private static final ObjectMapper STRICT = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    private static final String[] WRONG_VALUES = {"\"140\"", "140.5", "true", "null", "{}", "[]", "[140]", "-1e400",
            "99999999999999999999", "\"\"", "1.0e2"};
    private static final String[] ODD_STRINGS = {"\\ud800", "\\udfff x", "\\u0000", "\u202e", "\u200b", "\uFEFF",
            "\uD83D\uDE80", "e\u0301", "\\\\", "\\\"", "\\n\\r\\t", "%s%n", "${x}", "'; DROP TABLE x; --"};

    private final Random random;

    public HostileRecords(long seed) {
        this.random = new Random(seed);
    }

    /** A record value that is not a valid command, built around this requestId. */
    public byte[] next(String requestId) {
        while (true) {
            byte[] value = candidate(requestId);
            if (!couldBeValid(value)) {
                return value;
            }
        }
    }

    private byte[] candidate(String requestId) {
        String valid = validCommand(requestId);
        int kind = random.nextInt(100);
        if (kind < 12) {
            return randomBytes(random.nextInt(300));
        }
        if (kind < 24) {
            return utf8(valid.substring(0, 1 + random.nextInt(valid.length() - 1)));
        }
        if (kind < 44) {
            return mutate(utf8(valid), utf8("{\"requestId\":\"" + requestId + "\"").length);
        }
        if (kind < 54) {
            return utf8(field(requestId, pick(new String[]{"id", "variables", "savePointPath"}), pick(WRONG_VALUES)));
        }
        if (kind < 58) {
            return utf8(field(requestId, "x" + random.nextInt(1000), pick(WRONG_VALUES)));
        }
        if (kind < 62) {
            return utf8(nested(random.nextInt(2) == 0 ? "[" : "{\"a\":", 1 + random.nextInt(5000), requestId));
        }
        if (kind < 66) {
            return huge(requestId);
        }
        if (kind < 80) {
            return unicode(requestId, valid);
        }
        if (kind < 86) {
            return utf8(pick(new String[]{"", " ", "\n", "null", "[]", "{}", "\"" + requestId + "\"", "140", "true",
                    "{\"requestId\":\"" + requestId + "\",\"id\":140}}", "{,}", "{\"requestId\"}"}));
        }
        if (kind < 94) {
            return requestIdProblem(requestId);
        }
        return utf8("{\"requestId\":\"" + requestId + "\",\"id\":140,\"" + pick(new String[]{"id", "requestId",
                "variables"}) + "\":" + pick(WRONG_VALUES) + "}");
    }

    private static String validCommand(String requestId) {
        return "{\"requestId\":\"" + requestId + "\",\"id\":140,\"savePointPath\":null,"
                + "\"variables\":{\"day\":\"2026-11-28\",\"note\":\"\u00fcn\u00efc\u00f8d\u00e9 \u2713 \uD83D\uDE80\"}}";
    }

    private static String field(String requestId, String name, String json) {
        return "{\"requestId\":\"" + requestId + "\",\"id\":140,\"" + name + "\":" + json + "}";
    }

    private String nested(String opener, int depth, String requestId) {
        String closer = opener.equals("[") ? "]" : "}";
        String deep = opener.repeat(depth) + "1" + closer.repeat(depth);
        return random.nextBoolean() ? deep : field(requestId, "variables", deep);
    }

    private byte[] huge(String requestId) {
        switch (random.nextInt(4)) {
            case 0:
                // over the record limit (64 KiB), under the broker's (1 MiB)
                return utf8(field(requestId, "variables", "{\"x\":\"" + "y".repeat(65_536 + random.nextInt(200_000))
                        + "\"}"));
            case 1:
                StringBuilder many = new StringBuilder("{");
                int count = 101 + random.nextInt(400);
                for (int i = 0; i < count; i++) {
                    many.append(i == 0 ? "" : ",").append("\"v").append(i).append("\":\"x\"");
                }
                return utf8(field(requestId, "variables", many.append('}').toString()));
            case 2:
                return utf8(field(requestId, "variables", "{\"x\":\"" + "v".repeat(4097 + random.nextInt(40_000))
                        + "\"}"));
            default:
                return utf8(field(requestId, "variables", "{\"" + "n".repeat(129 + random.nextInt(2000))
                        + "\":\"x\"}"));
        }
    }

    private byte[] unicode(String requestId, String valid) {
        switch (random.nextInt(7)) {
            case 0:
                return concat(new byte[]{(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, utf8(valid));
            case 1:
                return valid.getBytes(random.nextBoolean() ? StandardCharsets.UTF_16LE : StandardCharsets.UTF_16BE);
            case 2:
                // an overlong encoding, a byte that never occurs in UTF-8, a truncated sequence
                byte[][] invalid = {{(byte) 0xC0, (byte) 0xAF}, {(byte) 0xF5}, {(byte) 0xFF}, {(byte) 0xE2, (byte) 0x82},
                        {(byte) 0xED, (byte) 0xA0, (byte) 0x80}};
                return concat(utf8(field(requestId, "variables", "{\"x\":\"")), pick(invalid), utf8("\"}}"));
            case 3:
                return random.nextBoolean()
                        ? utf8(field(requestId, "variables", "{\"" + pick(ODD_STRINGS) + "\":" + pick(WRONG_VALUES) + "}"))
                        : utf8(field(requestId, "savePointPath", "\"\\ud800/" + pick(ODD_STRINGS) + "\""));
            case 4:
                return utf8("{\"requestId\":\"" + requestId + pick(ODD_STRINGS) + "\",\"id\":140}");
            case 5:
                return utf8(valid.replace("\u00fc", "\\u00fc\\uD83D"));
            default:
                return concat(utf8("{\"requestId\":\"" + requestId), new byte[]{(byte) 0x80}, utf8("\",\"id\":140}"));
        }
    }

    private byte[] requestIdProblem(String requestId) {
        Function<String, String> command = value -> "{\"requestId\":" + value + ",\"id\":140,\"note\":\"" + requestId
                + "\"}";
        return utf8(switch (random.nextInt(6)) {
            case 0 -> command.apply("\"" + requestId + "-" + "r".repeat(256 + random.nextInt(10_000)) + "\"");
            case 1 -> "{\"id\":140,\"note\":\"" + requestId + "\"}";
            case 2 -> command.apply(Integer.toString(random.nextInt()));
            case 3 -> command.apply("[\"" + requestId + "\"]");
            case 4 -> command.apply("\"\"");
            default -> command.apply("\"" + requestId + "\\u0007bell\"");
        });
    }

    private byte[] mutate(byte[] value, int from) {
        byte[] mutated = value;
        int operations = 1 + random.nextInt(3);
        for (int i = 0; i < operations && mutated.length > from; i++) {
            int at = from + random.nextInt(mutated.length - from);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(mutated, 0, at);
            switch (random.nextInt(4)) {
                case 0 -> {
                    out.write(random.nextInt(256));
                    out.write(mutated, at + 1, mutated.length - at - 1);
                }
                case 1 -> out.write(mutated, at + 1, mutated.length - at - 1);
                case 2 -> {
                    out.write(pick(new byte[]{'{', '}', '[', ']', '"', ',', ':', '\\', '0', 'x', ' '}));
                    out.write(mutated, at, mutated.length - at);
                }
                default -> {
                    out.write(mutated, at, mutated.length - at);
                    out.write(mutated, at, Math.min(mutated.length - at, 1 + random.nextInt(20)));
                }
            }
            mutated = out.toByteArray();
        }
        return mutated;
    }

    /**
     * Whether the value may be a valid command, judged independently of the worker: strict UTF-8 without a BOM,
     * strict JSON, valid against the published schema, a requestId of the documented alphabet, within the default
     * limits. Conservative: anything it cannot rule out counts as possibly valid.
     */
    public static boolean couldBeValid(byte[] value) {
        if (value == null || value.length == 0 || value.length > 65_536 || value[0] == (byte) 0xEF) {
            return false;
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(value)).toString();
        } catch (CharacterCodingException e) {
            return false;
        }
        JsonNode command;
        try {
            command = STRICT.readTree(text);
        } catch (IOException | RuntimeException e) {
            return false;
        }
        if (command == null || !command.isObject() || !Schemas.violations(Schemas.COMMAND, command).isEmpty()) {
            return false;
        }
        // the schema says what a command may hold; lone surrogates are the one thing it cannot say
        if (hasLoneSurrogate(command.get("requestId").asText())) {
            return false;
        }
        JsonNode variables = command.get("variables");
        if (variables != null && variables.isObject()) {
            for (var it = variables.fields(); it.hasNext(); ) {
                var variable = it.next();
                if (hasLoneSurrogate(variable.getKey()) || hasLoneSurrogate(variable.getValue().asText())) {
                    return false;
                }
            }
        }
        JsonNode savePointPath = command.get("savePointPath");
        return savePointPath == null || !hasLoneSurrogate(savePointPath.asText());
    }

    private static boolean hasLoneSurrogate(String text) {
        return !text.equals(new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8));
    }

    private byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    private <T> T pick(T[] choices) {
        return choices[random.nextInt(choices.length)];
    }

    private int pick(byte[] choices) {
        return choices[random.nextInt(choices.length)];
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.write(part, 0, part.length);
        }
        return out.toByteArray();
    }
}
