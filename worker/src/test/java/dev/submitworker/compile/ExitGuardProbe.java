package dev.submitworker.compile;

/** Run in a JVM of its own by {@link SystemExitGuardTest}: installs the guard, then exits with the given status. */
public final class ExitGuardProbe {

    private ExitGuardProbe() {}

    public static void main(String[] args) {
        SystemExitGuard.install();
        System.exit(Integer.parseInt(args[0]));
    }
}
