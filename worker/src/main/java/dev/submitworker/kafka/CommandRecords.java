package dev.submitworker.kafka;

import dev.submitworker.core.Control;
import dev.submitworker.core.Incoming;
import dev.submitworker.core.ReplyAddress;
import dev.submitworker.core.RequestId;
import dev.submitworker.core.SubmitCommand;
import dev.submitworker.dinky.CommandReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.header.Header;
import org.springframework.kafka.support.KafkaHeaders;

/**
 * What a record of the commands topic is to the engine. Every requestId has one home partition, the one Kafka's
 * default partitioner gives its UTF-8 bytes: a command read anywhere else (its producer keyed it by something else,
 * sent no key, or used another client's partitioner) is passed on there, so that one ledger sees all commands of a
 * requestId and a duplicate can never escape it. A record with no usable requestId is answered on its record key,
 * when that is one, so the producer still hears why.
 *
 * <p>A record may ask for its answer on a topic of its sender's too, with the request/reply headers of Spring Kafka's
 * {@code ReplyingKafkaTemplate} ({@code kafka_replyTopic}, {@code kafka_correlationId}, {@code kafka_replyPartition}):
 * only topics the allow-list pattern matches, so a command cannot make the worker write anywhere else. A command
 * that names another is refused as a bad command (answered on the results topic, naming the header).
 *
 * <p>A command on a job (a control command but an explain) goes in steps: its own partition, its target's (whose
 * ledger knows the target), its own again ({@link ControlSteps}).
 */
final class CommandRecords {

    private final CommandReader reader;
    private final int partitions;
    private final Pattern replyTopics;

    /**
     * @param partitions  the commands topic's partition count, which must not change while the worker runs
     * @param replyTopics the reply topics a command may name (the whole name must match)
     */
    CommandRecords(CommandReader reader, int partitions, Pattern replyTopics) {
        this.reader = reader;
        this.partitions = partitions;
        this.replyTopics = replyTopics;
    }

    /**
     * The partition where a command is handled at the step it has reached: its requestId's, but its target's while a
     * command on a job is checked there.
     */
    static int home(SubmitCommand command, int partitions) {
        Control control = command.control();
        boolean checking = control != null && control.step() == Control.Step.CHECKING;
        return partitionOf(checking ? control.target() : command.requestId(), partitions);
    }

    /** The home partition of a requestId. */
    static int partitionOf(RequestId requestId, int partitions) {
        return BuiltInPartitioner.partitionForKey(requestId.value().getBytes(StandardCharsets.UTF_8), partitions);
    }

    /** @param replyTopicExists whether a reply topic the allow-list matches exists */
    Incoming read(ConsumerRecord<byte[], byte[]> record, Predicate<String> replyTopicExists) {
        String replyTopic = strictUtf8(value(record, KafkaHeaders.REPLY_TOPIC));
        Incoming.Parsed parsed = parse(record);
        if (replyTopic == null) {
            return new Incoming(record.partition(), record.offset(), parsed, null);
        }
        if (!replyTopics.matcher(replyTopic).matches()) {
            return new Incoming(record.partition(), record.offset(), refused(parsed, "header "
                    + KafkaHeaders.REPLY_TOPIC + ": '" + replyTopic + "' is not an allowed reply topic"), null);
        }
        if (!(parsed instanceof Incoming.Invalid) && !replyTopicExists.test(replyTopic)) {
            return new Incoming(record.partition(), record.offset(), refused(parsed, "header "
                    + KafkaHeaders.REPLY_TOPIC + ": reply topic '" + replyTopic + "' does not exist"), null);
        }
        byte[] partition = value(record, KafkaHeaders.REPLY_PARTITION);
        return new Incoming(record.partition(), record.offset(), parsed, new ReplyAddress(replyTopic,
                partition != null && partition.length == 4 ? ByteBuffer.wrap(partition).getInt() : null,
                value(record, KafkaHeaders.CORRELATION_ID)));
    }

    /** A command whose reply topic cannot be used: refused, whatever it asks. */
    private static Incoming.Parsed refused(Incoming.Parsed parsed, String reason) {
        if (parsed instanceof Incoming.Command command) {
            return new Incoming.Invalid(command.command().requestId(), false, reason);
        }
        if (parsed instanceof Incoming.Elsewhere elsewhere) {
            return new Incoming.Invalid(elsewhere.command().requestId(), false, reason);
        }
        return parsed;
    }

    private static byte[] value(ConsumerRecord<byte[], byte[]> record, String header) {
        Header last = record.headers().lastHeader(header);
        return last == null ? null : last.value();
    }

    private Incoming.Parsed parse(ConsumerRecord<byte[], byte[]> record) {
        CommandReader.Outcome outcome = reader.read(record.value());
        if (outcome instanceof CommandReader.Accepted accepted) {
            SubmitCommand command = ControlSteps.read(accepted.command(), record.headers());
            int home = home(command, partitions);
            return home == record.partition() ? new Incoming.Command(command) : new Incoming.Elsewhere(command, home);
        }
        CommandReader.Rejected rejected = (CommandReader.Rejected) outcome;
        if (rejected.requestId() != null) {
            return new Incoming.Invalid(new RequestId(rejected.requestId()), rejected.deadLetter(), rejected.reason());
        }
        String key = strictUtf8(record.key());
        return new Incoming.Invalid(reader.isRequestId(key) ? new RequestId(key) : null, true, rejected.reason());
    }

    private static String strictUtf8(byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
