package dev.submitworker.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code submit-task}: the orchestrators' client of the worker. */
@Command(name = "submit-task", mixinStandardHelpOptions = true, versionProvider = SubmitTask.Version.class,
        subcommands = {Submit.class, Status.class, Control.Savepoint.class, Control.Stop.class,
                Control.Cancel.class, Control.Restart.class, CommandLine.HelpCommand.class},
        description = "Submit Flink tasks through the submit-worker's Kafka topics, wait for them, and exit with a "
                + "code that says what happened.")
public final class SubmitTask implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the CLI in this JVM: the exit code, what it printed on {@code out} and {@code err}. */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new SubmitTask())
                .setOut(out)
                .setErr(err)
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setExecutionExceptionHandler((e, commandLine, parsed) -> {
                    if (e instanceof KafkaOptions.MissingTopicException) {
                        commandLine.getErr().println("submit-task: " + e.getMessage());
                    } else {
                        commandLine.getErr().println("submit-task: failed: " + e);
                    }
                    return ExitCodes.FAILED;
                });
        int code = cli.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Give a subcommand: submit, status, savepoint, stop, cancel or restart");
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = SubmitTask.class.getPackage().getImplementationVersion();
            return new String[] {"submit-task " + (version == null ? "(development build)" : version)};
        }
    }
}
