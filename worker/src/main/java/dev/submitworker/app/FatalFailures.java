package dev.submitworker.app;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A failure that stopped a part the worker cannot run without (a consumer of the commands topic): the process exits
 * so that whatever runs it starts it again, rather than lingering half-dead with partitions it no longer serves. A
 * {@link VirtualMachineError} (out of memory, say) halts at once: shutdown hooks might not be able to run.
 */
final class FatalFailures {

    private static final Logger log = LoggerFactory.getLogger(FatalFailures.class);
    static final int EXIT_CODE = 70;

    void stopProcess(Throwable failure) {
        log.error("Stopping the worker: a consumer of the commands topic failed", failure);
        if (failure instanceof VirtualMachineError) {
            Runtime.getRuntime().halt(EXIT_CODE);
        }
        // from a thread of its own: System.exit waits for shutdown hooks, which stop the consumers
        Thread exit = new Thread(() -> System.exit(EXIT_CODE), "fatal-exit");
        exit.start();
    }
}
