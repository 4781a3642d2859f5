package dev.submitworker;

import static dev.submitworker.testing.KafkaTestClient.partitionOf;
import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Task code that fails as no Java code should, while the worker builds its job: an {@link Error} from a function's
 * static initializer, a program's {@code System.exit}. Each is its own command's failure (code 1, named in the
 * answer), never the worker's: the worker is this test JVM, and it goes on answering.
 */
@WorkerTest
class TaskCodeFailuresEndToEndTest {

    private static final KafkaTestClient kafka = KafkaTestClient.shared();
    private static final FlinkTestClient flink = FlinkTestClient.shared();
    private static Path faultyJar;

    @BeforeAll
    static void buildJar() throws IOException {
        // task 183 expects it at target/test-jars/faulty.jar
        faultyJar = TestJars.faultyJar(Files.createDirectories(Path.of("target", "test-jars"))).toAbsolutePath();
    }

    @Test
    void aFunctionWhoseStaticInitializerThrowsFailsItsCommandAndTheNextCommandOfThePartitionRuns() {
        String broken = KafkaTestClient.newRequestId("udf-broken-init");
        int partition = partitionOf(broken);
        String next = KafkaTestClient.newRequestId("after-udf-broken-init", partition);
        // one poll: the next command shares the round of the failing one
        kafka.sendInOneBatch(partition, List.of(
                record(broken, "{\"requestId\":\"" + broken + "\",\"id\":182,\"variables\":{\"udfJar\":\""
                        + faultyJar + "\"}}"),
                record(next, "{\"requestId\":\"" + next + "\",\"id\":101}")));

        JsonNode failed = kafka.awaitEnvelope(broken);
        assertThat(failed.get("code").asInt()).as(failed.toPrettyString()).isEqualTo(1);
        assertThat(failed.get("msg").asText()).contains("182").contains("could not be compiled");
        assertThat(failed.at("/data/error").asText())
                .isEqualTo("java.lang.ExceptionInInitializerError: UDF's static init says no");
        flink.awaitFinished(kafka.awaitEnvelope(next));
        assertThat(jobOf(broken)).isFalse();
    }

    @Test
    void aJarProgramCallingSystemExitFailsItsCommandAndTheWorkerAnswersOn() {
        String exiting = KafkaTestClient.newRequestId("jar-exit");
        JsonNode failed = kafka.submit(exiting, 183, null, null);

        assertThat(failed.get("code").asInt()).as(failed.toPrettyString()).isEqualTo(1);
        assertThat(failed.get("msg").asText()).contains("183").contains("could not be compiled");
        assertThat(failed.at("/data/error").asText())
                .isEqualTo("the task's code called System.exit(3) while its job was being built");
        assertThat(jobOf(exiting)).isFalse();

        // the JVM that ran the program's main is this one: still here, and its worker still answers
        flink.awaitFinished(kafka.submit(KafkaTestClient.newRequestId("after-jar-exit"), 101, null, null));
    }

    private static boolean jobOf(String requestId) {
        try {
            return flink.hasJob(new RequestId(requestId).jobId());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map.Entry<String, byte[]> record(String key, String json) {
        return Map.entry(key, json.getBytes(StandardCharsets.UTF_8));
    }
}
