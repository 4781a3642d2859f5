package dev.submitworker.kafka;

import dev.submitworker.dinky.SubmitTaskCommand;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.TreeMap;

/**
 * What makes two commands with the same requestId "the same command": task id, savepoint path and variables. Order of
 * variables and a blank versus an absent savepoint path do not matter; anything else does.
 */
public final class Fingerprint {

    private Fingerprint() {}

    public static String of(SubmitTaskCommand command) {
        StringBuilder canonical = new StringBuilder()
                .append("id=").append(command.id()).append('\n')
                .append("savePointPath=").append(command.savePointPath() == null ? "" : command.savePointPath().strip())
                .append('\n');
        new TreeMap<>(command.variables()).forEach((name, value) ->
                canonical.append("var:").append(name).append('\u0000').append(value).append('\n'));
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
