package dev.submitworker.kafka;

import dev.submitworker.dinky.CommandReader;
import dev.submitworker.dinky.MalformedCommandException;

import dev.submitworker.dinky.Envelopes;
import dev.submitworker.secrets.Redactor;
import dev.submitworker.dinky.ResultEnvelope;
import dev.submitworker.dinky.SubmissionReport;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.kafka.listener.ConsumerAwareRecordRecoverer;
import org.springframework.kafka.support.Acknowledgment;

/**
 * Command intake: reads the records of the commands topic and answers each on the results topic. A record that is not
 * a usable command goes to the dead-letter topic through the dead-letter recoverer, called here rather than by
 * throwing: a bad record then costs nothing more than any other, not a rollback, a seek and a fetch again. It is also
 * answered (code 6) when a requestId can be read from it.
 *
 * <p>The records of one poll are handled in one Kafka transaction that carries their answers, ledger entries, dead
 * letters and offsets, so they are written together or not at all. One transaction per record would cost every
 * answer a commit (broker round trips and commit markers): a duplicate answered from the ledger would wait on Kafka,
 * not on the worker. A batch is held open only for {@code maxHold}: once that has passed, the records not yet handled
 * are handed back ({@code nack}: the container commits those before them and fetches them again), so an answer whose
 * job was submitted is not kept back by the submissions after it. A duplicate's answer, given and committed before,
 * does not wait for the commit at all ({@link ResultPublisher#publishAgain}).
 *
 * <p>A record whose handling fails unexpectedly fails its batch's transaction (it may have written part of its
 * answer). When it comes back, the records before it are committed without it, so it then leads its batch and fails
 * it alone: {@link BatchAfterRollbackProcessor} retries it and finally dead-letters it.
 */
public class CommandListener {

    public static final String LISTENER_ID = "submit-worker-commands";

    private static final Logger log = LoggerFactory.getLogger(CommandListener.class);

    private final CommandReader reader;
    private final IdempotentSubmitter submitter;
    private final Envelopes envelopes;
    private final ResultPublisher publisher;
    private final ConsumerAwareRecordRecoverer deadLetters;
    private final Redactor redactor;
    private final Clock clock;
    private final Duration maxHold;
    /** Per partition, the offset of a record whose handling failed and rolled its batch back. */
    private final Map<TopicPartition, Long> failing = new ConcurrentHashMap<>();

    /** @param maxHold how long a batch's transaction may stay open before the rest of the batch is handed back */
    public CommandListener(CommandReader reader, IdempotentSubmitter submitter, Envelopes envelopes,
                           ResultPublisher publisher, ConsumerAwareRecordRecoverer deadLetters, Redactor redactor,
                           Clock clock, Duration maxHold) {
        this.reader = reader;
        this.submitter = submitter;
        this.envelopes = envelopes;
        this.publisher = publisher;
        this.deadLetters = deadLetters;
        this.redactor = redactor;
        this.clock = clock;
        this.maxHold = maxHold;
    }

    // idIsGroup = false: the consumer group is spring.kafka.consumer.group-id, not the listener id
    @KafkaListener(id = LISTENER_ID, idIsGroup = false, topics = "${worker.topics.commands}", batch = "true")
    public void onCommands(List<ConsumerRecord<String, byte[]>> records, Acknowledgment acknowledgment,
                           Consumer<?, ?> consumer) {
        long deadline = System.nanoTime() + maxHold.toNanos();
        for (int i = 0; i < records.size(); i++) {
            ConsumerRecord<String, byte[]> record = records.get(i);
            TopicPartition partition = new TopicPartition(record.topic(), record.partition());
            boolean failedBefore = failing.getOrDefault(partition, -1L) == record.offset();
            if (i > 0 && (failedBefore || System.nanoTime() - deadline > 0)) {
                // commit the records before it; the rest comes back with the next poll
                acknowledgment.nack(i, Duration.ZERO);
                return;
            }
            try {
                onCommand(record, consumer);
            } catch (RuntimeException e) {
                failing.put(partition, record.offset());
                throw new BatchListenerFailedException("Handling " + position(record) + " failed", e, i);
            }
            if (failedBefore) {
                failing.remove(partition);
            }
        }
    }

    private void onCommand(ConsumerRecord<String, byte[]> record, Consumer<?, ?> consumer) {
        CommandReader.Outcome outcome = reader.read(record.value());
        if (outcome instanceof CommandReader.Accepted accepted) {
            submitter.handle(record.partition(), accepted.command()).ifPresent(answer -> {
                if (answer.repeated()) {
                    publisher.publishAgain(answer.envelope());
                } else {
                    publisher.publish(answer.envelope());
                }
                logAnswer(answer.envelope());
            });
            return;
        }
        CommandReader.Rejected rejected = (CommandReader.Rejected) outcome;
        if (rejected.deadLetter()) {
            String reason = redactor.redactText("Record " + position(record) + " is not a usable command: "
                    + rejected.reason());
            deadLetters.accept(record, consumer, new MalformedCommandException(reason));
            log.info("Dead-lettered: {}", reason);
        }
        if (rejected.requestId() != null) {
            publish(envelopes.toEnvelope(SubmissionReport.failure(rejected.requestId(), null, clock.instant(),
                    ResultEnvelope.BAD_PARAMETERS, "Invalid command: " + rejected.reason(), rejected.reason())));
        }
    }

    private static String position(ConsumerRecord<?, ?> record) {
        return record.topic() + "-" + record.partition() + "@" + record.offset();
    }

    private void publish(ResultEnvelope envelope) {
        publisher.publish(envelope);
        logAnswer(envelope);
    }

    private static void logAnswer(ResultEnvelope envelope) {
        if (envelope.success()) {
            log.info("Answered {}: code {} job {}{}", envelope.requestId(), envelope.code(), envelope.data().jobId(),
                    envelope.duplicate() ? " (duplicate)" : "");
        } else {
            log.info("Answered {}: code {} {} | {}", envelope.requestId(), envelope.code(), envelope.msg(),
                    envelope.data().error());
        }
    }
}
