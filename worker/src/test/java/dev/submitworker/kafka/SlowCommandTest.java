package dev.submitworker.kafka;

import static dev.submitworker.testing.KafkaTestClient.partitionOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.submitworker.core.RequestId;
import dev.submitworker.testing.FlinkTestClient;
import dev.submitworker.testing.KafkaTestClient;
import dev.submitworker.testing.TestJars;
import dev.submitworker.testing.WorkerTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A command whose compile takes longer than a round may hold ({@code worker.batch.max-hold}, 2 s): task 180, a jar
 * program whose main sleeps 8 s before it builds its pipeline. It shares a poll (one producer transaction, one
 * partition) with quick commands; they must not wait for it, nor must the commands read after it, and it must still
 * be answered once, with its one job.
 */
@WorkerTest
class SlowCommandTest {

    private static final KafkaTestClient kafka = KafkaTestClient.shared();
    private static final FlinkTestClient flink = FlinkTestClient.shared();

    @BeforeAll
    static void buildJar() throws IOException {
        TestJars.slowJobsJar(Files.createDirectories(Path.of("target", "test-jars")));
    }

    @Test
    void aCommandWhoseCompileOutlastsTheRoundHoldsBackNoOtherCommandOfItsPartition() throws Exception {
        String slow = KafkaTestClient.newRequestId("slow-compile");
        int partition = partitionOf(slow);
        String unknown = KafkaTestClient.newRequestId("slow-neighbour-unknown", partition);
        String bounded = KafkaTestClient.newRequestId("slow-neighbour-bounded", partition);
        kafka.sendInOneBatch(partition, List.of(command(slow, 180), command(unknown, 999999), command(bounded, 101)));

        // the commands beside it are answered by the round that hands it off...
        await().atMost(Duration.ofSeconds(60)).until(() -> answered(unknown) && answered(bounded));
        // ...and a command read after that round is answered while the program is still asleep
        String after = KafkaTestClient.newRequestId("slow-after", partition);
        kafka.sendCommand(after, 101, null, null);
        JsonNode slowAnswer = kafka.awaitEnvelope(slow);

        List<String> arrivals = kafka.arrivals();
        assertThat(arrivals.indexOf(slow)).as("the slow command's answer comes after the others'")
                .isGreaterThan(arrivals.indexOf(unknown))
                .isGreaterThan(arrivals.indexOf(bounded))
                .isGreaterThan(arrivals.indexOf(after));
        JsonNode unknownAnswer = kafka.envelopes(unknown).get(0);
        assertThat(unknownAnswer.get("code").asInt()).as(unknownAnswer.toPrettyString()).isEqualTo(1);
        assertThat(unknownAnswer.get("msg").asText()).contains("999999");
        assertThat(slowAnswer.get("code").asInt()).as(slowAnswer.toPrettyString()).isZero();
        assertThat(slowAnswer.at("/data/jobId").asText()).isEqualTo(new RequestId(slow).jobId());

        String slowJob = flink.awaitFinished(slowAnswer);
        assertThat(flink.jobName(slowJob)).isEqualTo("it-slow-jar");
        flink.awaitFinished(kafka.envelopes(bounded).get(0));
        flink.awaitFinished(kafka.envelopes(after).get(0));
        assertThat(flink.hasJob(new RequestId(unknown).jobId())).isFalse();

        // one answer each, and no late second one
        List<String> all = List.of(slow, unknown, bounded, after);
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                .until(() -> all.stream().allMatch(id -> kafka.envelopes(id).size() == 1));
        assertThat(all).allSatisfy(id -> assertThat(kafka.envelopes(id).get(0).get("duplicate").asBoolean())
                .isFalse());
    }

    private static boolean answered(String requestId) {
        return !kafka.envelopes(requestId).isEmpty();
    }

    private static Map.Entry<String, byte[]> command(String requestId, int taskId) {
        return Map.entry(requestId, ("{\"requestId\":\"" + requestId + "\",\"id\":" + taskId + "}")
                .getBytes(StandardCharsets.UTF_8));
    }
}
