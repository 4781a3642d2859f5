package dev.submitworker.secrets;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Masks the values of options whose keys look like secrets: in option maps, and in text (SQL, jar arguments, error
 * messages), where a value follows its key as {@code 'key' = 'value'} (WITH clauses, SET statements, EXECUTE JAR
 * options), {@code "key": "value"} (JSON), {@code --key value} / {@code --key=value} (program arguments) or
 * {@code key=value}. Only what leaves the worker (envelopes, dead-letter headers, log lines) is redacted; Flink gets the
 * real values. Erring towards masking too much is deliberate.
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
    private static final Pattern JSON_PAIR =
            Pattern.compile("\"([^\"\\\\]*+)\"(\\s*:\\s*)\"([^\"\\\\]*+(?:\\\\.[^\"\\\\]*+)*+)\"");
    // An argument value: a double-quoted group or a run up to whitespace, a quote or SQL punctuation.
    private static final String BARE_VALUE = "(\"[^\"]*+\"|[^\\s\"',;)]++)";
    private static final Pattern FLAG = Pattern.compile("(?<![\\w.-])(--?[A-Za-z][\\w.-]*+)(=|[ \\t]++)" + BARE_VALUE);
    private static final Pattern KEY_VALUE = Pattern.compile("(?<![\\w.-])([A-Za-z][\\w.-]*+)(=)" + BARE_VALUE);
    private static final String BASE64_PREFIX = "base64@";

    private final List<String> secretKeyParts;

    public Redactor(List<String> secretKeyParts) {
        this.secretKeyParts = secretKeyParts.stream().map(s -> s.toLowerCase(Locale.ROOT)).toList();
    }

    public static Redactor withDefaults() {
        return new Redactor(DEFAULT_SECRET_KEY_PARTS);
    }

    public boolean isSecretKey(String key) {
        String lower = key.toLowerCase(Locale.ROOT).replace('_', '-');
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

    /**
     * A command's variables, masked when their name looks secret, or when their value or their {@code ${name}}
     * placeholder sits where the script's redaction masks it: {@code 'password' = '${pw}'} makes {@code pw} a secret.
     *
     * @param script the script the variables were applied to, before or after substitution; may be null
     */
    public Map<String, String> redactVariables(Map<String, String> variables, String script) {
        if (variables == null) {
            return null;
        }
        String text = script == null ? "" : script;
        String redacted = redactText(text);
        Map<String, String> result = new LinkedHashMap<>();
        variables.forEach((name, value) -> result.put(name, isSecretKey(name) || masked(text, redacted, value)
                || masked(text, redacted, "${" + name + "}") ? MASK : value));
        return result;
    }

    private static boolean masked(String text, String redacted, String part) {
        return part != null && !part.isEmpty() && text.contains(part) && !redacted.contains(part);
    }

    /** The text with the values of secret-looking keys masked; see the class comment for the forms recognised. */
    public String redactText(String text) {
        if (text == null) {
            return null;
        }
        String redacted = QUOTED_OPTION.matcher(text).replaceAll(option -> Matcher.quoteReplacement(
                "'" + option.group(1) + "'" + option.group(2) + "'" + quotedValue(option.group(1), option.group(3))
                        + "'"));
        redacted = JSON_PAIR.matcher(redacted).replaceAll(pair -> Matcher.quoteReplacement(isSecretKey(pair.group(1))
                ? "\"" + pair.group(1) + "\"" + pair.group(2) + "\"" + MASK + "\"" : pair.group()));
        redacted = FLAG.matcher(redacted).replaceAll(this::maskBare);
        return KEY_VALUE.matcher(redacted).replaceAll(this::maskBare);
    }

    private String maskBare(MatchResult match) {
        return Matcher.quoteReplacement(isSecretKey(match.group(1)) ? match.group(1) + match.group(2) + MASK
                : match.group());
    }

    /**
     * The value of a quoted option: masked when its key looks secret, or when it is Dinky's base64-encoded EXECUTE JAR
     * 'args' and the decoded arguments hold a secret (the other forms are masked in place by the later passes).
     */
    private String quotedValue(String key, String value) {
        if (isSecretKey(key)) {
            return MASK;
        }
        if (key.equalsIgnoreCase("args") && value.startsWith(BASE64_PREFIX)) {
            try {
                String decoded = new String(Base64.getDecoder().decode(value.substring(BASE64_PREFIX.length()).strip()),
                        StandardCharsets.UTF_8);
                return redactText(decoded).equals(decoded) ? value : MASK;
            } catch (IllegalArgumentException e) {
                return value;
            }
        }
        return value;
    }
}
