package dev.submitworker.kafka;

import dev.submitworker.core.Incoming;
import dev.submitworker.core.SubmitCommand;
import dev.submitworker.core.port.Intake;
import dev.submitworker.dinky.MalformedCommandException;
import dev.submitworker.secrets.Redactor;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.springframework.kafka.support.KafkaHeaders;

/**
 * Dead letters, forwarded commands and commands on jobs passed on, in the consumer's unit of work. A dead letter is the original record, value
 * unchanged so it can be replayed, with Spring Kafka's dead-letter headers ({@code kafka_dlt-original-topic}, ...):
 * the exception headers redacted and bounded, since the reason may quote the record or a task's script. One that
 * would not fit a Kafka record whole (a record near the size limit, plus headers) keeps only the start of its value
 * and says so in a header: every bad record leaves a trace, and none is retried forever for being too large.
 */
final class KafkaIntake implements Intake {

    static final int MAX_MESSAGE_CHARS = 2_000;
    static final int MAX_STACKTRACE_CHARS = 8_000;
    /** Set on a dead letter whose value was cut to fit: the original value's size in bytes. */
    static final String TRUNCATED = "submit-worker-dlt-truncated-from";
    /** Set on a command passed on to the partition of its requestId: where it was read first. */
    static final String FORWARDED_FROM = "submit-worker-forwarded-from";
    /** Room left for the record batch's own overhead within the producer's request size. */
    private static final int OVERHEAD = 1_024;

    private final String deadLetterTopic;
    private final String commandsTopic;
    private final String groupId;
    private final int maxRequestBytes;
    private final int partitions;
    private final Redactor redactor;
    private final Function<Incoming, ConsumerRecord<byte[], byte[]>> records;
    private final KafkaUnitOfWork unitOfWork;

    /**
     * @param maxRequestBytes the producer's {@code max.request.size}: no record may be larger
     * @param partitions      the commands topic's partition count
     * @param records         the Kafka record an incoming command was read from
     */
    KafkaIntake(String deadLetterTopic, String commandsTopic, String groupId, int maxRequestBytes, int partitions,
                Redactor redactor, Function<Incoming, ConsumerRecord<byte[], byte[]>> records,
                KafkaUnitOfWork unitOfWork) {
        this.deadLetterTopic = deadLetterTopic;
        this.commandsTopic = commandsTopic;
        this.groupId = groupId;
        this.maxRequestBytes = maxRequestBytes;
        this.partitions = partitions;
        this.redactor = redactor;
        this.records = records;
        this.unitOfWork = unitOfWork;
    }

    @Override
    public void deadLetter(Incoming incoming, String reason, Throwable failure) {
        ConsumerRecord<byte[], byte[]> original = records.apply(incoming);
        Headers headers = new RecordHeaders(original.headers().toArray());
        headers.add(KafkaHeaders.DLT_ORIGINAL_TOPIC, text(original.topic()));
        headers.add(KafkaHeaders.DLT_ORIGINAL_PARTITION, ByteBuffer.allocate(4).putInt(original.partition()).array());
        headers.add(KafkaHeaders.DLT_ORIGINAL_OFFSET, ByteBuffer.allocate(8).putLong(original.offset()).array());
        headers.add(KafkaHeaders.DLT_ORIGINAL_TIMESTAMP, ByteBuffer.allocate(8).putLong(original.timestamp()).array());
        headers.add(KafkaHeaders.DLT_ORIGINAL_TIMESTAMP_TYPE, text(original.timestampType().toString()));
        headers.add(KafkaHeaders.DLT_ORIGINAL_CONSUMER_GROUP, text(groupId));
        if (failure == null) {
            // a record that is not a command: the reason says all, a stack trace would say nothing about the record
            headers.add(KafkaHeaders.DLT_EXCEPTION_FQCN, text(MalformedCommandException.class.getName()));
            headers.add(KafkaHeaders.DLT_EXCEPTION_MESSAGE, text(bounded(redactor.redactText(
                    "Record " + original.topic() + "-" + original.partition() + "@" + original.offset()
                            + " is not a usable command: " + reason), MAX_MESSAGE_CHARS)));
        } else {
            headers.add(KafkaHeaders.DLT_EXCEPTION_FQCN, text(failure.getClass().getName()));
            if (failure.getCause() != null) {
                headers.add(KafkaHeaders.DLT_EXCEPTION_CAUSE_FQCN, text(failure.getCause().getClass().getName()));
            }
            headers.add(KafkaHeaders.DLT_EXCEPTION_MESSAGE,
                    text(bounded(redactor.redactText(String.valueOf(reason)), MAX_MESSAGE_CHARS)));
            StringWriter trace = new StringWriter();
            failure.printStackTrace(new PrintWriter(trace));
            headers.add(KafkaHeaders.DLT_EXCEPTION_STACKTRACE,
                    text(bounded(redactor.redactText(trace.toString()), MAX_STACKTRACE_CHARS)));
        }
        byte[] value = fitted(original, headers);
        unitOfWork.write(new ProducerRecord<>(deadLetterTopic, null, original.key(), value, headers));
    }

    /** The value, or as much of it as leaves the dead letter within the producer's request size. */
    private byte[] fitted(ConsumerRecord<byte[], byte[]> original, Headers headers) {
        byte[] value = original.value();
        if (value == null) {
            return null;
        }
        int rest = OVERHEAD + (original.key() == null ? 0 : original.key().length);
        for (Header header : headers) {
            rest += header.key().length() + (header.value() == null ? 0 : header.value().length);
        }
        int room = maxRequestBytes - rest - 64;
        if (value.length <= room) {
            return value;
        }
        headers.add(TRUNCATED, text(Integer.toString(value.length)));
        byte[] cut = new byte[Math.max(0, room)];
        System.arraycopy(value, 0, cut, 0, cut.length);
        return cut;
    }

    @Override
    public void forward(Incoming incoming, int partition) {
        ConsumerRecord<byte[], byte[]> original = records.apply(incoming);
        SubmitCommand command = ((Incoming.Elsewhere) incoming.parsed()).command();
        unitOfWork.write(passedOn(original, command, partition, forwardedFrom(original)));
    }

    @Override
    public void passOn(Incoming incoming, SubmitCommand next) {
        ConsumerRecord<byte[], byte[]> original = records.apply(incoming);
        Headers headers = forwardedFrom(original);
        ControlSteps.write(headers, next);
        unitOfWork.write(passedOn(original, next, CommandRecords.home(next, partitions), headers));
    }

    private static Headers forwardedFrom(ConsumerRecord<byte[], byte[]> original) {
        Headers headers = new RecordHeaders(original.headers().toArray());
        headers.add(FORWARDED_FROM, text(original.topic() + "-" + original.partition() + "@" + original.offset()));
        return headers;
    }

    /** The command's record as it was sent, keyed by its requestId, for the given partition. */
    private ProducerRecord<byte[], byte[]> passedOn(ConsumerRecord<byte[], byte[]> original, SubmitCommand command,
                                                    int partition, Headers headers) {
        return new ProducerRecord<>(commandsTopic, partition, text(command.requestId().value()), original.value(),
                headers);
    }

    private static byte[] text(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }

    private static String bounded(String text, int max) {
        return text.length() > max ? text.substring(0, max) + "..." : text;
    }
}
