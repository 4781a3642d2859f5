package dev.submitworker.core;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.TreeMap;

/**
 * A digest of a command's content. Every part is written with its length in front, so no value can pass for a
 * separator: {@code {"a":"b\nvar:c"}} and {@code {"a":"b", "c":""}} digest differently whatever they contain.
 */
final class Fingerprint {

    private Fingerprint() {}

    static String of(SubmitCommand command) {
        StringBuilder canonical = new StringBuilder();
        Control control = command.control();
        if (control != null) {
            part(canonical, control.action().value());
            part(canonical, control.target() == null ? "" : control.target().value());
            part(canonical, Boolean.toString(control.drain()));
            if (!control.action().takesTask()) {
                return digest(canonical);
            }
        } else {
            part(canonical, "submit");
        }
        // a restart that names no task is the same command before and after its task is found
        part(canonical, control != null && control.targetsTask() ? "target's task"
                : Integer.toString(command.taskId()));
        part(canonical, command.savepoint() == null ? "" : command.savepoint());
        new TreeMap<>(command.variables()).forEach((name, value) -> {
            part(canonical, name);
            part(canonical, value);
        });
        return digest(canonical);
    }

    private static String digest(StringBuilder canonical) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(canonical.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    private static void part(StringBuilder canonical, String text) {
        canonical.append(text.length()).append(':').append(text);
    }
}
