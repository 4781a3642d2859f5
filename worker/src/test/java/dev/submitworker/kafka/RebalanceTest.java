package dev.submitworker.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.submitworker.app.SubmitWorkerApplication;
import dev.submitworker.testing.ChaosRun;
import dev.submitworker.testing.FlinkTestClient;
import dev.submitworker.testing.KafkaTestClient;
import dev.submitworker.testing.StatusChecks;
import dev.submitworker.testing.WorkerProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Two worker instances in one consumer group; one leaves mid-stream and the other takes its partitions over, and with
 * them the following of their jobs: each job followed by one owner at a time, so one terminal event each, sequences
 * 1, 2, 3 ... per request, no sequence carrying two contents.
 */
class RebalanceTest {

    @Test
    void exactlyOnceHoldsWhenAnInstanceLeavesMidStream() throws Exception {
        String prefix = "rebalance-" + UUID.randomUUID().toString().substring(0, 8);
        ChaosRun run = new ChaosRun(prefix, 109, "it-rebalance", 200, 0.2, 42);
        Map<String, String> properties = WorkerProcess.properties(prefix);

        try (KafkaTestClient kafka = KafkaTestClient.withStatus(prefix + ".commands", prefix + ".results",
                prefix + ".commands.DLT", prefix + ".status");
             FlinkTestClient flink = FlinkTestClient.session();
             WorkerProcess first = WorkerProcess.start(SubmitWorkerApplication.class.getName(), prefix + "-a",
                     properties, List.of());
             WorkerProcess second = WorkerProcess.start(SubmitWorkerApplication.class.getName(), prefix + "-b",
                     properties, List.of())) {
            run.commands().forEach(kafka::sendCommand);
            int distinct = run.distinctRequestIds().size();
            await().atMost(Duration.ofMinutes(3)).until(() -> run.answered(kafka) >= distinct / 3);
            first.stop();
            await().atMost(Duration.ofMinutes(5)).until(() -> run.allAnswered(kafka));
            await().atMost(Duration.ofMinutes(1)).until(() ->
                    StatusChecks.ended(kafka.allStatusEvents(), run.distinctRequestIds()) == distinct);

            List<String> violations = new ArrayList<>(run.violations(kafka, flink));
            violations.addAll(StatusChecks.violations(kafka.allStatusEvents(), run.distinctRequestIds()));
            System.out.println(run.summary("rebalance", kafka, flink, 0, violations,
                    Map.of("terminal", StatusChecks.ended(kafka.allStatusEvents(), run.distinctRequestIds()))));
            assertThat(violations).isEmpty();
        }
    }
}
