package dev.submitworker.compile;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Readable explanations of failure chains. Flink states the problem at the top ("Could not parse value 'two' for key
 * 'parallelism.default'.") and the precise reason at the root ({@code For input string: "two"}); both are kept.
 */
public final class Failures {

    private static final int MAX_MESSAGE = 2000;
    private static final List<String> TAILS = List.of("Was expecting", "\n\nClasspath: ");

    private Failures() {}

    public static Throwable rootCause(Throwable failure) {
        List<Throwable> chain = chain(failure);
        return chain.get(chain.size() - 1);
    }

    /**
     * "<top message>: <root cause's message>", the top one being the first message in the chain; the middle of the
     * chain is left out, and so is the root's message when the top one already holds it (Flink often repeats its
     * cause's words). A root cause without a message is named by its class. Calcite's
     * "Was expecting one of" lists run to hundreds of lines and are cut; line and column stay. At most 2000
     * characters.
     */
    public static String explain(Throwable failure) {
        return explain(failure, false);
    }

    /**
     * {@link #explain} led by the failure's class, for failures nobody anticipated, whose class may be all they say
     * ({@code java.lang.StackOverflowError}) or the most telling part ({@code java.lang.NoClassDefFoundError}).
     */
    public static String describe(Throwable failure) {
        return explain(failure, true);
    }

    private static String explain(Throwable failure, boolean withClass) {
        List<Throwable> chain = chain(failure);
        Throwable rootCause = chain.get(chain.size() - 1);
        String root = message(rootCause) != null ? message(rootCause) : rootCause.getClass().getName();
        String top = chain.stream().map(Failures::message).filter(Objects::nonNull).findFirst().orElse(root);
        String text = top.contains(root) ? top : withoutFinalPunctuation(top) + ": " + root;
        String className = failure.getClass().getName();
        if (withClass && !text.startsWith(className)) {
            text = className + ": " + text;
        }
        if (!text.contains(" line ")) {
            text = text + parserPosition(failure);
        }
        return text.length() > MAX_MESSAGE ? text.substring(0, MAX_MESSAGE) + "..." : text;
    }

    /** The failure and its causes, outermost first; a cause met twice ends the chain. */
    private static List<Throwable> chain(Throwable failure) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        List<Throwable> chain = new ArrayList<>();
        for (Throwable t = failure; t != null && seen.add(t); t = t.getCause()) {
            chain.add(t);
        }
        return chain;
    }

    /**
     * The message without what follows Calcite's "Was expecting" or the "Classpath:" that Flink's client appends to a
     * program's failure (local paths and captured output, nothing about the failure); null when nothing is left.
     */
    private static String message(Throwable t) {
        String message = t.getMessage();
        if (message == null) {
            return null;
        }
        for (String tail : TAILS) {
            int start = message.indexOf(tail);
            if (start >= 0) {
                message = message.substring(0, start);
            }
        }
        message = message.strip();
        return message.isEmpty() ? null : message;
    }

    private static String withoutFinalPunctuation(String message) {
        return message.endsWith(".") || message.endsWith(":") ? message.substring(0, message.length() - 1) : message;
    }

    /**
     * " (at line L, column C)" from Calcite's SqlParseException in the chain, or "". Some parser messages ("Non-query
     * expression encountered in illegal context") carry the position only there. Calcite lives in the planner's own
     * class loader (flink-table-planner-loader), so it is read reflectively.
     */
    private static String parserPosition(Throwable failure) {
        for (Throwable t : chain(failure)) {
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
