package dev.submitworker.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.submitworker.app.SubmitWorkerApplication;
import dev.submitworker.dinky.Envelopes;
import dev.submitworker.testing.KafkaTestClient;
import dev.submitworker.testing.SharedInfrastructure;
import dev.submitworker.testing.WorkerProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;

/** A worker whose local ledger store is corrupt rebuilds it from the ledger topic and answers as before. */
class LedgerStoreRecoveryTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aCorruptStoreIsRebuiltFromTheTopic() throws Exception {
        String prefix = "ledger-recovery-" + UUID.randomUUID().toString().substring(0, 8);
        Path stores = Files.createTempDirectory("ledger-recovery-stores-");
        Map<String, String> properties = new HashMap<>(WorkerProcess.properties(prefix));
        properties.put("worker.ledger.store.dir", stores.toString());
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                SharedInfrastructure.kafkaBootstrap()))) {
            new Topics(prefix + ".commands", prefix + ".results", prefix + ".commands.DLT", prefix + ".ledger",
                    prefix + ".status", 4,                    Optional.empty()).provision(admin, Duration.ofDays(7));
        }
        LedgerFiller filler = new LedgerFiller();
        Instant answered = Instant.now().minusSeconds(60);
        filler.fill(SharedInfrastructure.kafkaBootstrap(), prefix + ".ledger", 4, prefix, 2_000, answered);

        try (KafkaTestClient kafka = KafkaTestClient.forTopics(prefix + ".commands", prefix + ".results",
                prefix + ".commands.DLT")) {
            try (WorkerProcess first = WorkerProcess.start(SubmitWorkerApplication.class.getName(),
                    prefix + "-worker", properties, List.of())) {
                answersItsDuplicate(kafka, filler, prefix + "-1", answered);
                first.kill();
            }
            try (Stream<Path> files = Files.walk(stores)) {
                for (Path file : files.filter(f -> f.getFileName().toString().matches("CURRENT|.*\\.sst|.*\\.log"))
                        .toList()) {
                    Files.write(file, "not a table".getBytes(StandardCharsets.UTF_8));
                }
            }
            try (WorkerProcess second = WorkerProcess.start(SubmitWorkerApplication.class.getName(),
                    prefix + "-worker", properties, List.of())) {
                answersItsDuplicate(kafka, filler, prefix + "-2", answered);
                answersItsDuplicate(kafka, filler, prefix + "-1999", answered);
                assertThat(Files.readString(second.log())).contains("it is rebuilt from the ledger topic");
            }
        }
    }

    private static void answersItsDuplicate(KafkaTestClient kafka, LedgerFiller filler, String requestId,
                                            Instant answered) throws Exception {
        int before = kafka.envelopes(requestId).size();
        kafka.sendCommand(requestId, 1, null, null);
        await().atMost(Duration.ofMinutes(2)).until(() -> kafka.envelopes(requestId).size() > before);
        JsonNode expected = JSON.readTree(Envelopes.asDuplicate(filler.done(requestId, answered).answer().content()));
        assertThat(kafka.envelopes(requestId).get(before)).isEqualTo(expected);
    }
}
