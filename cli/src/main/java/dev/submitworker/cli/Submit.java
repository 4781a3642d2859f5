package dev.submitworker.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Sends one command and waits for its answer (and, if asked, its job's status). The answer is read from the end the
 * results partition had before the command was sent, so the answer printed is this command's: the worker answers
 * every command, a duplicate with the first answer again, which makes running the same command again safe.
 */
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

    enum Wait { sent, answer, running, terminal }

    @Spec
    CommandSpec spec;

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--task", required = true, paramLabel = "ID", description = "The task's id in the worker's catalog.")
    int task;

    @Option(names = "--request-id", required = true, paramLabel = "ID",
            description = "The request's idempotency key: the same for every try of one logical run (e.g. DAG id, "
                    + "task id and logical date), a new one for a new run.")
    String requestId;

    @Option(names = "--var", paramLabel = "NAME=VALUE", mapFallbackValue = "",
            description = "A value for the task's variable NAME ($${NAME}); repeat for more.")
    Map<String, String> variables = new LinkedHashMap<>();

    @Option(names = "--savepoint", paramLabel = "PATH", description = "Start the job from this savepoint.")
    String savepoint;

    @Option(names = "--wait", defaultValue = "answer", paramLabel = "WHAT",
            description = "What to wait for: sent (the command acknowledged by Kafka), answer, running (the job "
                    + "RUNNING, or ended), terminal (the job ended). Default: ${DEFAULT-VALUE}.")
    Wait wait;

    @Option(names = "--timeout", defaultValue = "30m", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long to wait in all (500ms, 30s, 5m, 2h, PT30M). Default: ${DEFAULT-VALUE}.")
    Duration timeout;

    @Override
    public Integer call() throws Exception {
        Instant deadline = Instant.now().plus(timeout);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String command = command();
        try (KafkaProducer<String, String> producer = kafka.producer(spec, KeyReader.left(deadline));
             KafkaConsumer<String, String> results = wait == Wait.sent ? null : kafka.consumer(spec)) {
            // the commands topic's metadata while the results partition's end is looked up
            CompletableFuture<?> ready = CompletableFuture.runAsync(() ->
                    producer.partitionsFor(kafka.commandsTopic));
            KeyReader answers = null;
            if (results != null) {
                TopicPartition partition = KafkaOptions.partitionOf(results, kafka.resultsTopic, requestId,
                        KeyReader.left(deadline));
                answers = new KeyReader(results, partition, requestId).fromEnd(deadline);
            }
            ready.get(KeyReader.left(deadline).toMillis(), TimeUnit.MILLISECONDS);
            RecordMetadata sent = producer.send(new ProducerRecord<>(kafka.commandsTopic, requestId, command))
                    .get(KeyReader.left(deadline).toMillis(), TimeUnit.MILLISECONDS);
            err.printf("submit-task: sent %s to %s-%d@%d%n", requestId, sent.topic(), sent.partition(), sent.offset());
            err.flush();
            if (answers == null) {
                out.println(KeyReader.JSON.createObjectNode().put("requestId", requestId).put("topic", sent.topic())
                        .put("partition", sent.partition()).put("offset", sent.offset()));
                return ExitCodes.OK;
            }
            JsonNode answer = answers.first(any -> true, deadline);
            if (answer == null) {
                err.printf("submit-task: no answer for %s within %s%n", requestId, timeout);
                return ExitCodes.TIMED_OUT;
            }
            out.println(answer);
            out.flush();
            int code = ExitCodes.ofAnswer(answer.path("code").asInt(-1));
            if (code != ExitCodes.OK || wait == Wait.answer) {
                return code;
            }
            return awaitStatus(out, err, deadline);
        } catch (java.util.concurrent.TimeoutException | org.apache.kafka.common.errors.TimeoutException e) {
            err.printf("submit-task: timed out after %s: %s%n", timeout, e.getMessage());
            return ExitCodes.TIMED_OUT;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException) {
                err.printf("submit-task: timed out after %s: %s%n", timeout, e.getCause().getMessage());
                return ExitCodes.TIMED_OUT;
            }
            throw e;
        }
    }

    /** The job's status event waited for, on the compacted status topic: read from its start, found if it is past. */
    private int awaitStatus(PrintWriter out, PrintWriter err, Instant deadline) {
        err.printf("submit-task: waiting for %s's job to be %s%n", requestId,
                wait == Wait.running ? "RUNNING" : "ended");
        err.flush();
        try (KafkaConsumer<String, String> status = kafka.consumer(spec)) {
            TopicPartition partition = KafkaOptions.partitionOf(status, kafka.statusTopic, requestId,
                    KeyReader.left(deadline));
            JsonNode event = new KeyReader(status, partition, requestId).fromBeginning().first(
                    e -> e.path("terminal").asBoolean() || wait == Wait.running && "RUNNING".equals(status(e)),
                    deadline);
            if (event == null) {
                err.printf("submit-task: %s's job was not %s within %s%n", requestId,
                        wait == Wait.running ? "RUNNING" : "ended", timeout);
                return ExitCodes.TIMED_OUT;
            }
            out.println(event);
            out.flush();
            return event.path("terminal").asBoolean() ? ExitCodes.ofTerminal(status(event)) : ExitCodes.OK;
        }
    }

    private static String status(JsonNode event) {
        return event.path("status").asText();
    }

    /** The command as the worker reads it: Dinky's submitTask body plus the requestId. */
    private String command() {
        ObjectNode command = KeyReader.JSON.createObjectNode().put("requestId", requestId).put("id", task);
        if (savepoint != null) {
            command.put("savePointPath", savepoint);
        }
        ObjectNode vars = command.putObject("variables");
        variables.forEach(vars::put);
        return command.toString();
    }
}
