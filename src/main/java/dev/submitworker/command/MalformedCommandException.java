package dev.submitworker.command;

/**
 * A record that is not a usable command and cannot be answered (no readable requestId). Thrown by the listener so
 * that Spring Kafka's error handler dead-letters the raw record, with this message as the reason, without retrying.
 */
public class MalformedCommandException extends RuntimeException {

    public MalformedCommandException(String message) {
        super(message);
    }
}
