package dev.submitworker.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * A control command on the job of an earlier request (its target): sent keyed by its own requestId and answered once,
 * like a submit, through {@link Exchange}; the subcommands {@code savepoint}, {@code stop}, {@code cancel} and
 * {@code restart} add what their action takes.
 */
@Command(mixinStandardHelpOptions = true, sortOptions = false,
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:the answer's code was 0 (with --wait terminal: the job ended as asked: FINISHED after a stop or "
                        + "restart, CANCELED after a cancel)",
                "1:the answer's code was 1 (the target's job has ended, its request submitted no job or is not "
                        + "answered yet, Flink could not take the savepoint)",
                "2:usage error",
                "3:with --wait terminal: the job ended otherwise (FAILED, or CANCELED after a stop)",
                "4:the job can no longer be observed (status UNKNOWN)",
                "5:the answer's code was 5 (the cluster could not be reached until the worker's deadline)",
                "6:the answer's code was 6 (an unknown target, bad parameters)",
                "70:a Kafka error other than a timeout",
                "124:--timeout passed first (the brokers, the answer or the job's status)"})
abstract class Control implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--target", required = true, paramLabel = "ID",
            description = "The requestId of the submit (or restart) whose job to act on.")
    String target;

    @Option(names = "--request-id", required = true, paramLabel = "ID",
            description = "This command's own idempotency key (not the target's): the same for every try of it.")
    String requestId;

    @Option(names = "--timeout", defaultValue = "30m", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long to wait in all (500ms, 30s, 5m, 2h, PT30M). Default: ${DEFAULT-VALUE}.")
    Duration timeout;

    /** The command's {@code action}. */
    abstract String action();

    @Option(names = "--wait", defaultValue = "answer", paramLabel = "WHAT",
            description = "What to wait for: sent (the command acknowledged by Kafka), answer; for stop and cancel "
                    + "also terminal (the target's job ended); for restart also running and terminal (its new job "
                    + "RUNNING, or ended). Default: ${DEFAULT-VALUE}.")
    Exchange.Wait wait;

    /** The {@code --wait} values that make sense for this action: by default sent, answer and terminal. */
    Set<Exchange.Wait> waits() {
        return EnumSet.of(Exchange.Wait.sent, Exchange.Wait.answer, Exchange.Wait.terminal);
    }

    /** The job {@code --wait running|terminal} waits for: by default the target's, expected to end FINISHED. */
    Exchange.Followed followed() {
        return new Exchange.Followed(target, "FINISHED");
    }

    /** What the action adds to the command's {@code requestId}, {@code action} and {@code target}. */
    void addTo(ObjectNode command) {}

    @Override
    public Integer call() throws Exception {
        if (!waits().contains(wait)) {
            throw new ParameterException(spec.commandLine(), "--wait " + wait + " does not apply to "
                    + action() + ": give one of " + waits());
        }
        ObjectNode command = KeyReader.JSON.createObjectNode().put("requestId", requestId).put("action", action())
                .put("target", target);
        addTo(command);
        return new Exchange(spec, kafka, timeout).send(requestId, command, wait, followed());
    }

    @Command(name = "savepoint", description = {
            "Take a savepoint of the target's job, which keeps running; prints the answer (its "
                    + "data.control.savepointPath is the savepoint).",
            "Running the same command again takes no second savepoint: the worker answers it with the first answer."})
    static final class Savepoint extends Control {
        @Override
        String action() {
            return "savepoint";
        }

        @Override
        Set<Exchange.Wait> waits() {
            return EnumSet.of(Exchange.Wait.sent, Exchange.Wait.answer);
        }
    }

    @Command(name = "stop", description = {
            "Stop the target's job with a savepoint; prints the answer (its data.control.savepointPath is the "
                    + "savepoint) and, with --wait terminal, the job's terminal status event (FINISHED).",
            "Running the same command again stops nothing more: the worker answers it with the first answer."})
    static final class Stop extends Control {

        @Option(names = "--drain", description = "Drain the job first (Flink's --drain: event time to the end).")
        boolean drain;


        @Override
        String action() {
            return "stop";
        }

        @Override
        void addTo(ObjectNode command) {
            command.put("drain", drain);
        }
    }

    @Command(name = "cancel", description = {
            "Cancel the target's job, without a savepoint; prints the answer and, with --wait terminal, the job's "
                    + "terminal status event (CANCELED).",
            "Running the same command again cancels nothing more: the worker answers it with the first answer."})
    static final class Cancel extends Control {


        @Override
        String action() {
            return "cancel";
        }

        @Override
        Exchange.Followed followed() {
            return new Exchange.Followed(target, "CANCELED");
        }
    }

    @Command(name = "restart", description = {
            "Stop the target's job with a savepoint and submit its task (or task --task) from it as the job of "
                    + "this command's requestId; with --savepoint, take none: cancel the target's job if it still "
                    + "runs and start from that savepoint.",
            "Prints the answer and, with --wait running|terminal, the new job's status event, as submit does.",
            "Running the same command again submits nothing new: the worker answers it with the first answer."})
    static final class Restart extends Control {

        @Option(names = "--task", paramLabel = "ID",
                description = "The task to submit, if not the target's: its id in the worker's catalog.")
        Integer taskId;

        @Mixin
        TaskOptions task;

        @Override
        String action() {
            return "restart";
        }

        @Override
        Set<Exchange.Wait> waits() {
            return EnumSet.allOf(Exchange.Wait.class);
        }

        @Override
        Exchange.Followed followed() {
            return new Exchange.Followed(requestId, "FINISHED");
        }

        @Override
        void addTo(ObjectNode command) {
            task.addTo(command, taskId);
        }
    }
}
