package dev.submitworker.compile;

/** Finding the message that explains a failure: Flink and Calcite often put it only in the innermost cause. */
public final class Failures {

    private static final int MAX_MESSAGE = 2000;

    private Failures() {}

    public static Throwable rootCause(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }

    /**
     * The most specific readable message of a failure chain: the root cause's, unless it has none. Calcite's
     * "Was expecting one of" lists run to hundreds of lines and are cut off; line and column stay.
     */
    public static String explain(Throwable failure) {
        String message = null;
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                message = t.getMessage();
            }
        }
        if (message == null) {
            message = rootCause(failure).getClass().getName();
        }
        int expecting = message.indexOf("Was expecting");
        if (expecting > 0) {
            message = message.substring(0, expecting);
        }
        message = message.strip();
        if (!message.contains(" line ")) {
            message = message + parserPosition(failure);
        }
        return message.length() > MAX_MESSAGE ? message.substring(0, MAX_MESSAGE) + "..." : message;
    }

    /**
     * " (at line L, column C)" from Calcite's SqlParseException in the chain, or "". Some parser messages ("Non-query
     * expression encountered in illegal context") carry the position only there. Calcite lives in the planner's own
     * class loader (flink-table-planner-loader), so it is read reflectively.
     */
    private static String parserPosition(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (!t.getClass().getName().endsWith(".SqlParseException")) {
                continue;
            }
            try {
                Object pos = t.getClass().getMethod("getPos").invoke(t);
                if (pos != null) {
                    Object line = pos.getClass().getMethod("getLineNum").invoke(pos);
                    Object column = pos.getClass().getMethod("getColumnNum").invoke(pos);
                    return " (at line " + line + ", column " + column + ")";
                }
            } catch (ReflectiveOperationException | RuntimeException e) {
                return "";
            }
        }
        return "";
    }
}
