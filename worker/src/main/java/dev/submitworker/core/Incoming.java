package dev.submitworker.core;

/**
 * One record of the commands topic as the worker read it.
 *
 * @param partition the commands partition it was read from
 * @param offset    its position there
 * @param replyTo   where its sender also wants the answer, or null
 */
public record Incoming(int partition, long offset, Parsed parsed, ReplyAddress replyTo) {

    /** What the record holds. */
    public sealed interface Parsed {}

    /** A valid command of this partition's ledger. */
    public record Command(SubmitCommand command) implements Parsed {}

    /**
     * A valid command whose requestId belongs to another partition's ledger (its producer keyed it differently): it is
     * passed on there, so that one ledger sees every command of a requestId.
     */
    public record Elsewhere(SubmitCommand command, int partition) implements Parsed {}

    /**
     * Not a usable command.
     *
     * @param answerTo   who to answer (the requestId when one could be read, else the record key), or null
     * @param deadLetter whether the record itself goes to the dead-letter topic
     * @param reason     names the field and the problem
     */
    public record Invalid(RequestId answerTo, boolean deadLetter, String reason) implements Parsed {}

    @Override
    public String toString() {
        return "commands-" + partition + "@" + offset;
    }
}
