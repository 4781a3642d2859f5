package dev.submitworker.compile;

/** Small, comment-aware helpers over SQL text. */
final class SqlText {

    private SqlText() {}

    /** The text with leading whitespace, line comments and block comments removed. */
    static String withoutLeadingComments(String sql) {
        int i = 0;
        int n = sql.length();
        while (i < n) {
            if (Character.isWhitespace(sql.charAt(i))) {
                i++;
            } else if (sql.startsWith("--", i)) {
                int end = sql.indexOf('\n', i);
                i = end < 0 ? n : end + 1;
            } else if (sql.startsWith("/*", i)) {
                int end = sql.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
            } else {
                break;
            }
        }
        return sql.substring(i).strip();
    }
}
