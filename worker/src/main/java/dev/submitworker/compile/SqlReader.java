package dev.submitworker.compile;

/**
 * Follows, one character at a time, where the end of some SQL text stands: in code, in a string literal, in a quoted
 * identifier or in a comment. Two readers of a script matter, and they differ in details, so both are modelled:
 * {@link StatementSplitter}, which decides where statements end, and Flink's parser (Calcite), which decides what a
 * statement means. Unlike the splitter, Flink also ends line comments at a carriage return, reads {@code //} as a line
 * comment and {@code E'...'} as a literal with backslash escapes, and does not quote with double quotes.
 */
final class SqlReader {

    enum Region { CODE, LITERAL, BACKTICK_IDENTIFIER, DOUBLE_QUOTED, COMMENT }

    private final boolean flink;
    private Region region = Region.CODE;
    private boolean lineComment;
    /** The current literal, or the one just closed, is an E'...' literal. */
    private boolean backslashEscapes;
    /** The last character was a backslash in an E'...' literal, so the next one is escaped. */
    private boolean escapePending;
    /** The last two characters of the current region, for two-character tokens (comment marks, E'). */
    private char previous;
    private char beforePrevious;

    private SqlReader(boolean flink) {
        this.flink = flink;
    }

    static SqlReader statementSplitter() {
        return new SqlReader(false);
    }

    static SqlReader flinkParser() {
        return new SqlReader(true);
    }

    Region region() {
        return region;
    }

    /** In an E'...' literal, where a backslash escapes the next character (a quote included). */
    boolean backslashEscapes() {
        return region == Region.LITERAL && backslashEscapes;
    }

    boolean escapePending() {
        return escapePending;
    }

    void feed(CharSequence text) {
        for (int i = 0; i < text.length(); i++) {
            feed(text.charAt(i));
        }
    }

    void feed(char c) {
        switch (region) {
            case CODE -> code(c);
            case COMMENT -> {
                if (lineComment ? c == '\n' || flink && c == '\r' : previous == '*' && c == '/') {
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
            case DOUBLE_QUOTED -> {
                if (c == '"') {
                    leave(c);
                }
            }
        }
    }

    private void code(char c) {
        if (c == '-' && previous == '-' || flink && c == '/' && previous == '/') {
            enter(Region.COMMENT);
            lineComment = true;
        } else if (c == '*' && previous == '/') {
            enter(Region.COMMENT);
            lineComment = false;
        } else if (c == '\'') {
            // A quote right after a closing one is an escaped quote ('it''s'): the same literal goes on.
            backslashEscapes = flink && (previous == '\'' ? backslashEscapes : startsEscapedLiteral());
            enter(Region.LITERAL);
        } else if (c == '`') {
            enter(Region.BACKTICK_IDENTIFIER);
        } else if (c == '"' && !flink) {
            enter(Region.DOUBLE_QUOTED);
        } else {
            beforePrevious = previous;
            previous = c;
        }
    }

    /**
     * Whether the quote being read opens an E'...' literal: an E that does not end an identifier. After a digit it
     * counts as one (Calcite reads 1E'x' as 1 and E'x'); reading too many literals as E'...' only costs escaping.
     */
    private boolean startsEscapedLiteral() {
        boolean endsIdentifier = Character.isLetter(beforePrevious) || beforePrevious == '_' || beforePrevious == '$';
        return (previous == 'E' || previous == 'e') && !endsIdentifier;
    }

    private void enter(Region next) {
        region = next;
        previous = 0;
        beforePrevious = 0;
    }

    private void leave(char closing) {
        region = Region.CODE;
        previous = closing;
        beforePrevious = 0;
    }
}
