package dev.submitworker.dinky;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.submitworker.testing.Schemas;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The published command schema is the only place that says what a requestId may be: over ids generated to sit on
 * both sides of every rule (length in characters, control characters, separators, blanks, any script), the worker's
 * reader accepts exactly the commands the schema file accepts.
 */
class RequestIdRulesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int[] SPECIAL = {0x00, 0x07, 0x09, 0x0A, 0x0D, 0x1F, 0x20, 0x7F, 0x80, 0x9F, 0xA0, 0x2028,
            0x2029, 0x200B, 0x202E, 0x3000, 0xFEFF, 0x1F680, 0x10FFFF, '"', '\\', '/', '\'', '%', '$', '{', '}'};

    private final CommandReader reader = new CommandReader(CommandLimits.DEFAULTS);

    @Test
    void theReaderAndTheSchemaAgreeOnEveryGeneratedRequestId() throws Exception {
        Random random = new Random(20261202);
        List<String> ids = new ArrayList<>(List.of("", " ", "\t", "   x   ", "x".repeat(255), "x".repeat(256),
                "\uD83D\uDE80".repeat(255), "\uD83D\uDE80".repeat(256), "报表-2026-12-01", "a\u0000b"));
        for (int i = 0; i < 5_000; i++) {
            ids.add(generated(random));
        }
        int accepted = 0;
        for (String id : ids) {
            ObjectNode command = JSON.createObjectNode().put("requestId", id).put("id", 1);
            boolean bySchema = Schemas.violations(Schemas.COMMAND, command).isEmpty();
            boolean byReader = reader.read(JSON.writeValueAsString(command).getBytes(StandardCharsets.UTF_8))
                    instanceof CommandReader.Accepted;
            assertThat(byReader).as("requestId %s", JSON.writeValueAsString(id)).isEqualTo(bySchema);
            assertThat(reader.isRequestId(id)).as("requestId %s", JSON.writeValueAsString(id)).isEqualTo(bySchema);
            accepted += bySchema ? 1 : 0;
        }
        // both sides of the rules were exercised
        assertThat(accepted).isBetween(ids.size() / 10, ids.size() * 9 / 10);
    }

    /** 0 to 300 characters: letters of several scripts, punctuation, and now and then a special one. */
    private static String generated(Random random) {
        int length = random.nextInt(10) == 0 ? 250 + random.nextInt(20) : random.nextInt(40);
        StringBuilder id = new StringBuilder();
        for (int i = 0; i < length; i++) {
            int kind = random.nextInt(20);
            if (kind == 0) {
                id.appendCodePoint(SPECIAL[random.nextInt(SPECIAL.length)]);
            } else if (kind == 1) {
                id.appendCodePoint(0x4E00 + random.nextInt(0x5000));
            } else if (kind == 2) {
                id.append(' ');
            } else {
                id.append((char) ('!' + random.nextInt(94)));
            }
        }
        return id.toString();
    }
}
