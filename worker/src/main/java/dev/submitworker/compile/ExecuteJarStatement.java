package dev.submitworker.compile;

import dev.submitworker.core.Task;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Dinky's {@code EXECUTE JAR} statement, which runs a jar program from a SQL task:
 *
 * <pre>
 * EXECUTE JAR WITH (
 *   'uri' = 'file:///jobs/app.jar',
 *   'main-class' = 'com.acme.Main',
 *   'args' = '--name "my job" --x 1',
 *   'parallelism' = '2'
 * );
 * </pre>
 *
 * Keywords are case-insensitive; values are SQL string literals ({@code ''} is a quote). Option names are matched
 * ignoring case and dashes, as Dinky binds them ({@code main-class} = {@code mainClass}). {@code args} is one string
 * split on whitespace, double quotes grouping words; Dinky's {@code base64@...} form is decoded first. Dinky's
 * {@code savepoint-path} and {@code allowNonRestoredState} are read too, so that its statements port unchanged.
 *
 * @param parallelism            the statement's parallelism, or null
 * @param savepointPath          the statement's savepoint to restore from, or null
 * @param allowNonRestoredState  the statement's choice, or null when it makes none
 */
public record ExecuteJarStatement(Task.JarSpec jar, Integer parallelism, String savepointPath,
                                  Boolean allowNonRestoredState) {

    private static final Pattern HEAD = Pattern.compile("(?i)EXECUTE\\s+JAR\\s+WITH\\s*\\(");
    private static final Pattern BOOLEAN = Pattern.compile("(?i)true|false");
    private static final String BASE64_PREFIX = "base64@";
    private static final List<String> OPTION_NAMES =
            List.of("uri", "main-class", "args", "parallelism", "savepoint-path", "allowNonRestoredState");

    /**
     * @return the statement, or empty when the text (leading comments aside) is not an EXECUTE JAR statement
     * @throws JobBuildException when it is one but cannot be read: syntax, unknown or repeated option, no uri
     */
    public static Optional<ExecuteJarStatement> parse(String statement) {
        Matcher head = HEAD.matcher(statement).region(ScriptReader.codeStart(statement, 0, statement.length()),
                statement.length());
        if (!head.lookingAt()) {
            return Optional.empty();
        }
        Map<String, String> options = new Reader(statement, head.end()).options();
        String uri = options.get("uri");
        if (uri == null || uri.isBlank()) {
            throw new JobBuildException("EXECUTE JAR needs the jar's location: 'uri' = '...'");
        }
        String mainClass = options.get("mainclass");
        String args = options.getOrDefault("args", "");
        if (args.startsWith(BASE64_PREFIX)) {
            args = decodeBase64(args.substring(BASE64_PREFIX.length()));
        }
        Task.JarSpec jar = new Task.JarSpec(uri.strip(),
                mainClass == null || mainClass.isBlank() ? null : mainClass.strip(), splitArgs(args));
        return Optional.of(new ExecuteJarStatement(jar, parallelism(options.get("parallelism")),
                blankToNull(options.get("savepointpath")), allowNonRestoredState(options.get("allownonrestoredstate"))));
    }

    /**
     * The statement that {@link #parse} reads back as {@code jar}: a readable one-line description of a jar job.
     * Arguments containing a double quote do not survive the round trip (the args syntax has no escape).
     */
    public static String toStatement(Task.JarSpec jar) {
        StringBuilder sql = new StringBuilder("EXECUTE JAR WITH ('uri'=").append(literal(jar.uri()));
        if (jar.mainClass() != null) {
            sql.append(", 'main-class'=").append(literal(jar.mainClass()));
        }
        List<String> args = new ArrayList<>();
        for (String arg : jar.args()) {
            args.add(arg.isEmpty() || arg.chars().anyMatch(Character::isWhitespace) ? '"' + arg + '"' : arg);
        }
        return sql.append(", 'args'=").append(literal(String.join(" ", args))).append(')').toString();
    }

    /** Splits on whitespace; a double-quoted part may hold whitespace and may be empty ({@code ""}). */
    static List<String> splitArgs(String args) {
        List<String> result = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean inArg = false;
        boolean quoted = false;
        for (int i = 0; i < args.length(); i++) {
            char c = args.charAt(i);
            if (c == '"') {
                quoted = !quoted;
                inArg = true;
            } else if (Character.isWhitespace(c) && !quoted) {
                if (inArg) {
                    result.add(current.toString());
                    current.setLength(0);
                    inArg = false;
                }
            } else {
                current.append(c);
                inArg = true;
            }
        }
        if (quoted) {
            throw new JobBuildException("EXECUTE JAR: 'args' has an unclosed double quote: " + args);
        }
        if (inArg) {
            result.add(current.toString());
        }
        return result;
    }

    /** Option names as Dinky binds them: case and dashes do not matter. */
    private static String normalise(String name) {
        return name.replace("-", "").toLowerCase(Locale.ROOT);
    }

    private static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
    }

    private static String decodeBase64(String encoded) {
        try {
            return new String(Base64.getDecoder().decode(encoded.strip()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new JobBuildException("EXECUTE JAR: 'args' after base64@ is not valid Base64: " + e.getMessage(), e);
        }
    }

    private static Integer parallelism(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            int parallelism = Integer.parseInt(value.strip());
            if (parallelism > 0) {
                return parallelism;
            }
        } catch (NumberFormatException e) {
            // reported below with the accepted form
        }
        throw new JobBuildException("EXECUTE JAR: 'parallelism' must be a positive whole number, not '" + value + "'");
    }

    private static Boolean allowNonRestoredState(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        if (!BOOLEAN.matcher(value.strip()).matches()) {
            throw new JobBuildException("EXECUTE JAR: 'allowNonRestoredState' must be 'true' or 'false', not '"
                    + value + "'");
        }
        return Boolean.parseBoolean(value.strip());
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    /** Reads {@code 'key' = 'value' [, ...] ) [;]} from a position; errors name the line and column. */
    private static final class Reader {

        private final String text;
        private int pos;

        Reader(String text, int pos) {
            this.text = text;
            this.pos = pos;
        }

        /** Options keyed by their {@link #normalise normalised} name. */
        Map<String, String> options() {
            Map<String, String> options = new LinkedHashMap<>();
            skipWhitespace();
            if (peek() == ')') {
                pos++;
            } else {
                boolean more = true;
                while (more) {
                    String key = quoted("an option name in quotes, e.g. 'uri'");
                    String normalised = normalise(key);
                    if (OPTION_NAMES.stream().map(ExecuteJarStatement::normalise).noneMatch(normalised::equals)) {
                        throw new JobBuildException("EXECUTE JAR: unknown option '" + key + "'; the options are "
                                + String.join(", ", OPTION_NAMES));
                    }
                    expect('=');
                    String value = quoted("a value in quotes after '" + key + "' =");
                    if (options.put(normalised, value) != null) {
                        throw new JobBuildException("EXECUTE JAR: option '" + key + "' is given twice");
                    }
                    skipWhitespace();
                    char next = peek();
                    if (next != ',' && next != ')') {
                        throw error("',' or ')'");
                    }
                    pos++;
                    more = next == ',';
                }
            }
            skipWhitespace();
            // Flink's SQL driver glues further ';' and comments onto a statement
            while (peek() == ';') {
                pos++;
                skipWhitespace();
            }
            if (pos < text.length()) {
                throw error("the end of the statement");
            }
            return options;
        }

        private String quoted(String what) {
            skipWhitespace();
            if (peek() != '\'') {
                throw error(what);
            }
            int end = ScriptReader.literalEnd(text, pos);
            if (end < 0) {
                throw new JobBuildException("EXECUTE JAR: the quote opened at " + position() + " is never closed");
            }
            String value = text.substring(pos + 1, end - 1).replace("''", "'");
            pos = end;
            return value;
        }

        private void expect(char c) {
            skipWhitespace();
            if (peek() != c) {
                throw error("'" + c + "'");
            }
            pos++;
        }

        /** Skips blanks and comments, as Flink's parser reads them. */
        private void skipWhitespace() {
            pos = ScriptReader.codeStart(text, pos, text.length());
        }

        /** The current character, or NUL at the end. */
        private char peek() {
            return pos < text.length() ? text.charAt(pos) : '\0';
        }

        private JobBuildException error(String expected) {
            String found = pos < text.length() ? "'" + text.charAt(pos) + "'" : "the end of the statement";
            return new JobBuildException("EXECUTE JAR: expected " + expected + " at " + position() + ", found " + found);
        }

        private String position() {
            int line = 1;
            int lineStart = 0;
            for (int i = 0; i < pos && i < text.length(); i++) {
                if (text.charAt(i) == '\n') {
                    line++;
                    lineStart = i + 1;
                }
            }
            return "line " + line + ", column " + (pos - lineStart + 1);
        }
    }
}
