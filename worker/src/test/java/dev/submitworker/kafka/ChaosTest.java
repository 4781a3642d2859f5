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
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The worker as an OS process, killed with SIGKILL at random moments while it works through a stream of commands
 * with duplicates, and restarted each time. Scale: {@code -Dchaos.commands} (default 200) and {@code -Dchaos.kills}
 * (default 3); {@code make chaos} runs it larger.
 */
class ChaosTest {

    @Test
    void exactlyOnceHoldsAcrossRandomKills() throws Exception {
        int count = Integer.getInteger("chaos.commands", 200);
        int kills = Integer.getInteger("chaos.kills", 3);
        long seed = Long.getLong("chaos.seed", System.nanoTime());
        Random random = new Random(seed);
        String prefix = "chaos-" + UUID.randomUUID().toString().substring(0, 8);
        ChaosRun run = new ChaosRun(prefix, 108, "it-chaos", count, 0.2, seed);
        Map<String, String> properties = WorkerProcess.properties(prefix);

        try (KafkaTestClient kafka = KafkaTestClient.forTopics(prefix + ".commands", prefix + ".results",
                prefix + ".commands.DLT");
             FlinkTestClient flink = FlinkTestClient.session()) {
            WorkerProcess worker = WorkerProcess.start(SubmitWorkerApplication.class.getName(), prefix + "-worker",
                    properties, List.of());
            run.commands().forEach(kafka::sendCommand);
            int distinct = run.distinctRequestIds().size();
            for (int kill = 1; kill <= kills; kill++) {
                // kill once the worker has made a random amount of progress, so every life does some work
                int target = Math.min(distinct - 1, run.answered(kafka) + 5 + random.nextInt(Math.max(1, distinct / (kills + 1))));
                await().atMost(Duration.ofMinutes(3)).until(() -> run.answered(kafka) >= target);
                worker.kill();
                worker = WorkerProcess.start(SubmitWorkerApplication.class.getName(), prefix + "-worker", properties,
                        List.of());
            }
            try (WorkerProcess last = worker) {
                await().atMost(Duration.ofMinutes(5)).until(() -> run.allAnswered(kafka));
                last.stop();
            }
            List<String> violations = run.violations(kafka, flink);
            System.out.println(run.summary("chaos", kafka, flink, kills, violations) + " seed=" + seed);
            assertThat(violations).isEmpty();
        }
    }
}
