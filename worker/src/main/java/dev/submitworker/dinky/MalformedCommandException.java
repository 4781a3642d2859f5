package dev.submitworker.dinky;

/**
 * The reason a record goes to the dead-letter topic: it is not a usable command. The listener hands it to the
 * dead-letter recoverer, whose headers carry this message; it has no stack trace, which would tell nothing about
 * the record.
 */
public class MalformedCommandException extends RuntimeException {

    public MalformedCommandException(String message) {
        super(message, null, false, false);
    }
}
