package dev.submitworker.dinky;

import java.util.regex.Pattern;

/**
 * What the worker accepts in a command beyond its schema: bounds that keep a hostile record from costing memory, stack
 * or CPU, and a requestId alphabet that is safe as a record key, in logs and in derived names.
 *
 * @param maxRecordBytes         larger record values are refused without being parsed
 * @param maxNestingDepth        JSON nesting beyond this depth stops the parser (a command needs 2)
 * @param maxRequestIdLength     at most 255, the schema's bound
 * @param requestIdPattern       the whole requestId must match it
 * @param maxVariables           entries of {@code variables}
 * @param maxVariableNameLength  characters of a variable name
 * @param maxVariableValueLength characters of a variable value
 */
public record CommandLimits(int maxRecordBytes, int maxNestingDepth, int maxRequestIdLength, Pattern requestIdPattern,
                            int maxVariables, int maxVariableNameLength, int maxVariableValueLength) {

    public static final String DEFAULT_REQUEST_ID_PATTERN = "[A-Za-z0-9._:/@+=-]+";
    public static final CommandLimits DEFAULTS = new CommandLimits(64 * 1024, 8, 255,
            Pattern.compile(DEFAULT_REQUEST_ID_PATTERN), 100, 128, 4096);
}
