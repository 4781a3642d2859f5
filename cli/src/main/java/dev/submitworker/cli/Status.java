package dev.submitworker.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The latest status event of a request, from the compacted status topic. */
@Command(name = "status", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Print the latest status event of a request (one JSON document) from the status topic.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:found",
                "2:usage error",
                "4:no event for this requestId (never submitted, not yet observed, or past the topic's retention)",
                "70:a Kafka error other than a timeout",
                "124:--timeout passed before the topic was read"})
final class Status implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--request-id", required = true, paramLabel = "ID", description = "The request.")
    String requestId;

    @Option(names = "--timeout", defaultValue = "30s", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long reading the topic may take. Default: ${DEFAULT-VALUE}.")
    Duration timeout;

    @Override
    public Integer call() {
        Instant deadline = Instant.now().plus(timeout);
        try (KafkaConsumer<String, String> consumer = kafka.consumer(spec)) {
            TopicPartition partition = KafkaOptions.partitionOf(consumer, kafka.statusTopic, requestId,
                    KeyReader.left(deadline));
            JsonNode last = new KeyReader(consumer, partition, requestId).fromBeginning().last(deadline);
            if (last == null) {
                spec.commandLine().getErr().printf("submit-task: no status event for requestId '%s' on %s: it was "
                        + "never submitted, its job was not observed yet, or it is older than the topic's retention%n",
                        requestId, kafka.statusTopic);
                return ExitCodes.NOT_KNOWN;
            }
            spec.commandLine().getOut().println(last);
            return ExitCodes.OK;
        } catch (TimeoutException e) {
            spec.commandLine().getErr().printf("submit-task: timed out after %s: %s%n", timeout, e.getMessage());
            return ExitCodes.TIMED_OUT;
        }
    }
}
