package dev.submitworker.dinky;

import dev.submitworker.kafka.CommandConsumers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.submitworker.testing.HostileRecords;
import dev.submitworker.testing.KafkaTestClient;
import dev.submitworker.testing.SharedInfrastructure;
import dev.submitworker.testing.WorkerGroup;
import dev.submitworker.testing.WorkerTest;
import dev.submitworker.testing.WorkerTestInitializer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Thousands of malformed and adversarial records ({@link HostileRecords}) interleaved with valid commands, on the
 * shared worker: every valid command is answered with success, every bad record is dead-lettered or answered with a
 * failure, the consumers still run and the consumer group's lag on the commands topic returns to 0. Scale with
 * {@code -Dfuzz.records} (default 10,000; {@code make fuzz} runs 100,000), reproduce with {@code -Dfuzz.seed}.
 */
@WorkerTest
class FuzzTest {

    private static final KafkaTestClient kafka = KafkaTestClient.shared();

    @Autowired
    private CommandConsumers consumers;

    @Test
    void badRecordsAreDeadLetteredOrRefusedAndValidCommandsStillSucceed() throws Exception {
        int badCount = Integer.getInteger("fuzz.records", 10_000);
        long seed = Long.getLong("fuzz.seed", System.nanoTime());
        int validCount = Math.max(100, badCount / 100);
        String run = "fuzz-" + Long.toHexString(seed & 0xffffff);
        System.out.printf("fuzz: seed=%d run=%s%n", seed, run);

        HostileRecords generator = new HostileRecords(seed);
        List<Map.Entry<String, byte[]>> records = new ArrayList<>();
        Set<String> bad = new HashSet<>();
        Set<String> valid = new HashSet<>();
        int validEvery = badCount / validCount;
        for (int i = 0; i < badCount; i++) {
            String key = run + "-" + i;
            bad.add(key);
            records.add(Map.entry(key, generator.next(key)));
            if (i % validEvery == 0 && valid.size() < validCount) {
                String requestId = run + "-ok-" + i;
                valid.add(requestId);
                records.add(Map.entry(requestId, ("{\"requestId\":\"" + requestId + "\",\"id\":140}")
                        .getBytes(StandardCharsets.UTF_8)));
            }
        }
        long start = System.nanoTime();
        kafka.sendAllRaw(records);

        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                SharedInfrastructure.kafkaBootstrap()))) {
            await().atMost(Duration.ofSeconds(120 + badCount / 50)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> lag(admin) == 0 && valid.stream().allMatch(id -> !kafka.envelopes(id).isEmpty()));
            long took = (System.nanoTime() - start) / 1_000_000;

            // answers and dead letters commit with the offsets, but may reach the collector a little later
            await().atMost(Duration.ofSeconds(30)).until(() -> covered(bad, kafka.deadLetters(), kafka.allEnvelopes()));
            Map<String, List<JsonNode>> envelopes = kafka.allEnvelopes();
            Set<String> deadLettered = kafka.deadLetters().stream().map(ConsumerRecord::key).filter(bad::contains)
                    .collect(Collectors.toSet());
            Set<String> refused = bad.stream().filter(envelopes::containsKey).collect(Collectors.toSet());
            long succeeded = valid.stream().filter(id -> envelopes(id).stream().allMatch(e -> e.get("code").asInt() == 0))
                    .count();
            long lagAfter = lag(admin);
            System.out.printf("fuzz: records=%d valid=%d succeeded=%d deadLettered=%d refused=%d lagAfter=%d%n",
                    records.size(), valid.size(), succeeded, deadLettered.size(), refused.size(), lagAfter);
            System.out.printf("fuzz: processed in %.1f s%n", took / 1000.0);

            assertThat(succeeded).isEqualTo(valid.size());
            for (String key : refused) {
                assertThat(envelopes.get(key)).as("answers to bad record %s", key)
                        .allMatch(envelope -> envelope.get("code").asInt() == 6);
            }
            assertThat(kafka.deadLetters().stream().filter(record -> bad.contains(record.key())).count())
                    .as("one dead letter per record at most").isEqualTo(deadLettered.size());
            Set<String> unaccounted = new HashSet<>(bad);
            unaccounted.removeAll(deadLettered);
            unaccounted.removeAll(refused);
            assertThat(unaccounted).as("bad records neither dead-lettered nor answered").isEmpty();
            assertThat(lagAfter).isZero();
            assertThat(consumers.running()).isTrue();
        }
    }

    private static List<JsonNode> envelopes(String requestId) {
        List<JsonNode> envelopes = kafka.envelopes(requestId);
        assertThat(envelopes).as("answers to %s", requestId).isNotEmpty();
        return envelopes;
    }

    private static boolean covered(Set<String> bad, List<ConsumerRecord<String, byte[]>> deadLetters,
                                   Map<String, List<JsonNode>> envelopes) {
        Set<String> open = new HashSet<>(bad);
        deadLetters.forEach(record -> open.remove(record.key()));
        open.removeAll(envelopes.keySet());
        return open.isEmpty();
    }

    /** The consumer group's lag on the commands topic: end offsets minus committed offsets, summed. */
    private static long lag(Admin admin) throws ExecutionException, InterruptedException {
        return WorkerGroup.lag(admin, "it-worker", WorkerTestInitializer.COMMANDS);
    }
}
