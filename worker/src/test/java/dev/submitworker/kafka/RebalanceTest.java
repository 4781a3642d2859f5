package dev.submitworker.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.submitworker.app.SubmitWorkerApplication;
import dev.submitworker.testing.ChaosRun;
import dev.submitworker.testing.FlinkTestClient;
import dev.submitworker.testing.KafkaTestClient;
import dev.submitworker.testing.WorkerProcess;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Two worker instances in one consumer group; one leaves mid-stream and the other takes its partitions over. */
class RebalanceTest {

    @Test
    void exactlyOnceHoldsWhenAnInstanceLeavesMidStream() throws Exception {
        String prefix = "rebalance-" + UUID.randomUUID().toString().substring(0, 8);
        ChaosRun run = new ChaosRun(prefix, 109, "it-rebalance", 200, 0.2, 42);
        Map<String, String> properties = WorkerProcess.properties(prefix);

        try (KafkaTestClient kafka = KafkaTestClient.forTopics(prefix + ".commands", prefix + ".results",
                prefix + ".commands.DLT");
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

            List<String> violations = run.violations(kafka, flink);
            System.out.println(run.summary("rebalance", kafka, flink, 0, violations));
            assertThat(violations).isEmpty();
        }
    }
}
