package dev.submitworker.build;

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
        return message.length() > MAX_MESSAGE ? message.substring(0, MAX_MESSAGE) + "..." : message;
    }
}
