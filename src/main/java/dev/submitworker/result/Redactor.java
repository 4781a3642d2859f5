package dev.submitworker.result;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Masks the values of options whose keys look like secrets, in option maps and in SQL text ({@code 'key' = 'value'}
 * pairs of WITH clauses and SET statements). Only what leaves the worker is redacted; Flink gets the real values.
 */
public final class Redactor {

    public static final String MASK = "******";
    public static final List<String> DEFAULT_SECRET_KEY_PARTS = List.of(
            "password", "passwd", "secret", "token", "credential", "private-key", "private.key", "privatekey",
            "access-key", "access.key", "accesskey", "sasl.jaas.config", "api-key", "apikey");

    // A quoted key, '=', then a quoted value; SQL escapes a quote inside a literal by doubling it. Possessive runs of
    // non-quotes keep the match iterative: an alternation per character recursed per character and overflowed the
    // stack on long texts.
    private static final String LITERAL = "'([^']*+(?:''[^']*+)*+)'";
    private static final Pattern QUOTED_OPTION = Pattern.compile(LITERAL + "(\\s*=\\s*)" + LITERAL);

    private final List<String> secretKeyParts;

    public Redactor(List<String> secretKeyParts) {
        this.secretKeyParts = secretKeyParts.stream().map(s -> s.toLowerCase(java.util.Locale.ROOT)).toList();
    }

    public static Redactor withDefaults() {
        return new Redactor(DEFAULT_SECRET_KEY_PARTS);
    }

    public boolean isSecretKey(String key) {
        String lower = key.toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        return secretKeyParts.stream().anyMatch(lower::contains);
    }

    public Map<String, String> redact(Map<String, String> options) {
        if (options == null) {
            return null;
        }
        Map<String, String> redacted = new LinkedHashMap<>();
        options.forEach((key, value) -> redacted.put(key, isSecretKey(key) ? MASK : value));
        return redacted;
    }

    public String redactSql(String sql) {
        if (sql == null) {
            return null;
        }
        Matcher matcher = QUOTED_OPTION.matcher(sql);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String replacement = isSecretKey(matcher.group(1))
                    ? "'" + matcher.group(1) + "'" + matcher.group(2) + "'" + MASK + "'"
                    : matcher.group();
            matcher.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        matcher.appendTail(out);
        return out.toString();
    }
}
