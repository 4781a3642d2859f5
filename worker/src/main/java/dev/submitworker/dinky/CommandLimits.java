package dev.submitworker.dinky;

/**
 * What the worker checks of a record before it parses it, so that a hostile record costs neither memory nor stack.
 * Everything else a command may be (its requestId, its variables and their sizes) is the command schema's to say.
 *
 * @param maxRecordBytes  larger record values are refused without being parsed
 * @param maxNestingDepth JSON nesting beyond this depth stops the parser (a command needs 2)
 */
public record CommandLimits(int maxRecordBytes, int maxNestingDepth) {

    public static final CommandLimits DEFAULTS = new CommandLimits(64 * 1024, 8);
}
