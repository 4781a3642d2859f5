package dev.submitworker.compile;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Splits a SQL script into statements at top-level semicolons. Semicolons inside string literals ('...' with ''
 * escapes), quoted identifiers ("..." and `...`), line comments (--) and block comments are not separators, and
 * statements that hold only whitespace and comments are dropped. An {@code EXECUTE STATEMENT SET BEGIN ... END} block
 * stays one statement, because Flink's parser reads it as one.
 */
public final class StatementSplitter {

    /** One statement of a script and the 1-based line of the script on which it starts (for error messages). */
    public record Statement(String sql, int line) {}

    private static final Pattern STATEMENT_SET_BLOCK =
            Pattern.compile("(?is)^EXECUTE\\s+STATEMENT\\s+SET\\s+BEGIN\\b.*");
    private static final Pattern BLOCK_END = Pattern.compile("(?i)^END$");

    private StatementSplitter() {}

    public static List<Statement> split(String script) {
        List<Statement> pieces = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean hasCode = false;
        int line = 1;
        int startLine = 1;
        int i = 0;
        int n = script.length();
        while (i < n) {
            char c = script.charAt(i);
            if (c == '-' && i + 1 < n && script.charAt(i + 1) == '-') {
                int end = script.indexOf('\n', i);
                end = end < 0 ? n : end;
                current.append(script, i, end);
                i = end;
                continue;
            }
            if (c == '/' && i + 1 < n && script.charAt(i + 1) == '*') {
                int end = script.indexOf("*/", i + 2);
                end = end < 0 ? n : end + 2;
                line += count(script, i, end);
                current.append(script, i, end);
                i = end;
                continue;
            }
            if (c == '\'' || c == '"' || c == '`') {
                int end = closingQuote(script, i, c);
                if (!hasCode) {
                    startLine = line;
                    hasCode = true;
                }
                line += count(script, i, end);
                current.append(script, i, end);
                i = end;
                continue;
            }
            if (c == ';') {
                if (hasCode) {
                    pieces.add(new Statement(current.toString().strip(), startLine));
                }
                current.setLength(0);
                hasCode = false;
                i++;
                continue;
            }
            if (c == '\n') {
                line++;
            } else if (!Character.isWhitespace(c) && !hasCode) {
                startLine = line;
                hasCode = true;
            }
            current.append(c);
            i++;
        }
        if (hasCode) {
            pieces.add(new Statement(current.toString().strip(), startLine));
        }
        return mergeStatementSetBlocks(pieces);
    }

    /** The index just past the quote that closes the one at {@code open}; a doubled quote is an escaped quote. */
    private static int closingQuote(String script, int open, char quote) {
        int i = open + 1;
        while (i < script.length()) {
            if (script.charAt(i) == quote) {
                if (i + 1 < script.length() && script.charAt(i + 1) == quote) {
                    i += 2;
                    continue;
                }
                return i + 1;
            }
            i++;
        }
        return script.length();
    }

    private static int count(String s, int from, int to) {
        int lines = 0;
        for (int i = from; i < to; i++) {
            if (s.charAt(i) == '\n') {
                lines++;
            }
        }
        return lines;
    }

    private static List<Statement> mergeStatementSetBlocks(List<Statement> pieces) {
        List<Statement> statements = new ArrayList<>();
        int i = 0;
        while (i < pieces.size()) {
            Statement piece = pieces.get(i);
            if (!STATEMENT_SET_BLOCK.matcher(SqlText.withoutLeadingComments(piece.sql())).matches()) {
                statements.add(piece);
                i++;
                continue;
            }
            StringBuilder block = new StringBuilder(piece.sql());
            int j = i + 1;
            while (j < pieces.size()) {
                String next = pieces.get(j).sql();
                block.append(";\n").append(next);
                j++;
                if (BLOCK_END.matcher(SqlText.withoutLeadingComments(next)).matches()) {
                    break;
                }
            }
            statements.add(new Statement(block.toString(), piece.line()));
            i = j;
        }
        return statements;
    }
}
