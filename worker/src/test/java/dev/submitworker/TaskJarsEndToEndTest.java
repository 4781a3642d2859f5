package dev.submitworker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.submitworker.core.RequestId;
import dev.submitworker.testing.FlinkTestClient;
import dev.submitworker.testing.KafkaTestClient;
import dev.submitworker.testing.TestJars;
import dev.submitworker.testing.WorkerTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * On the real worker: code from jars. Functions registered from a jar by the script, jar tasks and
 * {@code EXECUTE JAR}. The jars are compiled by the test and their classes are on no class path of this JVM, so a job
 * can only finish if its jar travelled with it to the cluster.
 */
@WorkerTest
class TaskJarsEndToEndTest {

    private static final String UDF_CLASS = "testudfs.Twice";
    private static final String UDF_SOURCE = """
            package testudfs;

            import org.apache.flink.table.functions.ScalarFunction;

            public class Twice extends ScalarFunction {
                public Long eval(Long x) {
                    return x == null ? null : x * 2;
                }
            }
            """;
    /** Where task 126 expects the program jar (relative to the worker's working directory, the project's). */
    private static final Path JOBS_JAR_DIRECTORY = Path.of("target", "test-jars");

    private static final KafkaTestClient kafka = KafkaTestClient.shared();
    private static final FlinkTestClient flink = FlinkTestClient.shared();
    private static Path udfJar;
    private static Path jobsJar;

    @BeforeAll
    static void buildJars() throws IOException {
        Files.createDirectories(JOBS_JAR_DIRECTORY);
        jobsJar = TestJars.jobsJar(JOBS_JAR_DIRECTORY).toAbsolutePath();
        udfJar = TestJars.jar(JOBS_JAR_DIRECTORY, "udf-twice.jar", Map.of(UDF_CLASS, UDF_SOURCE), List.of())
                .toAbsolutePath();
    }



    private static JsonNode submit(String requestId, int taskId, Map<String, String> variables) {
        return kafka.submit(requestId, taskId, variables, null);
    }


    @Test
    void theFunctionClassIsOnNoClassPathOfThisJvm() {
        assertThatThrownBy(() -> Class.forName(UDF_CLASS)).isInstanceOf(ClassNotFoundException.class);
        assertThatThrownBy(() -> Class.forName(TestJars.DOUBLING_JOB)).isInstanceOf(ClassNotFoundException.class);
    }

    // 4. Functions from jars

    @Test
    void aFunctionCreatedUsingJarRunsOnTheCluster() {
        flink.awaitFinished(submit(KafkaTestClient.newRequestId("udf-using-jar"), 120,
                Map.of("udfJar", udfJar.toString())));
    }

    @Test
    void aFunctionFromAnAddedJarRunsOnTheCluster() {
        flink.awaitFinished(submit(KafkaTestClient.newRequestId("udf-add-jar"), 121,
                Map.of("udfJar", udfJar.toUri().toString())));
    }

    // 7. Jar tasks

    @Test
    void aJarTaskRunsTheProgramWithTheTasksParallelismAndName() throws Exception {
        String jobId = flink.awaitFinished(submit(KafkaTestClient.newRequestId("jar-task"), 126, null));

        assertThat(flink.vertexParallelisms(jobId)).isNotEmpty().containsOnly(2);
        assertThat(flink.jobName(jobId)).isEqualTo("it-jar");
    }

    @Test
    void executeJarInASqlTaskRunsTheProgramWithTheStatementsArgumentsAndParallelism() throws Exception {
        JsonNode envelope = submit(KafkaTestClient.newRequestId("execute-jar"), 127, Map.of("appJar", jobsJar.toString()));
        String jobId = flink.awaitFinished(envelope);

        assertThat(flink.vertexParallelisms(jobId)).isNotEmpty().containsOnly(3);
        assertThat(flink.jobName(jobId)).isEqualTo("execute-jar-args"); // the program's execute(args[0])
        // the SET before EXECUTE JAR reached the program
        assertThat(flink.details(jobId).getJobVertexInfos()).extracting(vertex -> vertex.getMaxParallelism())
                .containsOnly(64);
    }

    @Test
    void executeJarNamingASavepointThatDoesNotExistIsRefusedBeforeSubmitting() throws Exception {
        String requestId = KafkaTestClient.newRequestId("execute-jar-missing-savepoint");
        JsonNode envelope = submit(requestId, 128, Map.of("appJar", jobsJar.toString()));

        assertThat(envelope.get("code").asInt()).as(envelope.toPrettyString()).isEqualTo(1);
        assertThat(envelope.at("/data/error").asText()).contains("savepoint-that-never-was").contains("does not exist");
        assertThat(flink.hasJob(new RequestId(requestId).jobId())).isFalse();
    }
}
