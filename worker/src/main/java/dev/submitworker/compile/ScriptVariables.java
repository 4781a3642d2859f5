package dev.submitworker.compile;

import dev.submitworker.compile.ScriptReader.DriverView;
import dev.submitworker.compile.ScriptReader.ParserView;
import dev.submitworker.compile.ScriptReader.Region;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Dinky-style SQL variables ("fragments"): {@code ${name}} placeholders filled from, lowest priority first, the
 * task's declared defaults, {@code name := value;} definitions in the script (removed from the SQL, usable by later
 * statements) and the command's variables.
 *
 * <p>Defaults and definitions are written by the task's author and are substituted as they are. A value sent by a
 * command comes from a producer and must never add, end or comment out a statement. Two readers decide that, and
 * {@link ScriptReader} follows both where the value lands: Flink's SQL driver, which ends statements (at a
 * {@code ;} it reads as code), and Flink's parser, which reads what they mean (it also knows {@code //} comments,
 * comments ended by a carriage return and backslash escapes in {@code E'...'}). Where both read a string literal the
 * value is escaped ({@code ''}, and {@code \\} in {@code E'...'}), so that both still read the same literal after it:
 * it holds no quote either could close on, so no {@code ;} in it counts. Where both read a backtick identifier it
 * may not hold a backtick. Anywhere else, code or where the two disagree, it must be one token of letters, digits and
 * {@code _ . : + -} that neither starts nor ends a comment mark, nor ends in an E right before a quote (which would
 * make the author's string an {@code E'...'} string): it holds no {@code ;}, quote, comment mark or line break, so it
 * leaves both readers where they were. Line breaks and control characters are refused everywhere.
 * Placeholders the parser reads as inside a comment are left as written: no value goes in.
 */
public final class ScriptVariables {

    /**
     * @param script    the script to compile
     * @param variables the final value of every variable (after substitution of the variables it uses), for the answer
     */
    public record ResolvedScript(String script, Map<String, String> variables) {}

    /** A stretch of a variable's value: the author's text, or what the command sent for {@code commandVariable}. */
    private record Piece(String text, String commandVariable) {}

    /** A {@code name := value;} statement; [start, end) covers it with its leading comments and its semicolon. */
    private record Definition(String name, String value, int valueStart, int start, int end) {}

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_.-]*)}");
    private static final Pattern DEFINITION = Pattern.compile("(?s)([A-Za-z_][A-Za-z0-9_.-]*)\\s*:=(.*)");
    private static final String TOKEN_PUNCTUATION = "_.:+-";

    private final String task;
    private final String script;
    private final Map<String, String> declared;
    private final Map<String, String> supplied;
    private final Map<String, List<Piece>> values = new LinkedHashMap<>();
    private final StringBuilder out = new StringBuilder();
    private final DriverView driverView = new DriverView();
    private final ParserView parserView = new ParserView();
    /** When the output ends with a command's value: the variable and line, for messages. */
    private String valueEnds;

    private ScriptVariables(String task, String script, Map<String, String> declared, Map<String, String> supplied) {
        this.task = task;
        this.script = script;
        this.declared = declared;
        this.supplied = supplied;
    }

    /**
     * @param task      the task's name, for messages
     * @param fragment  the task's {@code fragment} flag; when off the script is left as written
     * @param declared  the task's declared variables; a null default means the command must supply the variable
     * @param supplied  the command's variables (may be null)
     * @throws BadParameterException if a used or declared variable has no value, the command sends a variable the task
     *                           neither declares nor defines, or a command value cannot stand where it is used
     */
    public static ResolvedScript resolve(String task, String script, boolean fragment, Map<String, String> declared,
            Map<String, String> supplied) {
        Map<String, String> sent = supplied == null ? Map.of() : supplied;
        if (!fragment) {
            // Refused rather than ignored: the producer expects its values to reach the job.
            if (!sent.isEmpty()) {
                throw new BadParameterException("Task '" + task + "' has fragment: false, so variables are not applied, "
                        + "but the command sent " + sent.keySet() + "; drop them from the command or set "
                        + "fragment: true on the task");
            }
            return new ResolvedScript(script, Map.of());
        }
        return new ScriptVariables(task, script, declared == null ? Map.of() : declared, sent).resolve();
    }

    private ResolvedScript resolve() {
        List<Definition> definitions = definitions();
        Set<String> defined = new HashSet<>();
        definitions.forEach(d -> defined.add(d.name()));
        supplied.forEach((name, value) -> {
            if (!declared.containsKey(name) && !defined.contains(name)) {
                throw new BadParameterException("Variable '" + name + "' is not declared by task '" + task
                        + "' (variables) nor defined in its script, so a command may not set it");
            }
            if (value == null) {
                throw new BadParameterException("Variable '" + name + "' is null in the command; send its value as a "
                        + "string");
            }
        });
        declared.forEach((name, value) -> {
            if (value != null) {
                values.put(name, List.of(new Piece(value, null)));
            }
        });
        supplied.forEach((name, value) -> values.put(name, List.of(new Piece(value, name))));

        Matcher placeholder = PLACEHOLDER.matcher(script);
        int next = 0;
        int i = 0;
        while (i < script.length()) {
            if (next < definitions.size() && definitions.get(next).start() == i) {
                Definition definition = definitions.get(next++);
                define(definition);
                // Only its line breaks stay, so that later line numbers still match the task's script.
                emit(script.substring(definition.start(), definition.end()).replaceAll("[^\\n]", ""));
                i = definition.end();
            } else if (script.startsWith("${", i) && placeholder.region(i, script.length()).lookingAt()) {
                substitute(placeholder.group(1), placeholder.group(), lineAt(i));
                i = placeholder.end();
            } else {
                emit(script.charAt(i));
                i++;
            }
        }
        declared.keySet().forEach(name -> {
            if (!values.containsKey(name)) {
                throw new BadParameterException("Variable '" + name + "' has no default in task '" + task
                        + "': the command must supply it in 'variables'");
            }
        });
        return new ResolvedScript(out.toString(), effectiveValues());
    }

    /**
     * The script's {@code name := value;} statements, found at the semicolons Flink's SQL driver may end statements
     * at, after leading blanks and comments.
     */
    private List<Definition> definitions() {
        List<Definition> found = new ArrayList<>();
        DriverView reader = new DriverView();
        Matcher matcher = DEFINITION.matcher(script);
        int start = 0;
        for (int i = 0; i <= script.length(); i++) {
            boolean end = i == script.length();
            if (!end) {
                reader.feed(script.charAt(i));
            }
            if (end || reader.separator()) {
                if (matcher.region(ScriptReader.codeStart(script, start, i), i).matches()) {
                    String raw = matcher.group(2);
                    int valueStart = matcher.start(2) + raw.length() - raw.stripLeading().length();
                    found.add(new Definition(matcher.group(1), raw.strip(), valueStart, start,
                            end ? i : i + 1));
                }
                start = i + 1;
            }
        }
        return found;
    }

    private void define(Definition definition) {
        if (supplied.containsKey(definition.name())) {
            return; // the command's value wins
        }
        List<Piece> pieces = new ArrayList<>();
        Matcher placeholder = PLACEHOLDER.matcher(definition.value());
        int last = 0;
        while (placeholder.find()) {
            pieces.add(new Piece(definition.value().substring(last, placeholder.start()), null));
            pieces.addAll(valueOf(placeholder.group(1), lineAt(definition.valueStart() + placeholder.start())));
            last = placeholder.end();
        }
        pieces.add(new Piece(definition.value().substring(last), null));
        values.put(definition.name(), List.copyOf(pieces));
    }

    private void substitute(String name, String placeholder, int line) {
        if (parserView.region() == Region.COMMENT) {
            emit(placeholder); // Flink skips it, so it needs no value
            return;
        }
        // Piece by piece: a command value inside a definition is placed where the definition's text puts it.
        for (Piece piece : valueOf(name, line)) {
            if (piece.commandVariable() == null) {
                emit(piece.text());
            } else {
                emit(placed(piece, name, line));
                valueEnds = where(piece, name, line);
            }
        }
    }

    private List<Piece> valueOf(String name, int line) {
        List<Piece> value = values.get(name);
        if (value != null) {
            return value;
        }
        if (declared.containsKey(name)) {
            throw new BadParameterException("Variable '" + name + "' is used at line " + line
                    + " but has no value: the command must supply it in 'variables'");
        }
        throw new BadParameterException("Variable '" + name + "' is used at line " + line + " but has no value: task '"
                + task + "' does not declare it and the script does not define it before that line (" + name
                + " := value;)");
    }

    /** A command's value as it may be written where the output ends now, or a BadParameterException saying why not. */
    private String placed(Piece piece, String usedAs, int line) {
        String value = piece.text();
        String where = where(piece, usedAs, line);
        Region driver = driverView.region();
        Region parser = parserView.region();
        if (driver == Region.LITERAL && parser == Region.LITERAL && !parserView.escapePending()) {
            refuseControlCharacters(value, where + " stands inside a string literal");
            String escaped = value.replace("'", "''");
            return parserView.backslashEscapes() ? escaped.replace("\\", "\\\\") : escaped;
        }
        if (driver == Region.BACKTICK_IDENTIFIER && parser == Region.BACKTICK_IDENTIFIER) {
            if (value.indexOf('`') >= 0) {
                throw new BadParameterException(where + " stands inside a `quoted` identifier, where a value may not "
                        + "contain a backtick");
            }
            refuseControlCharacters(value, where + " stands inside a `quoted` identifier");
            return value;
        }
        String problem = tokenProblem(value);
        if (problem != null) {
            throw new BadParameterException(where + " stands in bare SQL (outside quotes), where a value must be one token "
                    + "of letters, digits and _ . : + - (a name, a number, a date): " + problem
                    + ". If it is free text, put the placeholder inside quotes: '${" + usedAs + "}'");
        }
        return value;
    }

    private static String where(Piece piece, String usedAs, int line) {
        String variable = piece.commandVariable();
        return "Variable '" + variable + "'" + (variable.equals(usedAs) ? "" : " (through '" + usedAs + "')")
                + " at line " + line;
    }

    private String tokenProblem(String value) {
        if (value.isEmpty()) {
            return "it is empty";
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean tokenCharacter = c < 128 && Character.isLetterOrDigit(c) || TOKEN_PUNCTUATION.indexOf(c) >= 0;
            if (!tokenCharacter) {
                return "it contains " + describe(c);
            }
        }
        if (value.contains("--")) {
            return "it contains '--', which starts a comment";
        }
        if (value.endsWith("-")) {
            return "it ends with '-', which starts a comment if a '-' follows";
        }
        if (value.startsWith("-") && out.length() > 0 && out.charAt(out.length() - 1) == '-') {
            return "it starts with '-' right after a '-', which starts a comment";
        }
        return null;
    }

    /** Line breaks and control characters have no business in a name or a literal, and make logs ambiguous. */
    private static void refuseControlCharacters(String value, String where) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                throw new BadParameterException(where + ", where a value may not contain line breaks or control "
                        + "characters: it contains " + describe(c));
            }
        }
    }

    private static String describe(char c) {
        if (c == '\n' || c == '\r') {
            return "a line break";
        }
        if (c == ' ') {
            return "a space";
        }
        if (Character.isISOControl(c) || Character.isSpaceChar(c) || Character.isWhitespace(c)) {
            return String.format("the character U+%04X", (int) c);
        }
        return "'" + c + "'";
    }

    private void emit(String text) {
        if (!text.isEmpty()) {
            refuseEscapedString(text.charAt(0));
        }
        out.append(text);
        driverView.feed(text);
        parserView.feed(text);
    }

    private void emit(char c) {
        refuseEscapedString(c);
        out.append(c);
        driverView.feed(c);
        parserView.feed(c);
    }

    /** A value ending in E right before a quote would turn the author's string into an E'...' string with escapes. */
    private void refuseEscapedString(char next) {
        if (valueEnds != null && next == '\'' && parserView.opensEscapedString()) {
            throw new BadParameterException(valueEnds + " ends with '" + out.charAt(out.length() - 1) + "' right "
                    + "before a quote, which would make the string after it an E'...' string, where a backslash "
                    + "escapes a quote");
        }
        valueEnds = null;
    }

    private int lineAt(int index) {
        int line = 1;
        for (int i = 0; i < index; i++) {
            if (script.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }

    private Map<String, String> effectiveValues() {
        Map<String, String> effective = new LinkedHashMap<>();
        values.forEach((name, pieces) -> {
            StringBuilder value = new StringBuilder();
            pieces.forEach(piece -> value.append(piece.text()));
            effective.put(name, value.toString());
        });
        return Collections.unmodifiableMap(effective);
    }
}
