package dev.submitworker.command;

import dev.submitworker.result.Envelopes;
import dev.submitworker.result.ResultEnvelope;
import dev.submitworker.result.ResultPublisher;
import dev.submitworker.result.SubmissionReport;
import dev.submitworker.ledger.IdempotentSubmitter;
import java.time.Clock;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;

/**
 * Command intake: reads each record of the commands topic, answers it on the results topic, and hands records that
 * cannot be answered to the after-rollback processor (which dead-letters them). Each record is handled in a Kafka
 * transaction that also carries its ledger entry and its offset, so the answer, the ledger and the offset are written
 * together or not at all.
 */
public class CommandListener {

    public static final String LISTENER_ID = "submit-worker-commands";

    private static final Logger log = LoggerFactory.getLogger(CommandListener.class);

    private final CommandReader reader;
    private final IdempotentSubmitter submitter;
    private final Envelopes envelopes;
    private final ResultPublisher publisher;
    private final Clock clock;

    public CommandListener(CommandReader reader, IdempotentSubmitter submitter, Envelopes envelopes,
                           ResultPublisher publisher, Clock clock) {
        this.reader = reader;
        this.submitter = submitter;
        this.envelopes = envelopes;
        this.publisher = publisher;
        this.clock = clock;
    }

    // idIsGroup = false: the consumer group is spring.kafka.consumer.group-id, not the listener id
    @KafkaListener(id = LISTENER_ID, idIsGroup = false, topics = "${worker.topics.commands}")
    public void onCommand(ConsumerRecord<String, byte[]> record) {
        CommandReader.Outcome outcome = reader.read(record.value());
        if (outcome instanceof CommandReader.Accepted accepted) {
            submitter.handle(record.partition(), accepted.command()).ifPresent(this::publish);
            return;
        }
        CommandReader.Rejected rejected = (CommandReader.Rejected) outcome;
        if (rejected.requestId() == null) {
            throw new MalformedCommandException("Record " + record.topic() + "-" + record.partition() + "@"
                    + record.offset() + " is not a usable command: " + rejected.reason());
        }
        publish(envelopes.toEnvelope(SubmissionReport.failure(rejected.requestId(), null, clock.instant(),
                ResultEnvelope.BAD_PARAMETERS, "Invalid command: " + rejected.reason(), rejected.reason())));
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
