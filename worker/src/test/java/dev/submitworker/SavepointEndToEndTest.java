package dev.submitworker;

import dev.submitworker.app.WorkerProperties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.submitworker.core.RequestId;
import dev.submitworker.compile.SavepointLocator;
import dev.submitworker.core.Task;
import dev.submitworker.core.port.TaskCatalog;
import dev.submitworker.testing.FlinkTestClient;
import dev.submitworker.testing.KafkaTestClient;
import dev.submitworker.testing.SavepointFiles;
import dev.submitworker.testing.WorkerTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.flink.runtime.rest.messages.checkpoints.CheckpointingStatistics.RestoredCheckpointStatistics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * On the real worker: savepoint strategies. Savepoints are taken on the cluster by stop-with-savepoint, and
 * that a job restored from one is read from the cluster's checkpoint statistics, not from the answer alone.
 * Tasks 123-125 run the same stateful SQL (a count per key), so a savepoint of one restores into the others.
 */
@WorkerTest
class SavepointEndToEndTest {

    /** Task 124's savePointPath (CUSTOM): a fixed path, since task files are static. */
    private static final Path CUSTOM_SAVEPOINT = Path.of("/tmp/submit-worker-it-savepoint-124");

    private static final KafkaTestClient kafka = KafkaTestClient.shared();
    private static final FlinkTestClient flink = FlinkTestClient.shared();

    @Autowired
    private WorkerProperties properties;
    @Autowired
    private TaskCatalog catalog;

    @TempDir
    Path savepoints;

    private final List<String> startedJobs = new ArrayList<>();



    /** Streaming jobs hold slots until they end. */
    @AfterEach
    void cancelStartedJobs() throws Exception {
        flink.cancelUnended(startedJobs);
    }

    private static JsonNode submit(String requestId, int taskId, String savePointPath) {
        return kafka.submit(requestId, taskId, null, savePointPath);
    }

    /** A successful answer's job, once all its tasks run (a savepoint can be taken only then). */
    private String runningJob(JsonNode envelope) {
        assertThat(envelope.get("code").asInt()).as(envelope.toPrettyString()).isZero();
        String jobId = envelope.at("/data/jobId").asText();
        startedJobs.add(jobId);
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> flink.allTasksRunning(jobId));
        return jobId;
    }

    private static RestoredCheckpointStatistics awaitRestore(String jobId) {
        return await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .until(() -> flink.restoredFrom(jobId).orElse(null), restored -> restored != null);
    }

    private static String localPath(String path) {
        return SavepointFiles.localPath(path);
    }

    private static void assertRestoredFrom(String jobId, String savepoint) {
        RestoredCheckpointStatistics restored = awaitRestore(jobId);
        assertThat(restored.isSavepoint()).isTrue();
        assertThat(localPath(restored.getExternalPath())).isEqualTo(localPath(savepoint));
    }

    @Test
    void latestStartsWithoutStateWhileTheTaskHasNoSavepointThenRestoresItsNewest() throws Exception {
        Task task = catalog.find(123).orElseThrow();
        String directory = SavepointLocator.taskDirectory(properties.savepoints().dir(), task);

        JsonNode first = submit(KafkaTestClient.newRequestId("latest-none"), 123, null);
        String firstJob = runningJob(first);
        assertThat(first.get("msg").asText()).contains("no savepoint found in " + directory)
                .contains("the job starts without state");
        assertThat(first.at("/data/jobConfig/savePointPath").isNull()).isTrue();
        assertThat(flink.restoredFrom(firstJob)).isEmpty();
        String older = flink.stopWithSavepoint(firstJob, directory);

        JsonNode second = submit(KafkaTestClient.newRequestId("latest-older"), 123, null);
        String secondJob = runningJob(second);
        assertThat(second.get("msg").asText()).doesNotContain("no savepoint found");
        assertThat(localPath(second.at("/data/jobConfig/savePointPath").asText())).isEqualTo(localPath(older));
        assertRestoredFrom(secondJob, older);
        String newer = flink.stopWithSavepoint(secondJob, directory);

        JsonNode third = submit(KafkaTestClient.newRequestId("latest-newer"), 123, null);
        String thirdJob = runningJob(third);
        assertThat(localPath(third.at("/data/jobConfig/savePointPath").asText())).isEqualTo(localPath(newer));
        assertRestoredFrom(thirdJob, newer);
    }

    @Test
    void theCommandsSavepointPathAndACustomStrategysPathAreRestoredFrom() throws Exception {
        // a savepoint of task 125 (strategy NONE), outside any task's savepoint directory
        String sourceJob = runningJob(submit(KafkaTestClient.newRequestId("savepoint-source"), 125, null));
        String savepoint = flink.stopWithSavepoint(sourceJob, savepoints.toUri().toString());

        // the command's path wins over the task's strategy
        JsonNode fromCommand = submit(KafkaTestClient.newRequestId("savepoint-command"), 125, savepoint);
        String commandJob = runningJob(fromCommand);
        assertThat(fromCommand.at("/data/jobConfig/savePointPath").asText()).isEqualTo(savepoint);
        assertRestoredFrom(commandJob, savepoint);

        // CUSTOM restores from the task's savePointPath, where a copy of the savepoint is put
        copyDirectory(Paths.get(new org.apache.flink.core.fs.Path(savepoint).toUri()), CUSTOM_SAVEPOINT);
        JsonNode custom = submit(KafkaTestClient.newRequestId("savepoint-custom"), 124, null);
        String customJob = runningJob(custom);
        assertThat(localPath(custom.at("/data/jobConfig/savePointPath").asText()))
                .isEqualTo(CUSTOM_SAVEPOINT.toString());
        assertRestoredFrom(customJob, CUSTOM_SAVEPOINT.toString());
    }

    @Test
    void aCommandsSavepointPathThatDoesNotExistIsRefusedAndNoJobIsSubmitted() throws Exception {
        String requestId = KafkaTestClient.newRequestId("savepoint-missing");
        String missing = savepoints.resolve("savepoint-that-never-was").toUri().toString();
        JsonNode envelope = submit(requestId, 125, missing);

        assertThat(envelope.get("code").asInt()).as(envelope.toPrettyString()).isEqualTo(6);
        assertThat(envelope.at("/data/error").asText()).contains("does not exist").contains("savepoint-that-never-was");
        assertThat(flink.hasJob(new RequestId(requestId).jobId())).isFalse();
    }

    private static void copyDirectory(Path from, Path to) throws IOException {
        if (Files.exists(to)) {
            try (Stream<Path> old = Files.walk(to)) {
                for (Path file : (Iterable<Path>) old.sorted(Comparator.reverseOrder())::iterator) {
                    Files.delete(file);
                }
            }
        }
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Files.copy(file, to.resolve(from.relativize(file).toString()));
            }
        }
    }
}
