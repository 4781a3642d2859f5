package dev.submitworker.testing;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** POSIX signals to a process a test started: SIGSTOP freezes it as a hung host would, SIGCONT thaws it. */
final class Signals {

    private Signals() {}

    static void send(Process process, String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder(List.of("kill", "-" + signal, String.valueOf(process.pid()))).start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IllegalStateException("kill -" + signal + " " + process.pid() + " failed");
        }
    }
}
