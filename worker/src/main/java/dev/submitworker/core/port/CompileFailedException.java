package dev.submitworker.core.port;

/**
 * Compiling failed for a reason that is not in the task's definition: the task's own code (a UDF, a jar program's
 * main, a class they load) threw an error or called {@code System.exit} while the job was being built, or an
 * unexpected fault occurred. Final, like every refusal, but answered as a failure rather than as a task that cannot
 * be compiled.
 */
public class CompileFailedException extends RefusedException {

    public CompileFailedException(String message, String detail, Throwable cause) {
        super(message, detail, cause);
    }
}
