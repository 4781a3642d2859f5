package dev.submitworker.kafka;

import dev.submitworker.core.Incoming;
import dev.submitworker.core.RequestId;
import dev.submitworker.core.SubmitCommand;
import dev.submitworker.dinky.CommandReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;

/**
 * What a record of the commands topic is to the engine. Every requestId has one home partition, the one Kafka's
 * default partitioner gives its UTF-8 bytes: a command read anywhere else (its producer keyed it by something else,
 * sent no key, or used another client's partitioner) is passed on there, so that one ledger sees all commands of a
 * requestId and a duplicate can never escape it. A record with no usable requestId is answered on its record key,
 * when that is one, so the producer still hears why.
 *
 * <p>A control command's home is its target's partition (a restart's is its own): it is keyed by its own requestId
 * like any command, and passed on from there, so that the ledger that records it is the one that knows its target.
 */
final class CommandRecords {

    private final CommandReader reader;
    private final int partitions;

    /** @param partitions the commands topic's partition count, which must not change while the worker runs */
    CommandRecords(CommandReader reader, int partitions) {
        this.reader = reader;
        this.partitions = partitions;
    }

    /** The home partition of a requestId. */
    static int partitionOf(RequestId requestId, int partitions) {
        return BuiltInPartitioner.partitionForKey(requestId.value().getBytes(StandardCharsets.UTF_8), partitions);
    }

    Incoming read(ConsumerRecord<byte[], byte[]> record) {
        return new Incoming(record.partition(), record.offset(), parse(record));
    }

    private Incoming.Parsed parse(ConsumerRecord<byte[], byte[]> record) {
        CommandReader.Outcome outcome = reader.read(record.value());
        if (outcome instanceof CommandReader.Accepted accepted) {
            SubmitCommand command = accepted.command();
            // a control command (but a restart) is handled in its target's partition, whose ledger knows the target
            boolean targets = command.control() != null && command.control().action().inTargetsPartition();
            int home = partitionOf(targets ? command.control().target() : command.requestId(), partitions);
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
