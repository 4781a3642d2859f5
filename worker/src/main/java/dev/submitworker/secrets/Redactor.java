package dev.submitworker.secrets;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.configuration.GlobalConfiguration;

/**
 * Masks secrets in what leaves the worker (envelopes, dead-letter headers, log lines); Flink gets the real values.
 * Erring towards masking too much is deliberate.
 *
 * <p>A key is secret when, ignoring case and reading '_' as '-', it contains one of the configured parts
 * ({@code worker.redaction.secret-keys}, by default {@link #DEFAULT_SECRET_KEY_PARTS}), or when Flink hides it
 * ({@link GlobalConfiguration#isSensitive}; the configured list adds to Flink's rule, it cannot lift it). A part
 * matches anywhere in a key, so {@code --tokenizer standard} becomes {@code --tokenizer ******}: over-masking reaches
 * the value of a secret-looking key, never further.
 *
 * <p>In an option map ({@link #redact}) the value of a secret key is masked whole; any other value is redacted as text.
 * In text ({@link #redactText}) these forms are recognised, each of them also inside the value of another:
 * <ul>
 *   <li>{@code 'key' = 'value'} and {@code 'key': 'value'} (SQL options, SET, EXECUTE JAR, Flink maps): the value of a
 *       secret key is masked; any other quoted value is redacted as text itself, SQL's doubled quotes undone first;
 *       Dinky's EXECUTE JAR {@code 'args' = 'base64@...'} is masked whole when the decoded arguments hold a secret;
 *   <li>{@code "key": value} and {@code "key" = value} (JSON), also with escaped quotes ({@code \"key\": \"value\"},
 *       JSON quoted in a message);
 *   <li>{@code --key value}, {@code --key=value}, {@code -key value}, {@code -Dkey=value} (program arguments, JVM
 *       options);
 *   <li>{@code key=value} and {@code key: value}, with or without blanks around '=' or ':' (properties, YAML, HTTP
 *       headers, Flink maps {@code k:v,k:v}); a stack frame's {@code Name.java:42} ({@code .scala}, {@code .kt}) is
 *       not a pair;
 *   <li>{@code ?key=value} and {@code &key=value} (URL query parameters, names judged by the same rule): the value up
 *       to the next {@code &}, {@code #}, blank or quote;
 *   <li>{@code scheme://user:password@host}: the password (scheme, user and host stay readable); it may hold single
 *       '/' (AWS secret keys do) and '@' (it ends at the last '@' before the host);
 *   <li>{@code jdbc:oracle:<driver>:user/password@...}: the password;
 *   <li>{@code Authorization: <scheme> <credentials>} and {@code Proxy-Authorization}, also with '=': the credentials
 *       (a value, as below), the scheme word stays;
 *   <li>{@code Bearer <token>} (any case); {@code Basic <credentials>} when the credentials are the base64 of
 *       {@code user:password}, so that "Basic auth" stays readable.
 * </ul>
 * A value is a quoted string ({@code '...'} with {@code ''} inside, {@code "..."} with {@code \"} or {@code ""} inside,
 * {@code \"...\"}), the rest of the line after a quote that does not close, or else a run up to a blank, a quote, ',',
 * ';' or ')'. A masked quoted value keeps its quotes.
 *
 * <p>Scanning is linear in the text: runs are possessive and start only at a word start or a quote; a run that may
 * cross words stops before the next start of its own form (a URI password at "//"), so no character is read by many
 * runs; the value of a key is read only when the key is secret; and no pattern repeats a group per character (which
 * recursed per character and overflowed the stack on long texts).
 */
public final class Redactor {

    public static final String MASK = "******";
    public static final List<String> DEFAULT_SECRET_KEY_PARTS = List.of(
            "password", "passwd", "secret", "token", "credential", "private-key", "private.key", "privatekey",
            "access-key", "access.key", "accesskey", "sasl.jaas.config", "api-key", "apikey", "authorization",
            "signature");

    /** Where a secret may follow: a key with its separator, or a whole URI or credentials form (see class comment). */
    private static final Pattern CANDIDATE = Pattern.compile(String.join("|",
            "'(?<sqKey>[^'\\r\\n]++)'\\s*+[=:]\\s*+",
            // a run of backslashes starts only at its first one
            "(?<!\\\\)\\\\*+\"(?<dqKey>[^\"\\\\\\r\\n]++)\\\\*+\"\\s*+[=:]\\s*+",
            // the rest start at a word: tried once there, not at every character; first match wins, so the
            // Authorization form precedes a query parameter, and a parameter (value up to '&') precedes a bare key
            "(?<![\\w.-])(?:" + String.join("|",
                    // the password stops before "//": the start of the next URI is never inside it
                    "(?<!\\+)[A-Za-z][\\w+.-]*+://[^\\s/?#@:'\"]*+:"
                            + "(?<uriPassword>(?:[^\\s'\"/@]++|/(?!/)|@(?=[^\\s'\"/@]*+@))*+)@",
                    "(?i:jdbc:oracle:)[A-Za-z]++:[^\\s/@:'\"]++/(?<oraclePassword>[^\\s@'\":]++)@",
                    "(?<authorization>(?i:(?:proxy-)?authorization)[ \\t]*+[:=][ \\t]*+"
                            + "(?:[A-Za-z][\\w-]*+[ \\t]++)?+)",
                    "(?<scheme>(?i:bearer|basic))[ \\t]++(?<credentials>[\\w.~+/-]++=*+)",
                    "(?<=[?&])(?<parameter>[\\w.-]++)=",
                    "(?<flag>--?[A-Za-z][\\w.-]*+)(?:=|[ \\t]++)",
                    "(?<key>[A-Za-z][\\w.-]*+)[ \\t]*+(?<separator>[=:])[ \\t]*+") + ")"));
    private static final Pattern VALUE = Pattern.compile(String.join("|",
            "'[^']*+(?:''[^']*+)*+'",
            "\"[^\"\\\\]*+(?:(?:\\\\[\\s\\S]|\"\")[^\"\\\\]*+)*+\"",
            "(?<escaped>\\\\++\")[^\"\\r\\n]*+\"",
            "(?<unclosed>['\"]|\\\\++\")[^\\r\\n]*+",
            "[^\\s\"',;)]++"));
    private static final Pattern QUERY_VALUE = Pattern.compile("[^&#\\s\"']++");
    private static final Pattern SQL_LITERAL = Pattern.compile("'([^']*+(?:''[^']*+)*+)'");
    private static final Pattern SOURCE_FILE = Pattern.compile(".*\\.(?:java|scala|kt)", Pattern.CASE_INSENSITIVE);
    private static final String BASE64_PREFIX = "base64@";

    private final List<String> secretKeyParts;

    public Redactor(List<String> secretKeyParts) {
        this.secretKeyParts = secretKeyParts.stream().map(s -> s.toLowerCase(Locale.ROOT)).toList();
    }

    public static Redactor withDefaults() {
        return new Redactor(DEFAULT_SECRET_KEY_PARTS);
    }

    /** Whether the key's value is a secret: it holds a configured part, or Flink's own rule hides it. */
    public boolean isSecretKey(String key) {
        String lower = key.toLowerCase(Locale.ROOT).replace('_', '-');
        // none of Flink's parts holds a '_': the normalised key finds all that the raw one does
        return secretKeyParts.stream().anyMatch(lower::contains) || GlobalConfiguration.isSensitive(lower);
    }

    /** The options with the values of secret keys masked and the secrets inside the other values masked as in text. */
    public Map<String, String> redact(Map<String, String> options) {
        if (options == null) {
            return null;
        }
        Map<String, String> redacted = new LinkedHashMap<>();
        options.forEach((key, value) -> redacted.put(key, isSecretKey(key) ? MASK : redactText(value)));
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
        // masked as a whole where its name or its place in the script makes it a secret, and as text anyway: a value
        // may be a secret by its form ("Bearer x", a URI with a password) wherever it stands
        variables.forEach((name, value) -> result.put(name, isSecretKey(name) || masked(text, redacted, value)
                || masked(text, redacted, "${" + name + "}") ? MASK : redactText(value)));
        return result;
    }

    private static boolean masked(String text, String redacted, String part) {
        return part != null && !part.isEmpty() && text.contains(part) && !redacted.contains(part);
    }

    /** The text with its secrets masked; see the class comment for the forms recognised. */
    public String redactText(String text) {
        if (text == null) {
            return null;
        }
        Scan scan = new Scan(text);
        Matcher candidate = CANDIDATE.matcher(text);
        int from = 0;
        while (from < text.length() && candidate.find(from)) {
            from = next(candidate, scan);
        }
        return scan.result();
    }

    /** Masks what the candidate found, if anything; returns where to look next, always past the candidate's start. */
    private int next(Matcher candidate, Scan scan) {
        if (candidate.start("sqKey") >= 0) {
            return quotedOption(candidate, scan);
        }
        if (candidate.start("dqKey") >= 0) {
            return isSecretKey(candidate.group("dqKey")) ? scan.maskValue(candidate.end()) : candidate.end();
        }
        if (candidate.start("uriPassword") >= 0) {
            return scan.mask(candidate.start("uriPassword"), candidate.end("uriPassword"), candidate.end());
        }
        if (candidate.start("oraclePassword") >= 0) {
            return scan.mask(candidate.start("oraclePassword"), candidate.end("oraclePassword"), candidate.end());
        }
        if (candidate.start("authorization") >= 0) {
            return scan.maskValue(candidate.end());
        }
        if (candidate.start("scheme") >= 0) {
            boolean secret = candidate.group("scheme").equalsIgnoreCase("bearer")
                    || userAndPassword(candidate.group("credentials"));
            return secret ? scan.mask(candidate.start("credentials"), candidate.end(), candidate.end())
                    : candidate.start("credentials");
        }
        if (candidate.start("parameter") >= 0) {
            return isSecretKey(candidate.group("parameter")) ? scan.maskRun(QUERY_VALUE, candidate.end())
                    : candidate.end();
        }
        if (candidate.start("flag") >= 0) {
            return isSecretKey(candidate.group("flag")) ? scan.maskValue(candidate.end()) : candidate.end();
        }
        String key = candidate.group("key");
        boolean frame = candidate.group("separator").equals(":") && SOURCE_FILE.matcher(key).matches();
        return !frame && isSecretKey(key) ? scan.maskValue(candidate.end()) : candidate.end();
    }

    /**
     * {@code 'key' = ...} at the value: a secret key's value is masked, another quoted value redacted as text. A
     * quoted "key" that is not one (a message quoting a URI before a colon: {@code 'https://u:pw@host/x': failed}) is
     * redacted as text too.
     */
    private int quotedOption(Matcher candidate, Scan scan) {
        String key = candidate.group("sqKey");
        int valueStart = candidate.end();
        if (isSecretKey(key)) {
            return scan.maskValue(valueStart);
        }
        String redactedKey = redactText(key);
        if (!redactedKey.equals(key)) {
            scan.replace(candidate.start("sqKey"), candidate.end("sqKey"), redactedKey);
        }
        Matcher literal = scan.at(SQL_LITERAL, valueStart);
        if (!literal.lookingAt()) {
            return valueStart;
        }
        String value = literal.group(1);
        String redacted = quotedValue(key, value);
        if (!redacted.equals(value)) {
            scan.replace(literal.start(1), literal.end(1), redacted);
        }
        return literal.end();
    }

    /**
     * A quoted option's value, redacted: Dinky's base64-encoded EXECUTE JAR 'args' are masked whole when the decoded
     * arguments hold a secret, any other value is redacted with SQL's doubled quotes undone, then doubled again.
     */
    private String quotedValue(String key, String value) {
        if (key.equalsIgnoreCase("args") && value.startsWith(BASE64_PREFIX)) {
            try {
                String decoded = new String(Base64.getDecoder().decode(value.substring(BASE64_PREFIX.length()).strip()),
                        StandardCharsets.UTF_8);
                return redactText(decoded).equals(decoded) ? value : MASK;
            } catch (IllegalArgumentException e) {
                return value;
            }
        }
        String text = value.replace("''", "'");
        String redacted = redactText(text);
        return redacted.equals(text) ? value : redacted.replace("'", "''");
    }

    /** Basic credentials are the base64 of user:password; "Basic auth" is just words. */
    private static boolean userAndPassword(String credentials) {
        try {
            byte[] decoded = Base64.getDecoder().decode(credentials);
            for (byte b : decoded) {
                if (b == ':') {
                    return true;
                }
            }
            return false;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The text being redacted and the redacted copy, built from the left as secrets are found. */
    private static final class Scan {

        private final String text;
        private final StringBuilder out;
        private int copied;

        Scan(String text) {
            this.text = text;
            this.out = new StringBuilder(text.length());
        }

        /** A matcher of the pattern reading from the position on, seeing the text before it. */
        Matcher at(Pattern pattern, int position) {
            return pattern.matcher(text).region(position, text.length()).useTransparentBounds(true)
                    .useAnchoringBounds(false);
        }

        void replace(int start, int end, String replacement) {
            out.append(text, copied, start).append(replacement);
            copied = end;
        }

        /** Masks the text from start to end unless empty; returns next. */
        int mask(int start, int end, int next) {
            if (end > start) {
                replace(start, end, MASK);
            }
            return next;
        }

        /** Masks the value at the position, keeping its quotes; returns where it ends. */
        int maskValue(int position) {
            Matcher value = at(VALUE, position);
            if (!value.lookingAt()) {
                return position;
            }
            String escaped = value.group("escaped");
            String unclosed = value.group("unclosed");
            char first = text.charAt(position);
            String masked = escaped != null ? escaped + MASK + escaped
                    : unclosed != null ? unclosed + MASK
                    : first == '\'' || first == '"' ? first + MASK + first
                    : MASK;
            replace(position, value.end(), masked);
            return value.end();
        }

        /** Masks the run of the pattern at the position, if any; returns where it ends. */
        int maskRun(Pattern run, int position) {
            Matcher value = at(run, position);
            return value.lookingAt() ? mask(position, value.end(), value.end()) : position;
        }

        String result() {
            if (copied == 0) { // nothing masked
                return text;
            }
            return out.append(text, copied, text.length()).toString();
        }
    }
}
