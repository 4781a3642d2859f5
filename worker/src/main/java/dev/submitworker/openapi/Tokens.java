package dev.submitworker.openapi;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The API tokens the front accepts in Dinky's {@code dinky-token} header. Only their SHA-256 digests are kept, and a
 * token is compared with every one of them in constant time, so neither its length nor its prefix shows in how long a
 * refusal takes.
 */
public final class Tokens {

    private final List<byte[]> digests;

    private Tokens(List<byte[]> digests) {
        this.digests = digests;
    }

    /**
     * The tokens given, and those of the file (one a line; blank lines and lines starting with '#' are skipped).
     *
     * @param file may be null
     */
    public static Tokens of(Collection<String> tokens, Path file) {
        List<String> all = new ArrayList<>(tokens);
        if (file != null) {
            try {
                Files.readAllLines(file, StandardCharsets.UTF_8).stream().map(String::strip)
                        .filter(line -> !line.isEmpty() && !line.startsWith("#")).forEach(all::add);
            } catch (IOException e) {
                throw new UncheckedIOException("The OpenAPI tokens file " + file + " cannot be read", e);
            }
        }
        return new Tokens(all.stream().filter(token -> !token.isBlank()).map(Tokens::digest).toList());
    }

    public boolean isEmpty() {
        return digests.isEmpty();
    }

    public boolean accepts(String token) {
        if (token == null || token.isEmpty()) {
            return false;
        }
        byte[] digest = digest(token);
        boolean accepted = false;
        for (byte[] known : digests) {
            accepted |= MessageDigest.isEqual(known, digest);
        }
        return accepted;
    }

    private static byte[] digest(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
