package dev.submitworker.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.submitworker.app.SubmitWorkerApplication;
import dev.submitworker.testing.BrokerProcess;
import dev.submitworker.testing.ChaosRun;
import dev.submitworker.testing.FlinkTestClient;
import dev.submitworker.testing.KafkaTestClient;
import dev.submitworker.testing.WorkerProcess;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The broker becomes unavailable for a while (frozen with SIGSTOP) while a worker works through a stream of commands
 * with duplicates; when it is back (SIGCONT) the worker carries on by itself: every command answered, none twice
 * with different outcomes or twice as a first answer, one job per requestId.
 */
class BrokerOutageTest {

    @Test
    void theWorkerCarriesOnAfterTheBrokerWasUnavailable() throws Exception {
        String prefix = "broker-outage-" + UUID.randomUUID().toString().substring(0, 8);
        ChaosRun run = new ChaosRun(prefix, 157, "it-broker-outage", 60, 0.2, 7);
        try (BrokerProcess broker = BrokerProcess.start();
             KafkaTestClient kafka = KafkaTestClient.forTopics(broker.bootstrap(), prefix + ".commands",
                     prefix + ".results", prefix + ".commands.DLT");
             FlinkTestClient flink = FlinkTestClient.session();
             WorkerProcess worker = WorkerProcess.start(SubmitWorkerApplication.class.getName(), prefix + "-worker",
                     WorkerProcess.properties(prefix, broker.bootstrap()), List.of())) {
            run.commands().forEach(kafka::sendCommand);
            int distinct = run.distinctRequestIds().size();
            await().atMost(Duration.ofMinutes(2)).until(() -> run.answered(kafka) >= distinct / 4);

            broker.freeze();
            // the worker waits for the broker, it does not die; that it did not give up either (no command answered
            // as failed or dead-lettered for the outage) is checked with the answers below. (Answers are not counted
            // during the freeze: the test's own consumer may still hand over a fetch it received just before it.)
            await().during(Duration.ofSeconds(20)).atMost(Duration.ofSeconds(25)).until(worker::isAlive);
            broker.thaw();

            await().atMost(Duration.ofMinutes(3)).until(() -> run.allAnswered(kafka));
            assertThat(worker.isAlive()).isTrue();
            List<String> violations = new java.util.ArrayList<>(run.violations(kafka, flink));
            // nothing answered twice: one first answer per requestId, every other one flagged as a duplicate
            kafka.allEnvelopes().forEach((requestId, answers) -> {
                long firsts = answers.stream().filter(answer -> !answer.get("duplicate").asBoolean()).count();
                if (firsts != 1) {
                    violations.add(requestId + " got " + firsts + " first answers");
                }
            });
            System.out.println(run.summary("broker-outage", kafka, flink, 0, violations));
            assertThat(violations).isEmpty();
        }
    }
}
