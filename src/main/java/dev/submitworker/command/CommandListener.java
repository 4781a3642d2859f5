package dev.submitworker.command;

import dev.submitworker.result.Envelopes;
import dev.submitworker.result.ResultEnvelope;
import dev.submitworker.result.ResultPublisher;
import dev.submitworker.result.SubmissionReport;
import dev.submitworker.submit.SubmissionService;
import java.time.Clock;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;

/**
 * Command intake: reads each record of the commands topic, answers it on the results topic, and hands records that
 * cannot be answered to the error handler (which dead-letters them). Returns only once the answer is written, so the
 * offset is committed after the answer.
 */
public class CommandListener {

    public static final String LISTENER_ID = "submit-worker-commands";

    private static final Logger log = LoggerFactory.getLogger(CommandListener.class);

    private final CommandReader reader;
    private final SubmissionService submissions;
    private final Envelopes envelopes;
    private final ResultPublisher publisher;
    private final Clock clock;

    public CommandListener(CommandReader reader, SubmissionService submissions, Envelopes envelopes,
                           ResultPublisher publisher, Clock clock) {
        this.reader = reader;
        this.submissions = submissions;
        this.envelopes = envelopes;
        this.publisher = publisher;
        this.clock = clock;
    }

    @KafkaListener(id = LISTENER_ID, topics = "${worker.topics.commands}")
    public void onCommand(ConsumerRecord<String, byte[]> record) {
        CommandReader.Outcome outcome = reader.read(record.value());
        if (outcome instanceof CommandReader.Accepted accepted) {
            answer(submissions.submit(accepted.command()));
            return;
        }
        CommandReader.Rejected rejected = (CommandReader.Rejected) outcome;
        if (rejected.requestId() == null) {
            throw new MalformedCommandException("Record " + record.topic() + "-" + record.partition() + "@"
                    + record.offset() + " is not a usable command: " + rejected.reason());
        }
        answer(SubmissionReport.failure(rejected.requestId(), null, clock.instant(), ResultEnvelope.BAD_PARAMETERS,
                "Invalid command: " + rejected.reason(), rejected.reason()));
    }

    private void answer(SubmissionReport report) {
        ResultEnvelope envelope = envelopes.toEnvelope(report);
        publisher.publish(envelope);
        if (envelope.success()) {
            log.info("Answered {}: code {} job {}", envelope.requestId(), envelope.code(), envelope.data().jobId());
        } else {
            log.info("Answered {}: code {} {} | {}", envelope.requestId(), envelope.code(), envelope.msg(),
                    envelope.data().error());
        }
    }
}
