package dev.submitworker.core.port;

/** Masks secrets in text bound for a log line: a message may quote a task's script, a URI or a user's exception. */
@FunctionalInterface
public interface Redaction {

    String mask(String text);
}
