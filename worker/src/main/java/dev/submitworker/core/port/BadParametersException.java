package dev.submitworker.core.port;

/**
 * The command does not fit its task: a variable is missing, undeclared, or has a value that cannot stand where the
 * script uses it, or the savepoint path it names cannot be used. The command is at fault, not the task.
 */
public class BadParametersException extends RefusedException {

    public BadParametersException(String message) {
        super(message);
    }
}
