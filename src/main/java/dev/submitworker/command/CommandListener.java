package dev.submitworker.command;

import dev.submitworker.ledger.IdempotentSubmitter;
import dev.submitworker.result.Envelopes;
import dev.submitworker.result.Redactor;
import dev.submitworker.result.ResultEnvelope;
import dev.submitworker.result.ResultPublisher;
import dev.submitworker.result.SubmissionReport;
import java.time.Clock;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.listener.ConsumerAwareRecordRecoverer;

/**
 * Command intake: reads each record of the commands topic and answers it on the results topic. A record that is not
 * a usable command goes to the dead-letter topic through the dead-letter recoverer, called here rather than by
 * throwing: a bad record then costs one transaction like any other, not a rollback, a seek and a fetch again. It is
 * also answered (code 6) when a requestId can be read from it. Each record is handled in a Kafka transaction that also
 * carries its ledger entry, its dead letter and its offset, so they are written together or not at all.
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

    public CommandListener(CommandReader reader, IdempotentSubmitter submitter, Envelopes envelopes,
                           ResultPublisher publisher, ConsumerAwareRecordRecoverer deadLetters, Redactor redactor,
                           Clock clock) {
        this.reader = reader;
        this.submitter = submitter;
        this.envelopes = envelopes;
        this.publisher = publisher;
        this.deadLetters = deadLetters;
        this.redactor = redactor;
        this.clock = clock;
    }

    // idIsGroup = false: the consumer group is spring.kafka.consumer.group-id, not the listener id
    @KafkaListener(id = LISTENER_ID, idIsGroup = false, topics = "${worker.topics.commands}")
    public void onCommand(ConsumerRecord<String, byte[]> record, Consumer<?, ?> consumer) {
        CommandReader.Outcome outcome = reader.read(record.value());
        if (outcome instanceof CommandReader.Accepted accepted) {
            submitter.handle(record.partition(), accepted.command()).ifPresent(this::publish);
            return;
        }
        CommandReader.Rejected rejected = (CommandReader.Rejected) outcome;
        if (rejected.deadLetter()) {
            String reason = redactor.redactText("Record " + record.topic() + "-" + record.partition() + "@"
                    + record.offset() + " is not a usable command: " + rejected.reason());
            deadLetters.accept(record, consumer, new MalformedCommandException(reason));
            log.info("Dead-lettered: {}", reason);
        }
        if (rejected.requestId() != null) {
            publish(envelopes.toEnvelope(SubmissionReport.failure(rejected.requestId(), null, clock.instant(),
                    ResultEnvelope.BAD_PARAMETERS, "Invalid command: " + rejected.reason(), rejected.reason())));
        }
    }

    private void publish(ResultEnvelope envelope) {
        publisher.publish(envelope);
        if (envelope.success()) {
            log.info("Answered {}: code {} job {}{}", envelope.requestId(), envelope.code(), envelope.data().jobId(),
                    envelope.duplicate() ? " (duplicate)" : "");
        } else {
            log.info("Answered {}: code {} {} | {}", envelope.requestId(), envelope.code(), envelope.msg(),
                    envelope.data().error());
        }
    }
}
