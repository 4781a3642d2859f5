package dev.submitworker.compile;

import java.security.Permission;
import java.util.concurrent.ForkJoinPool;
import org.apache.flink.configuration.ClusterOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.security.FlinkSecurityManager;
import org.apache.flink.core.security.UserSystemExitException;

/**
 * Keeps task code from ending the worker's JVM: a {@code System.exit} called while a job is being built (by a jar
 * program's main, or a UDF the planner loads) throws {@link ExitCalled} in the calling thread instead.
 *
 * <p>The interception is Flink's own {@link FlinkSecurityManager} with {@code cluster.intercept-user-system-exit=THROW},
 * active on threads between {@link FlinkSecurityManager#monitorUserSystemExitForCurrentThread()} and
 * {@link FlinkSecurityManager#unmonitorUserSystemExitForCurrentThread()} (and on threads they start meanwhile).
 * Flink's exception does not carry the exit status, so a thin manager in front of Flink's adds it.
 */
@SuppressWarnings("removal") // SecurityManager: deprecated for removal, and still the only way to intercept exits
final class SystemExitGuard {

    private static boolean installed;

    private SystemExitGuard() {}

    /**
     * Installs the guard once per JVM.
     *
     * <p>Where the JVM does not allow a security manager (Java 18 and later without
     * {@code -Djava.security.manager=allow}; Java 24 and later at all) this refuses, and the worker does not start:
     * a warning would leave any jar program able to end the worker, and the same command, delivered again, to end it
     * again.
     *
     * @throws IllegalStateException the JVM does not allow installing a security manager
     */
    static synchronized void install() {
        if (installed) {
            return;
        }
        // A common pool created while a security manager is installed runs "innocuous" threads (the system class
        // loader as context loader, thread locals wiped): have it created before.
        ForkJoinPool.commonPool();
        Configuration configuration = new Configuration();
        configuration.set(ClusterOptions.INTERCEPT_USER_SYSTEM_EXIT, ClusterOptions.UserSystemExitMode.THROW);
        try {
            FlinkSecurityManager.setFromConfiguration(configuration);
            System.setSecurityManager(new ExitStatus(System.getSecurityManager()));
        } catch (RuntimeException e) {
            throw new IllegalStateException("The worker cannot guard against task code calling System.exit: this JVM "
                    + "(Java " + Runtime.version().feature() + ") does not allow installing a security manager. On Java "
                    + "18 and later start the worker with -Djava.security.manager=allow (Java 24 and later cannot "
                    + "install one at all). Cause: " + Failures.explain(e), e);
        }
        installed = true;
    }

    /** The exit that task code attempted, with its status. */
    static final class ExitCalled extends UserSystemExitException {

        private final int status;

        ExitCalled(int status, UserSystemExitException cause) {
            super("System.exit(" + status + ") was called", cause);
            this.status = status;
        }

        int status() {
            return status;
        }
    }

    /** Passes every check to Flink's manager, naming the status of an exit that Flink's refuses. */
    private static final class ExitStatus extends SecurityManager {

        private final SecurityManager flink;

        ExitStatus(SecurityManager flink) {
            this.flink = flink;
        }

        @Override
        public void checkPermission(Permission permission) {
            flink.checkPermission(permission);
        }

        @Override
        public void checkPermission(Permission permission, Object context) {
            flink.checkPermission(permission, context);
        }

        @Override
        public void checkExit(int status) {
            try {
                flink.checkExit(status);
            } catch (UserSystemExitException e) {
                throw new ExitCalled(status, e);
            }
        }
    }
}
