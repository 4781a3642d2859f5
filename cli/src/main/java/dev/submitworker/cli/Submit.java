package dev.submitworker.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Submits a task and waits for its answer (and, if asked, its job's status), through {@link Exchange}. */
@Command(name = "submit", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Submit a task and wait for its answer; with --wait running|terminal, also for its job's status.",
                "Prints the answer, then the status event waited for, one JSON document a line; logs on stderr.",
                "Running the same command again submits nothing new: the worker answers it with the first answer."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:the answer's code was 0 (with --wait terminal: the job FINISHED; --wait running: it ran)",
                "1:the answer's code was 1 (unknown task, SQL error, requestId used for another command)",
                "2:usage error",
                "3:the job ended FAILED or CANCELED",
                "4:the job can no longer be observed (status UNKNOWN)",
                "5:the answer's code was 5 (the cluster could not be reached until the worker's deadline)",
                "6:the answer's code was 6 (bad parameters: a variable, the savepoint path)",
                "70:a Kafka error other than a timeout",
                "124:--timeout passed first (the brokers, the answer or the job's status)"})
final class Submit implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--task", required = true, paramLabel = "ID",
            description = "The task's id in the worker's catalog.")
    int taskId;

    @Mixin
    TaskOptions task;

    @Option(names = "--request-id", required = true, paramLabel = "ID",
            description = "The request's idempotency key: the same for every try of one logical run (e.g. DAG id, "
                    + "task id and logical date), a new one for a new run.")
    String requestId;

    @Option(names = "--wait", defaultValue = "answer", paramLabel = "WHAT",
            description = "What to wait for: sent (the command acknowledged by Kafka), answer, running (the job "
                    + "RUNNING, or ended), terminal (the job ended). Default: ${DEFAULT-VALUE}.")
    Exchange.Wait wait;

    @Option(names = "--timeout", defaultValue = "30m", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long to wait in all (500ms, 30s, 5m, 2h, PT30M). Default: ${DEFAULT-VALUE}.")
    Duration timeout;

    @Override
    public Integer call() throws Exception {
        // the command as the worker reads it: Dinky's submitTask body plus the requestId
        ObjectNode command = task.addTo(KeyReader.JSON.createObjectNode().put("requestId", requestId), taskId);
        return new Exchange(spec, kafka, timeout).send(requestId, command, wait,
                new Exchange.Followed(requestId, "FINISHED"));
    }
}
