package dev.submitworker.core;

/**
 * Where the sender of a command wants its answer besides the results topic (a request/reply client's own topic). The
 * core only carries it, from the command to the answer; the adapter that read it writes the reply.
 *
 * @param destination where to reply
 * @param partition   the partition of the destination to reply to, or null for any
 * @param correlation what the reply carries back so the sender can match it to its request, or null
 */
public record ReplyAddress(String destination, Integer partition, byte[] correlation) {}
