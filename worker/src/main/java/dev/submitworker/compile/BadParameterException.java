package dev.submitworker.compile;

/**
 * The command's parameters do not fit the task: a variable is missing, undeclared, or has a value that cannot stand
 * where the script uses it; or the savepoint path it names cannot be used. The command is at fault, not the task.
 */
public class BadParameterException extends JobBuildException {

    public BadParameterException(String message) {
        super(message);
    }
}
