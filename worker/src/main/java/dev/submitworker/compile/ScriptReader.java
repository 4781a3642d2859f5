package dev.submitworker.compile;

import java.util.List;
import java.util.regex.Pattern;
import org.apache.flink.table.api.SqlParserEOFException;
import org.apache.flink.table.delegation.Parser;
import org.apache.flink.table.operations.Operation;

/**
 * Reads a SQL script into statements the way Flink 2.2's application-mode SQL driver does ({@code SqlDriver} runs
 * {@code ScriptExecutor}), so that a script makes the same statements whether the worker compiles it for a session
 * cluster or Flink's driver runs it on an application cluster.
 *
 * <p>As in the driver, a character machine with six states (code, {@code '...'}, {@code "..."}, {@code `...`},
 * {@code --} to a line feed, {@code /* *}{@code /}; no escapes; a comment mark pairs with the character before it)
 * finds the {@code ;} in code. The text after it up to the next code is glued onto the statement: blanks, more
 * {@code ;}, comments. The statement so far is then parsed with Flink's own {@link Parser}: if the parser ran out of
 * text wanting more ({@link SqlParserEOFException}), reading goes on, which keeps
 * {@code EXECUTE STATEMENT SET BEGIN ...; ...; END;} one statement; otherwise the statement ends there, parsed or
 * failed. A last statement needs no {@code ;}. The text of a statement is the driver's: its {@code ;}, the comments
 * after it, and for the first statement the comments before it. Because the parse needs the catalog that the
 * earlier statements built, {@link #next} is called after the previous statement is applied, as the driver does; it
 * returns the parse result, so nothing is parsed twice.
 *
 * <p>The driver's machine and Flink's parser (Calcite) read some text differently. What this reader does there:
 * <ul>
 *   <li>A byte-order mark at the start: refused. The driver passes it on and the parser fails on it.</li>
 *   <li>A statement end that the parser reads as inside a comment, string or quoted identifier: refused. It happens
 *       with {@code //} comments (a comment for the parser, code for the driver:
 *       {@code SELECT 1 // no; SELECT 2\n;} runs two statements on the driver where the parser reads one, silently),
 *       with {@code \'} in {@code E'...'} strings (the driver ends the string there) and with {@code /*}{@code /}
 *       (the driver opens and closes a comment). In the last two the driver fails anyway, with a lexical error.</li>
 *   <li>A {@code ;} that ends a statement for the parser but is quoted or commented for the driver ({@code \'} in
 *       {@code E'...'}, a quote in a {@code //} comment, {@code *}{@code /*}, which the driver reads as a comment's end
 *       and another's start, a {@code --} comment ended by a lone carriage return): followed. The driver runs on into
 *       the next statement and the parser refuses the joined text ("only single statement supported"), in both run
 *       modes; the failure carries a {@link Statement#caveat} naming that {@code ;}. Where no statement follows (the
 *       last statement) both read the same statement and it runs.</li>
 *   <li>The glued text: followed, so {@code SET key = value} without quotes fails when a comment or a second
 *       {@code ;} follows it, as on the driver (Flink reads that form only when nothing follows its {@code ;}); the
 *       failure's caveat says to quote key and value. A leading {@code ;}, a script of comments only and
 *       {@code "..."} (not Flink SQL) fail as on the driver; an empty script has no statements.</li>
 * </ul>
 * Positions in the parser's messages count from the statement's first character, as before (the driver pads its trial
 * parse to count from the script's); {@link Statement#line} is the script line of the statement's first code.
 *
 * <p>The two readings are also offered one character at a time ({@link DriverView}, {@link ParserView}), for
 * {@link ScriptVariables}, which must know where a placeholder stands for both, and for {@link ExecuteJarStatement}.
 */
public final class ScriptReader {

    /**
     * One statement as Flink's SQL driver cuts it.
     *
     * @param number     1-based
     * @param offset     where its text starts in the script
     * @param line       the script line (1-based) of its first code
     * @param text       exactly what the driver runs: the statement with its {@code ;} and the comments glued to it
     * @param operations what Flink's parser made of it; null when it failed
     * @param failure    why Flink's parser could not make operations of it, or null
     * @param caveat     when it failed, what the driver read differently from the parser there, or null
     */
    public record Statement(int number, int offset, int line, String text, List<Operation> operations,
                            RuntimeException failure, String caveat) {

        /** "Statement 3 (line 7 of the script)", for messages. */
        public String where() {
            return "Statement " + number + " (line " + line + " of the script)";
        }
    }

    /** Where a character stands for one reading of the script. */
    enum Region { CODE, LITERAL, BACKTICK_IDENTIFIER, DOUBLE_QUOTED, COMMENT }

    private static final char BYTE_ORDER_MARK = '\uFEFF';
    // Flink's driver reads "SET key = value" only when nothing follows its ';' (ExtendedParser's regex).
    private static final Pattern UNQUOTED_SET = Pattern.compile("(?is)(?:SET|RESET)\\s+[^'\\s;].*");

    private final String script;
    private final DriverView driver = new DriverView();
    /** The start of the statement being read; the script up to {@link #fed} has gone through {@link #driver}. */
    private int start;
    private int fed;
    private int number;
    private int linesCountedTo;
    private int lineBreaks;

    /** @throws JobBuildException the script starts with a byte-order mark */
    public ScriptReader(String script) {
        if (!script.isEmpty() && script.charAt(0) == BYTE_ORDER_MARK) {
            throw new JobBuildException("The script starts with a byte-order mark (U+FEFF), which Flink's SQL parser "
                    + "rejects; save it without one");
        }
        this.script = script;
    }

    /**
     * Reads the next statement and parses it, as Flink's driver does before running it.
     *
     * @param parser the parser of the table environment the earlier statements were applied to
     * @return the statement, or null after the last one
     * @throws JobBuildException the driver would end the statement where the parser reads a comment or a string
     */
    public Statement next(Parser parser) {
        int n = script.length();
        while (fed < n) {
            int codeStarts = driver.feed(script.charAt(fed++));
            if (codeStarts > 0) {
                Statement statement = tryEnd(parser, fed - codeStarts, false);
                if (statement != null) {
                    return statement;
                }
            }
        }
        if (start == n) {
            return null;
        }
        // The script ends in glued text; once a trailing '/' was cut off, that text belongs to the statement before.
        if (driver.gluing() && driver.gluedFrom() >= start) {
            int codeStarts = driver.end();
            Statement statement = tryEnd(parser, n - codeStarts, codeStarts == 0);
            if (statement != null) {
                return statement;
            }
        }
        String rest = script.substring(start);
        if (rest.isBlank()) {
            start = n;
            return null;
        }
        return parsed(parser, n, true);
    }

    /** The statement ending at {@code end} (after glued text), or null when the parser wants more and more follows. */
    private Statement tryEnd(Parser parser, int end, boolean scriptEnds) {
        Statement statement = parsed(parser, end, scriptEnds);
        if (statement != null && end < script.length()) {
            refuseDisagreement(statement);
        }
        return statement;
    }

    private Statement parsed(Parser parser, int end, boolean last) {
        String text = script.substring(start, end);
        List<Operation> operations = null;
        RuntimeException failure = null;
        try {
            operations = parser.parse(text);
        } catch (SqlParserEOFException e) {
            if (!last) {
                return null;
            }
            failure = e;
        } catch (RuntimeException e) {
            failure = e;
        }
        int code = codeStart(script, start, end);
        int first = code < end ? code : firstNonBlank(start, end);
        Statement statement = new Statement(++number, start, lineAt(first), text, operations, failure,
                failure == null ? null : caveat(text, start, code, failure));
        start = end;
        return statement;
    }

    /** The statement's end must be one for the parser too: outside comments, strings and quoted identifiers. */
    private void refuseDisagreement(Statement statement) {
        ParserView parser = new ParserView();
        parser.feed(statement.text());
        if (parser.region() == Region.CODE) {
            return;
        }
        String cause = switch (parser.opener()) {
            case "//" -> ", and the driver does not read // as a comment: write the comment with -- instead";
            case "/*" -> ", and the driver ends a /* comment at /*/ (its opening * counts twice): put a space "
                    + "after /*";
            case "E'" -> ", and the driver ends a string at a quote even after a backslash: write a quote inside the "
                    + "string as ''";
            default -> "";
        };
        throw new JobBuildException(statement.where() + " is read differently by Flink's SQL driver and its parser: "
                + "the driver ends it after the ';' at " + position(driver.gluedFrom()) + ", but for the parser the "
                + "text up to there ends inside the " + describe(parser.region(), parser.opener()) + " that opens at "
                + position(statement.offset() + parser.regionStart()) + cause);
    }

    /**
     * For a failed statement, where the driver read on past the end of a statement for the parser: a {@code ;} the
     * parser reads as code but the driver as quoted or commented, with more code after it, or code the parser reads
     * in a comment the driver glued on. Or the unquoted SET form, which fails with anything glued on; or the end of the
     * script inside a statement.
     */
    private String caveat(String text, int offset, int code, RuntimeException failure) {
        DriverView driverView = new DriverView();
        ParserView parserView = new ParserView();
        String hidden = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            driverView.feed(c);
            parserView.feed(c);
            if (hidden != null) {
                if (c != ';' && parserView.readsCode(text, i)) {
                    return hidden;
                }
            } else if (c == ';' && parserView.region() == Region.CODE && driverView.region() != Region.CODE) {
                hidden = readOnPast(offset, i, driverView);
            } else if (driverView.gluing() && driverView.region() == Region.COMMENT && parserView.readsCode(text, i)) {
                return readOnPast(offset, i, driverView);
            }
        }
        if (code < offset + text.length() && UNQUOTED_SET.matcher(script).region(code, offset + text.length())
                .matches()) {
            return "Flink's SQL driver keeps the comments and extra ';' after a statement in its text, and reads the "
                    + "unquoted form SET key = value only when nothing follows its ';': write SET 'key' = 'value'";
        }
        if (failure instanceof SqlParserEOFException) {
            return code < offset + text.length() ? "the script ends before this statement does"
                    : "it holds only comments, which Flink's SQL driver fails on too";
        }
        return null;
    }

    private String readOnPast(int offset, int at, DriverView driverView) {
        return "Flink's SQL driver ran on past the end of a statement: its parser reads the '" + script.charAt(
                offset + at) + "' at " + position(offset + at) + " as code, but the driver as inside the "
                + describe(driverView.region(), driverView.opener()) + " that opens at "
                + position(offset + driverView.regionStart()) + driverCause(driverView.region(), driverView.opener());
    }

    private static String driverCause(Region region, String opener) {
        return switch (region) {
            case LITERAL -> ": it ends a string at every quote, even after a backslash in E'...', and reads a quote in "
                    + "a // comment as the start of a string; write a quote inside a string as '' and comments with --";
            case DOUBLE_QUOTED -> ": Flink SQL quotes names with backticks, not double quotes";
            case COMMENT -> opener.equals("--")
                    ? ": it ends a -- comment only at a line feed, not at a lone carriage return"
                    : ": it reads */* as the end of a comment and the start of another; put a space after */";
            default -> "";
        };
    }

    private static String describe(Region region, String opener) {
        return switch (region) {
            case LITERAL -> "string " + ("E'".equals(opener) ? "E'...'" : "'...'");
            case DOUBLE_QUOTED -> "quotation \"...\"";
            case BACKTICK_IDENTIFIER -> "identifier `...`";
            default -> "comment " + opener;
        };
    }

    private int firstNonBlank(int from, int to) {
        for (int i = from; i < to; i++) {
            if (!Character.isWhitespace(script.charAt(i))) {
                return i;
            }
        }
        return from;
    }

    /** The 1-based line of a position; statements come in order, so the count goes on from the last one asked for. */
    private int lineAt(int index) {
        if (index < linesCountedTo) {
            return (int) script.substring(0, index).chars().filter(c -> c == '\n').count() + 1;
        }
        for (; linesCountedTo < index; linesCountedTo++) {
            if (script.charAt(linesCountedTo) == '\n') {
                lineBreaks++;
            }
        }
        return lineBreaks + 1;
    }

    private String position(int index) {
        int lineStart = script.lastIndexOf('\n', index - 1) + 1;
        return "line " + lineAt(index) + ", column " + (index - lineStart + 1);
    }

    /**
     * The first position in [from, to) that Flink's parser reads as neither blank nor comment, reading from
     * {@code from} as code; {@code to} if there is none.
     */
    static int codeStart(CharSequence text, int from, int to) {
        ParserView view = new ParserView();
        for (int i = from; i < to; i++) {
            view.feed(text.charAt(i));
            if (view.readsCode(text, i)) {
                return i;
            }
        }
        return to;
    }

    /** The end of the string literal that opens at {@code from}, as Flink's parser reads it; -1 if it never closes. */
    static int literalEnd(CharSequence text, int from) {
        ParserView view = new ParserView();
        view.feed(text.charAt(from));
        for (int i = from + 1; i < text.length(); i++) {
            view.feed(text.charAt(i));
            boolean quoteFollows = i + 1 < text.length() && text.charAt(i + 1) == '\'';
            if (view.region() == Region.CODE && !quoteFollows) {
                return i + 1;
            }
        }
        return -1;
    }

    /**
     * Flink's SQL driver's reading ({@code ScriptExecutor.ResultIterator}: {@code hasNext} and {@code prefetch}), one
     * character at a time. After a {@code ;} in code it reads what it glues onto the statement, with its own rules:
     * a {@code -} or {@code /} opens a comment only with the character after it, and a comment's opening {@code *}
     * may close it. That character is not known yet when the first one is fed, so the decision waits for it.
     */
    static final class DriverView {

        private Region region = Region.CODE;
        private String opener = "";
        private int regionStart;
        private char last;
        private boolean gluing;
        /** While gluing: a '-' or '/' in code, or a '*' in a comment, whose meaning the next character decides. */
        private char pending;
        private int gluedFrom;
        private boolean separator;
        private int fed;

        Region region() {
            return region;
        }

        /** "--" or "/*" for a comment, the opening quote otherwise. */
        String opener() {
            return opener;
        }

        /** Where the current (or last) quoted or commented region opened, counted in characters fed. */
        int regionStart() {
            return regionStart;
        }

        /** Whether the characters fed last are glued onto the statement that a {@code ;} in code ended. */
        boolean gluing() {
            return gluing;
        }

        /** Where the {@code ;} that started the current (or last) gluing stands, counted in characters fed. */
        int gluedFrom() {
            return gluedFrom;
        }

        /** Whether the character fed last is a {@code ;} in code: one the driver may end a statement at. */
        boolean separator() {
            return separator;
        }

        void feed(CharSequence text) {
            for (int i = 0; i < text.length(); i++) {
                feed(text.charAt(i));
            }
        }

        /**
         * @return 0, or, when this character ends the glued text: how many of the characters fed last start the
         *         code after it (1, or 2 when a pending '-' or '/' turned out to be code)
         */
        int feed(char c) {
            int index = fed++;
            separator = false;
            if (!gluing) {
                code(c, index);
                return 0;
            }
            if (region == Region.COMMENT) {
                if (opener.equals("--")) {
                    if (c == '\n') {
                        region = Region.CODE;
                    }
                } else if (pending == '*' && c == '/') {
                    region = Region.CODE;
                    pending = 0;
                } else {
                    pending = c == '*' ? '*' : 0;
                }
                return 0;
            }
            if (pending != 0) {
                char first = pending;
                pending = 0;
                if (first == '-' && c == '-') {
                    enter(Region.COMMENT, "--", index - 1);
                    return 0;
                }
                if (first == '/' && c == '*') {
                    enter(Region.COMMENT, "/*", index - 1);
                    pending = '*';
                    return 0;
                }
                gluing = false;
                last = 0;
                code(first, index - 1);
                code(c, index);
                return 2;
            }
            if (c == '-' || c == '/') {
                pending = c;
                return 0;
            }
            if (c == ';' || Character.isWhitespace(c)) {
                separator = c == ';';
                return 0;
            }
            gluing = false;
            last = 0;
            code(c, index);
            return 1;
        }

        /**
         * The script ends: a pending '-' counts as a comment (the driver compares the last character with itself),
         * a pending '/' as code.
         *
         * @return as {@link #feed}
         */
        int end() {
            return gluing && region == Region.CODE && pending == '/' ? 1 : 0;
        }

        private void code(char c, int index) {
            char before = last;
            last = c;
            switch (c) {
                case '\'' -> toggle(Region.LITERAL, "'", index);
                case '"' -> toggle(Region.DOUBLE_QUOTED, "\"", index);
                case '`' -> toggle(Region.BACKTICK_IDENTIFIER, "`", index);
                case '-' -> {
                    if (before == '-' && region == Region.CODE) {
                        enter(Region.COMMENT, "--", index - 1);
                    }
                }
                case '\n' -> {
                    if (region == Region.COMMENT && opener.equals("--")) {
                        region = Region.CODE;
                    }
                }
                case '*' -> {
                    if (before == '/' && region == Region.CODE) {
                        enter(Region.COMMENT, "/*", index - 1);
                    }
                }
                case '/' -> {
                    if (before == '*' && region == Region.COMMENT && opener.equals("/*")) {
                        region = Region.CODE;
                    }
                }
                case ';' -> {
                    if (region == Region.CODE) {
                        gluing = true;
                        pending = 0;
                        gluedFrom = index;
                        separator = true;
                    }
                }
                default -> {
                }
            }
        }

        private void toggle(Region quoted, String quote, int index) {
            if (region == quoted) {
                region = Region.CODE;
            } else if (region == Region.CODE) {
                enter(quoted, quote, index);
            }
        }

        private void enter(Region next, String mark, int index) {
            region = next;
            opener = mark;
            regionStart = index;
        }
    }

    /**
     * Flink's parser's (Calcite's) reading, one character at a time: line comments are {@code --} and {@code //} and
     * end at a line feed or a carriage return; {@code ''} is a quote inside a string; {@code E'...'} strings take
     * backslash escapes; double quotes quote nothing. Hints ({@code /*+ ... *}{@code /}) count as comments, as for the
     * driver.
     */
    static final class ParserView {

        private Region region = Region.CODE;
        private String opener = "";
        private int regionStart;
        /** The current string, or the one just closed, is an E'...' string. */
        private boolean backslashEscapes;
        /** The last character was a backslash in an E'...' string, so the next one is escaped. */
        private boolean escapePending;
        private char previous;
        /** The run of letters and digits that the last character ends, and whether it began with a digit. */
        private int wordLength;
        private boolean wordFromDigit;
        /** The last character belongs to a comment: its mark, its text or what ended it. */
        private boolean inComment;
        private int fed;

        Region region() {
            return region;
        }

        /** "--", "//" or "/*" for a comment, "E'" or "'" for a string, "`" for an identifier. */
        String opener() {
            return opener;
        }

        int regionStart() {
            return regionStart;
        }

        /** In an E'...' string, where a backslash escapes the next character (a quote included). */
        boolean backslashEscapes() {
            return region == Region.LITERAL && backslashEscapes;
        }

        boolean escapePending() {
            return escapePending;
        }

        /** Whether a quote fed now would open an E'...' string. */
        boolean opensEscapedString() {
            return region == Region.CODE && escapedStringPrefix();
        }

        void feed(CharSequence text) {
            for (int i = 0; i < text.length(); i++) {
                feed(text.charAt(i));
            }
        }

        void feed(char c) {
            int index = fed++;
            inComment = region == Region.COMMENT;
            switch (region) {
                case COMMENT -> {
                    boolean lineComment = !opener.equals("/*");
                    if (lineComment ? c == '\n' || c == '\r' : previous == '*' && c == '/') {
                        leave((char) 0);
                    } else {
                        previous = c;
                    }
                }
                case LITERAL -> {
                    if (escapePending) {
                        escapePending = false;
                    } else if (backslashEscapes && c == '\\') {
                        escapePending = true;
                    } else if (c == '\'') {
                        leave(c);
                    }
                }
                case BACKTICK_IDENTIFIER -> {
                    if (c == '`') {
                        leave(c);
                    }
                }
                default -> code(c, index);
            }
        }

        /**
         * Whether {@code text[i]}, just fed, is code: not blank, not in a comment, and not the first character of a
         * comment mark.
         */
        boolean readsCode(CharSequence text, int i) {
            if (inComment || region == Region.COMMENT) {
                return false;
            }
            if (region != Region.CODE) {
                return true;
            }
            char c = text.charAt(i);
            return !Character.isWhitespace(c)
                    && !(i + 1 < text.length() && commentMark(c, text.charAt(i + 1)) != null);
        }

        /** The comment that two characters open in code, or null. */
        private static String commentMark(char first, char second) {
            if (first == '-' && second == '-') {
                return "--";
            }
            if (first == '/' && (second == '/' || second == '*')) {
                return "/" + second;
            }
            return null;
        }

        private void code(char c, int index) {
            String mark = commentMark(previous, c);
            if (mark != null) {
                enter(Region.COMMENT, mark, index - 1);
            } else if (c == '\'') {
                // A quote right after a closing one is a quote inside the same string ('it''s').
                if (previous != '\'') {
                    backslashEscapes = escapedStringPrefix();
                    enter(Region.LITERAL, backslashEscapes ? "E'" : "'", backslashEscapes ? index - 1 : index);
                } else {
                    region = Region.LITERAL;
                    previous = 0;
                }
            } else if (c == '`') {
                enter(Region.BACKTICK_IDENTIFIER, "`", index);
            } else {
                boolean wordCharacter = Character.isLetterOrDigit(c) || c == '_' || c == '$';
                if (!wordCharacter) {
                    wordLength = 0;
                } else if (wordLength++ == 0) {
                    wordFromDigit = Character.isDigit(c);
                }
                previous = c;
            }
        }

        /**
         * Whether the quote being read opens an E'...' string: an E that starts a word. After digits it does too
         * (Calcite reads 1E'x' as 1 and E'x'); reading too many strings as E'...' only costs escaping.
         */
        private boolean escapedStringPrefix() {
            return (previous == 'E' || previous == 'e') && (wordLength == 1 || wordFromDigit);
        }

        private void enter(Region next, String mark, int index) {
            region = next;
            opener = mark;
            regionStart = index;
            previous = 0;
            wordLength = 0;
        }

        private void leave(char closing) {
            region = Region.CODE;
            previous = closing;
            wordLength = 0;
        }
    }
}
