package dev.submitworker;

import static dev.submitworker.testing.KafkaTestClient.controlCommand;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.submitworker.app.WorkerProperties;
import dev.submitworker.compile.SavepointLocator;
import dev.submitworker.core.RequestId;
import dev.submitworker.core.port.TaskCatalog;
import dev.submitworker.testing.FlinkTestClient;
import dev.submitworker.testing.KafkaTestClient;
import dev.submitworker.testing.SavepointFiles;
import dev.submitworker.testing.WorkerTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.runtime.rest.messages.checkpoints.CheckpointingStatistics.RestoredCheckpointStatistics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * On the real worker and the shared MiniCluster: savepoint, stop and cancel commands on a streaming job with state
 * (task 125, a count per key over datagen), each sent three times: one effect on the cluster, one first answer, two
 * duplicates. The effect is checked on the cluster and on disk, not in the answers alone. An explain is checked
 * against the job a submit of the same task makes, and against the cluster's list of jobs.
 */
@WorkerTest
class ControlCommandsEndToEndTest {

    private static final KafkaTestClient kafka = KafkaTestClient.shared();
    private static final FlinkTestClient flink = FlinkTestClient.shared();
    private static final int TASK = 125;
    /** Task 125's job under a savepoint directory of its own, which a test makes unwritable. */
    private static final int UNWRITABLE_TASK = 129;

    @Autowired
    private WorkerProperties properties;
    @Autowired
    private TaskCatalog catalog;

    private final List<String> startedJobs = new ArrayList<>();

    @AfterEach
    void cancelStartedJobs() throws Exception {
        flink.cancelUnended(startedJobs);
    }

    /** Submits task 125 and returns its job once all its tasks run (a savepoint can be taken only then). */
    private String running(String requestId, String savePointPath) {
        return running(requestId, TASK, savePointPath);
    }

    private String running(String requestId, int task, String savePointPath) {
        JsonNode answer = kafka.submit(requestId, task, null, savePointPath);
        assertThat(answer.get("code").asInt()).as(answer.toPrettyString()).isZero();
        String jobId = answer.at("/data/jobId").asText();
        startedJobs.add(jobId);
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> flink.allTasksRunning(jobId));
        return jobId;
    }


    /**
     * Sends the command until it has been sent three times (counting those already answered) and returns its three
     * answers: the first, then two duplicates of it.
     */
    private static List<JsonNode> thrice(String requestId, String command) {
        for (int i = kafka.envelopes(requestId).size(); i < 3; i++) {
            kafka.sendCommand(command);
        }
        await().atMost(Duration.ofSeconds(90)).until(() -> kafka.envelopes(requestId).size() >= 3);
        List<JsonNode> answers = kafka.envelopes(requestId);
        assertThat(answers).hasSize(3);
        assertThat(answers).extracting(answer -> answer.get("duplicate").asBoolean()).containsExactly(false, true,
                true);
        for (JsonNode duplicate : answers.subList(1, 3)) {
            ObjectNode same = duplicate.deepCopy();
            same.put("duplicate", false);
            assertThat(same).isEqualTo(answers.get(0));
        }
        answers.forEach(answer -> kafka.awaitEnvelope(requestId)); // each checked against the schema
        return answers;
    }

    private String taskSavepointDirectory() {
        return taskSavepointDirectory(TASK);
    }

    private String taskSavepointDirectory(int task) {
        return SavepointLocator.taskDirectory(properties.savepoints().dir(), catalog.find(task).orElseThrow());
    }

    private int savepointsOnDisk() {
        return SavepointFiles.in(taskSavepointDirectory()).size();
    }

    private static String localPath(String path) {
        return SavepointFiles.localPath(path);
    }

    @Test
    void aSavepointThenAStopEachSentThreeTimesTakeOneSavepointEachAndTheStopsRestores() throws Exception {
        String target = KafkaTestClient.newRequestId("ctl-target");
        String job = running(target, null);
        int before = savepointsOnDisk();

        String savepoint = KafkaTestClient.newRequestId("ctl-savepoint");
        JsonNode taken = thrice(savepoint, controlCommand(savepoint, "savepoint", target)).get(0);
        assertThat(taken.get("code").asInt()).as(taken.toPrettyString()).isZero();
        assertThat(taken.get("taskId").asInt()).isEqualTo(TASK);
        assertThat(taken.at("/data/jobId").asText()).isEqualTo(job);
        assertThat(taken.at("/data/control/action").asText()).isEqualTo("savepoint");
        assertThat(taken.at("/data/control/target").asText()).isEqualTo(target);
        String savepointPath = taken.at("/data/control/savepointPath").asText();
        // in its trigger's directory, where a later attempt finds it should the cluster have forgotten the trigger
        assertThat(Path.of(localPath(savepointPath)).getParent()).isEqualTo(Path.of(localPath(taskSavepointDirectory()),
                "trigger-" + new RequestId(savepoint).triggerId()));
        assertThat(Path.of(localPath(savepointPath), SavepointLocator.METADATA_FILE)).exists();
        assertThat(savepointsOnDisk()).isEqualTo(before + 1);
        assertThat(flink.status(job)).isEqualTo(JobStatus.RUNNING);

        long start = System.nanoTime();
        String stop = KafkaTestClient.newRequestId("ctl-stop");
        kafka.sendCommand("{\"requestId\":\"" + stop + "\",\"action\":\"stop\",\"target\":\"" + target
                + "\",\"drain\":false}");
        JsonNode stopped = kafka.awaitEnvelope(stop);
        long stopMillis = (System.nanoTime() - start) / 1_000_000;
        System.out.println("control: a stop with savepoint took " + stopMillis + " ms from send to answer");
        JsonNode stoppedAgain = thrice(stop, controlCommand(stop, "stop", target).replace("}", ",\"drain\":false}"))
                .get(0);
        assertThat(stoppedAgain).isEqualTo(stopped);
        assertThat(stopped.get("code").asInt()).as(stopped.toPrettyString()).isZero();
        String stopPath = stopped.at("/data/control/savepointPath").asText();
        assertThat(stopPath).isNotEqualTo(savepointPath);
        assertThat(Path.of(localPath(stopPath), SavepointLocator.METADATA_FILE)).exists();
        assertThat(flink.awaitEnd(job)).isEqualTo(JobStatus.FINISHED);
        assertThat(savepointsOnDisk()).isEqualTo(before + 2);

        // the stop's savepoint holds the job's state: a new job restores from it
        String restored = running(KafkaTestClient.newRequestId("ctl-restored"), stopPath);
        RestoredCheckpointStatistics from = await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .until(() -> flink.restoredFrom(restored).orElse(null), statistics -> statistics != null);
        assertThat(from.isSavepoint()).isTrue();
        assertThat(localPath(from.getExternalPath())).isEqualTo(localPath(stopPath));
    }

    @Test
    void aRestartSentThreeTimesStopsTheJobOnceAndItsNewJobRestoresFromThatSavepoint() throws Exception {
        String target = KafkaTestClient.newRequestId("ctl-target");
        String job = running(target, null);
        int before = savepointsOnDisk();

        // in another partition than its target's, which checks it: the restart takes both steps through the topic
        String restart = KafkaTestClient.newRequestId("ctl-restart",
                (KafkaTestClient.partitionOf(target) + 1) % KafkaTestClient.PARTITIONS);
        // it names no task: it submits its target's
        JsonNode restarted = thrice(restart, controlCommand(restart, "restart", target)).get(0);

        assertThat(restarted.get("code").asInt()).as(restarted.toPrettyString()).isZero();
        String newJob = new RequestId(restart).jobId();
        assertThat(restarted.at("/data/jobId").asText()).isEqualTo(newJob);
        startedJobs.add(newJob);
        assertThat(restarted.at("/data/control/jobId").asText()).isEqualTo(job);
        String path = restarted.at("/data/control/savepointPath").asText();
        assertThat(restarted.at("/data/jobConfig/savePointPath").asText()).isEqualTo(path);
        assertThat(restarted.get("msg").asText()).startsWith("Restarted the job of request " + target + " from "
                + path + ": Task 125 (it-savepoint-none) submitted as job " + newJob);
        assertThat(flink.awaitEnd(job)).isEqualTo(JobStatus.FINISHED);
        assertThat(savepointsOnDisk()).isEqualTo(before + 1);
        RestoredCheckpointStatistics from = await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                .until(() -> flink.restoredFrom(newJob).orElse(null), statistics -> statistics != null);
        assertThat(localPath(from.getExternalPath())).isEqualTo(localPath(path));

        // the restarted job is the restart's: a control command finds it under the restart's requestId
        String cancel = KafkaTestClient.newRequestId("ctl-cancel-restarted");
        kafka.sendCommand(controlCommand(cancel, "cancel", restart));
        JsonNode cancelled = kafka.awaitEnvelope(cancel);
        assertThat(cancelled.get("code").asInt()).as(cancelled.toPrettyString()).isZero();
        assertThat(flink.awaitEnd(newJob)).isEqualTo(JobStatus.CANCELED);
    }

    @Test
    void aCancelSentThreeTimesCancelsTheJobOnce() throws Exception {
        String target = KafkaTestClient.newRequestId("ctl-target");
        String job = running(target, null);

        String cancel = KafkaTestClient.newRequestId("ctl-cancel");
        JsonNode cancelled = thrice(cancel, controlCommand(cancel, "cancel", target)).get(0);

        assertThat(cancelled.get("code").asInt()).as(cancelled.toPrettyString()).isZero();
        assertThat(cancelled.get("msg").asText()).isEqualTo("Job " + job + " (request " + target + ") cancelled");
        assertThat(cancelled.at("/data/control/savepointPath").isNull()).isTrue();
        assertThat(flink.awaitEnd(job)).isEqualTo(JobStatus.CANCELED);
    }

    @Test
    void whatCannotBeDoneIsRefusedSayingWhy() throws Exception {
        String unknown = KafkaTestClient.newRequestId("ctl-unknown");
        JsonNode noTarget = kafka.submit(unknown, 0, null, null);
        kafka.sendCommand(controlCommand(unknown + "-stop", "stop", unknown + "-nobody"));
        JsonNode unknownTarget = kafka.awaitEnvelope(unknown + "-stop");
        assertThat(unknownTarget.get("code").asInt()).isEqualTo(6);
        assertThat(unknownTarget.get("msg").asText()).startsWith("Unknown target: request '" + unknown
                + "-nobody' is not known");
        // the same requestId with a target whose partition is another: a different command, refused as such
        String elsewhere = KafkaTestClient.newRequestId("ctl-elsewhere",
                (KafkaTestClient.partitionOf(unknown + "-nobody") + 1) % KafkaTestClient.PARTITIONS);
        kafka.sendCommand(controlCommand(unknown + "-stop", "stop", elsewhere));
        await().atMost(Duration.ofSeconds(60)).until(() -> kafka.envelopes(unknown + "-stop").size() >= 2);
        JsonNode reused = kafka.envelopes(unknown + "-stop").get(1);
        assertThat(reused.get("code").asInt()).isEqualTo(6);
        assertThat(reused.get("msg").asText()).contains("was already used for a different command");
        kafka.sendCommand(controlCommand(unknown + "-restart", "restart", unknown + "-nobody"));
        JsonNode unknownRestart = kafka.awaitEnvelope(unknown + "-restart");
        assertThat(unknownRestart.get("code").asInt()).isEqualTo(6);
        assertThat(unknownRestart.get("msg").asText()).isEqualTo(unknownTarget.get("msg").asText());

        // task 0 is not in the catalog: its request did not submit a job
        assertThat(noTarget.get("code").asInt()).isEqualTo(1);
        String savepoint = KafkaTestClient.newRequestId("ctl-nojob");
        kafka.sendCommand(controlCommand(savepoint, "savepoint", unknown));
        JsonNode noJob = kafka.awaitEnvelope(savepoint);
        assertThat(noJob.get("code").asInt()).isEqualTo(1);
        assertThat(noJob.get("msg").asText()).isEqualTo("The target request '" + unknown + "' did not submit a "
                + "job: nothing to savepoint");

        // a job cancelled behind the worker's back has ended: a stop is refused naming its status
        String target = KafkaTestClient.newRequestId("ctl-ended");
        String job = running(target, null);
        flink.cancel(job);
        // once the worker has seen the end (Flink's job details lag its status by a few seconds)
        assertThat(kafka.awaitTerminal(target, Duration.ofSeconds(30))).last()
                .satisfies(event -> assertThat(event.get("status").asText()).isEqualTo("CANCELED"));
        String stop = KafkaTestClient.newRequestId("ctl-stop-ended");
        kafka.sendCommand(controlCommand(stop, "stop", target));
        JsonNode ended = kafka.awaitEnvelope(stop);
        assertThat(ended.get("code").asInt()).isEqualTo(1);
        assertThat(ended.get("msg").asText()).isEqualTo("The job of request " + target + " (" + job + ") has ended "
                + "CANCELED: nothing to stop");
        assertThat(new RequestId(target).jobId()).isEqualTo(job);
    }

    @Test
    void aSavepointFlinkFailsToTakeIsAnsweredWithFlinksReasonAndTheJobKeepsRunning() throws Exception {
        // the task's savepoint directory is a file: Flink cannot make the savepoint's directory in it
        Path directory = Path.of(localPath(taskSavepointDirectory(UNWRITABLE_TASK)));
        Files.createDirectories(directory.getParent());
        Files.deleteIfExists(directory);
        Files.writeString(directory, "not a directory");
        String target = KafkaTestClient.newRequestId("ctl-unwritable");
        String job = running(target, UNWRITABLE_TASK, null);

        String savepoint = KafkaTestClient.newRequestId("ctl-savepoint-fails");
        kafka.sendCommand(controlCommand(savepoint, "savepoint", target));
        JsonNode failed = kafka.awaitEnvelope(savepoint);

        assertThat(failed.get("code").asInt()).as(failed.toPrettyString()).isEqualTo(1);
        assertThat(failed.get("msg").asText()).isEqualTo("Flink could not take the savepoint of job " + job
                + " (request " + target + ")");
        assertThat(failed.at("/data/error").asText()).as(failed.toPrettyString()).contains(directory.toString());
        assertThat(failed.at("/data/control/action").asText()).isEqualTo("savepoint");
        assertThat(failed.at("/data/control/savepointPath").isNull()).isTrue();
        assertThat(flink.status(job)).isEqualTo(JobStatus.RUNNING);
        assertThat(kafka.envelopes(savepoint)).hasSize(1);
    }

    private static String withoutNodeNumbers(String vertexName) {
        return vertexName.replaceAll("\\[\\d+]", "[]");
    }

    private static Set<String> jobIds() throws Exception {
        return flink.jobs().stream().map(job -> job.getJobId().toHexString()).collect(Collectors.toSet());
    }

    @Test
    void anExplainSentThreeTimesAnswersThePlanASubmitWouldRunAndSubmitsNothing() throws Exception {
        Set<String> before = jobIds();
        String explain = KafkaTestClient.newRequestId("ctl-explain");
        String command = "{\"requestId\":\"" + explain + "\",\"action\":\"explain\",\"id\":101}";
        long start = System.nanoTime();
        kafka.sendCommand(command);
        kafka.awaitEnvelope(explain);
        System.out.println("control: an explain of task 101 took " + (System.nanoTime() - start) / 1_000_000
                + " ms from send to answer");
        JsonNode explained = thrice(explain, command).get(0);

        assertThat(explained.get("code").asInt()).as(explained.toPrettyString()).isZero();
        assertThat(explained.get("msg").asText()).startsWith("Task 101 (it-bounded) compiles into job 'it-bounded' "
                + "of ").endsWith("; nothing was submitted");
        assertThat(explained.at("/data/jobId").isNull()).isTrue();
        assertThat(explained.at("/data/control").isMissingNode()).isTrue();
        assertThat(explained.at("/data/statement").asText()).contains("INSERT INTO snk");
        String plan = explained.at("/data/plan/optimizedPlan").asText();
        assertThat(plan).contains("== Optimized Execution Plan ==").contains("default_database, src]]")
                .contains("default_database.snk]");
        // nothing reached the cluster
        assertThat(jobIds()).isSubsetOf(before).doesNotContain(new RequestId(explain).jobId());

        // the vertices are those of the job a submit of the same task runs
        String submit = KafkaTestClient.newRequestId("ctl-explained-submit");
        JsonNode submitted = kafka.submit(submit, 101, null, null);
        assertThat(submitted.get("code").asInt()).as(submitted.toPrettyString()).isZero();
        String job = submitted.at("/data/jobId").asText();
        flink.awaitEnd(job);
        // by vertex id (a hash of the topology): its operators' names, without the planner's node numbers ("Calc[17]"),
        // which count on from one compile to the next, and its parallelism
        Map<String, String> explainedVertices = new LinkedHashMap<>();
        explained.at("/data/plan/vertices").forEach(vertex -> explainedVertices.put(vertex.get("id").asText(),
                withoutNodeNumbers(vertex.get("name").asText()) + " x" + vertex.get("parallelism").asInt()));
        Map<String, String> runVertices = new LinkedHashMap<>();
        flink.details(job).getJobVertexInfos().forEach(vertex -> runVertices.put(vertex.getJobVertexID().toString(),
                withoutNodeNumbers(vertex.getName()) + " x" + vertex.getParallelism()));
        assertThat(explainedVertices).isNotEmpty().isEqualTo(runVertices);
        assertThat(String.join(" ", explainedVertices.values())).contains("Source: src").contains("snk");
    }

    @Test
    void anExplainOfATaskThatDoesNotCompileGetsTheFailureItsSubmitGets() throws Exception {
        String explain = KafkaTestClient.newRequestId("ctl-explain-syntax");
        kafka.sendCommand("{\"requestId\":\"" + explain + "\",\"action\":\"explain\",\"id\":103}");
        JsonNode explained = kafka.awaitEnvelope(explain);
        JsonNode submitted = kafka.submit(KafkaTestClient.newRequestId("ctl-submit-syntax"), 103, null, null);

        assertThat(explained.get("code").asInt()).as(explained.toPrettyString()).isEqualTo(1);
        for (String field : new String[] {"/code", "/msg", "/success", "/data/error", "/data/statement",
                "/data/jobId", "/data/status", "/data/jobConfig/variables"}) {
            assertThat(explained.at(field)).as(field).isEqualTo(submitted.at(field));
        }
        assertThat(explained.at("/data/error").asText()).startsWith("Statement 3 (line 3 of the script) failed: SQL "
                + "parse failed.");
        assertThat(explained.at("/data/plan").isMissingNode()).isTrue();
        assertThat(flink.hasJob(new RequestId(explain).jobId())).isFalse();
    }
}
