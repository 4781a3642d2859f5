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
import java.io.IOException;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A ledger far larger than the heap the worker gets: 200,000 answers of sample task 1 (some 450 MB on the topic; held
 * on the heap they took about 700 MB), restored by a worker process limited to 256 MB of heap, which then answers
 * duplicates of old and new requests with their first answers. Then the same worker killed and restarted on its
 * local store replays only the ledger's tail.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LedgerScaleTest {

    private static final int ENTRIES = Integer.getInteger("ledger.entries", 200_000);
    private static final int PARTITIONS = 4;
    private static final Pattern RESTORED = Pattern.compile(
            "Ledger partition (\\d+) restored: about (\\d+) entries, (\\d+) records read from offset");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String prefix = "ledger-scale-" + UUID.randomUUID().toString().substring(0, 8);
    private static final Instant ANSWERED = Instant.now().minus(Duration.ofDays(1));
    private static final LedgerFiller filler = new LedgerFiller();
    private static Map<String, String> properties;
    private static Path stores;

    @BeforeAll
    static void fillTheLedger() throws Exception {
        stores = Files.createTempDirectory("ledger-scale-stores-");
        properties = new HashMap<>(WorkerProcess.properties(prefix));
        properties.put("worker.ledger.store.dir", stores.toString());
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                SharedInfrastructure.kafkaBootstrap()))) {
            new Topics(prefix + ".commands", prefix + ".results", prefix + ".commands.DLT", prefix + ".ledger",
                    prefix + ".status", PARTITIONS, Optional.empty()).provision(admin, Duration.ofDays(7));
        }
        filler.fill(SharedInfrastructure.kafkaBootstrap(), prefix + ".ledger", PARTITIONS, prefix, ENTRIES, ANSWERED);
    }

    private static KafkaTestClient client() {
        return KafkaTestClient.forTopics(prefix + ".commands", prefix + ".results", prefix + ".commands.DLT");
    }

    private static WorkerProcess worker() {
        return WorkerProcess.start(SubmitWorkerApplication.class.getName(), prefix + "-worker", properties,
                List.of("-Xmx256m"));
    }

    /** Sends a duplicate of an old request and checks it gets that request's first answer, flagged. */
    private static void answersItsDuplicate(KafkaTestClient kafka, String requestId) throws IOException {
        int before = kafka.envelopes(requestId).size();
        kafka.sendCommand(requestId, 1, null, null);
        await().atMost(Duration.ofMinutes(3)).until(() -> kafka.envelopes(requestId).size() > before);
        JsonNode expected = JSON.readTree(Envelopes.asDuplicate(filler.done(requestId, ANSWERED).answer().content()));
        assertThat(kafka.envelopes(requestId).get(before)).isEqualTo(expected);
    }

    /** Records each partition's restore read, from the worker's own log line, once all four are restored. */
    private static Map<Integer, Long> recordsRead(WorkerProcess worker) {
        Map<Integer, Long> read = new HashMap<>();
        await().atMost(Duration.ofMinutes(3)).until(() -> {
            read.clear();
            try (Stream<String> lines = Files.lines(worker.log(), StandardCharsets.UTF_8)) {
                lines.forEach(line -> {
                    Matcher matcher = RESTORED.matcher(line);
                    if (matcher.find()) {
                        read.put(Integer.parseInt(matcher.group(1)), Long.parseLong(matcher.group(3)));
                    }
                });
            }
            return read.size() == PARTITIONS;
        });
        return read;
    }

    @Test
    @Order(1)
    void aNewOwnerWithLittleHeapRestoresTheLedgerAndAnswersDuplicatesOfOldAndNewRequests() throws Exception {
        try (KafkaTestClient kafka = client(); WorkerProcess worker = worker()) {
            answersItsDuplicate(kafka, prefix + "-0");
            answersItsDuplicate(kafka, prefix + "-" + (ENTRIES - 1));
            assertThat(recordsRead(worker).values().stream().mapToLong(Long::longValue).sum()).isEqualTo(ENTRIES);

            String recent = prefix + "-recent";
            kafka.sendCommand(recent, 101, null, null);
            JsonNode first = kafka.awaitEnvelope(recent);
            assertThat(first.get("code").asInt()).as(first.toPrettyString()).isZero();
            kafka.sendCommand(recent, 101, null, null);
            await().atMost(Duration.ofMinutes(1)).until(() -> kafka.envelopes(recent).size() == 2);
            assertThat(kafka.envelopes(recent).get(1).get("duplicate").asBoolean()).isTrue();
            assertThat(kafka.envelopes(recent).get(1).get("time")).isEqualTo(first.get("time"));
            assertThat(worker.isAlive()).isTrue();
            worker.kill();
        }
    }

    @Test
    @Order(2)
    void restartedOnItsLocalStoreItReplaysOnlyTheLedgersTail() throws Exception {
        try (KafkaTestClient kafka = client(); WorkerProcess worker = worker()) {
            answersItsDuplicate(kafka, prefix + "-1");
            Map<Integer, Long> read = recordsRead(worker);
            // the tail: what the first life wrote (its answers) and nothing of the 200,000 before it
            assertThat(read.values().stream().mapToLong(Long::longValue).sum()).isLessThan(100);
            worker.kill();
        }
    }
}
