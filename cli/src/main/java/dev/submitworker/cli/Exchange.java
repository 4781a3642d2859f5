package dev.submitworker.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Sends one command, keyed by its requestId, and waits for its answer and, if asked, for a job's status event: what
 * {@code submit} and the control subcommands share. The answer is read from the end the results partition had before
 * the command was sent, so the answer printed is this command's: the worker answers every command, a duplicate with
 * the first answer again, which makes running the same command again safe.
 */
final class Exchange {

    /** What to wait for. */
    enum Wait { sent, answer, running, terminal }

    /**
     * The job whose status event {@code --wait running|terminal} waits for: the one of request {@code requestId},
     * successful when it ended {@code success}.
     */
    record Followed(String requestId, String success) {}

    private final CommandSpec spec;
    private final KafkaOptions kafka;
    private final Duration timeout;

    Exchange(CommandSpec spec, KafkaOptions kafka, Duration timeout) {
        this.spec = spec;
        this.kafka = kafka;
        this.timeout = timeout;
    }

    /**
     * Sends {@code command} keyed by {@code requestId}, prints its answer and, with {@code wait} running or terminal
     * and the answer's code 0, the status event of {@code followed} waited for; returns the exit code.
     */
    int send(String requestId, ObjectNode command, Wait wait, Followed followed) throws Exception {
        Instant deadline = Instant.now().plus(timeout);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
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
            RecordMetadata sent = producer.send(new ProducerRecord<>(kafka.commandsTopic, requestId,
                    command.toString())).get(KeyReader.left(deadline).toMillis(), TimeUnit.MILLISECONDS);
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
            return awaitStatus(followed, wait, deadline);
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
    private int awaitStatus(Followed followed, Wait wait, Instant deadline) {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String what = wait == Wait.running ? "RUNNING" : "ended";
        err.printf("submit-task: waiting for %s's job to be %s%n", followed.requestId(), what);
        err.flush();
        try (KafkaConsumer<String, String> status = kafka.consumer(spec)) {
            TopicPartition partition = KafkaOptions.partitionOf(status, kafka.statusTopic, followed.requestId(),
                    KeyReader.left(deadline));
            JsonNode event = new KeyReader(status, partition, followed.requestId()).fromBeginning().first(
                    e -> e.path("terminal").asBoolean() || wait == Wait.running && "RUNNING".equals(status(e)),
                    deadline);
            if (event == null) {
                err.printf("submit-task: %s's job was not %s within %s%n", followed.requestId(), what, timeout);
                return ExitCodes.TIMED_OUT;
            }
            out.println(event);
            out.flush();
            return event.path("terminal").asBoolean() ? ExitCodes.ofEnd(status(event), followed.success())
                    : ExitCodes.OK;
        }
    }

    private static String status(JsonNode event) {
        return event.path("status").asText();
    }
}
