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
import dev.submitworker.testing.ApplicationJobManager;
import dev.submitworker.testing.FlinkTestClient;
import dev.submitworker.testing.KafkaTestClient;
import dev.submitworker.testing.KubernetesMock;
import dev.submitworker.testing.SavepointFiles;
import dev.submitworker.testing.SharedInfrastructure;
import dev.submitworker.testing.WorkerTest;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.JobStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Control commands on kubernetes-application jobs, through the real broker and the in-JVM worker. The worker deploys
 * each job's application cluster on the Kubernetes mock (task 215, a count per key over datagen); the test then does
 * what Kubernetes would ({@link ApplicationJobManager}): it runs the program of the cluster's ConfigMap, Flink's SQL
 * driver with the task's script, on the shared MiniCluster under the JobID the worker fixed, and exposes the cluster's
 * REST Service at the MiniCluster. From there on the worker finds the job as it would in Kubernetes: through the
 * Service. Each command is sent twice: one effect, on the MiniCluster and on disk, one answer and one duplicate.
 */
@WorkerTest
class KubernetesApplicationControlEndToEndTest {

    private static final int TASK = 215;
    private static final KafkaTestClient kafka = KafkaTestClient.shared();
    private static final FlinkTestClient flink = FlinkTestClient.shared();
    private static final KubernetesMock kubernetes = SharedInfrastructure.kubernetes();
    private static final NamespacedKubernetesClient api = kubernetes.client();

    @Autowired
    private WorkerProperties properties;
    @Autowired
    private TaskCatalog catalog;

    private final List<String> startedJobs = new ArrayList<>();

    @AfterEach
    void cancelStartedJobs() throws Exception {
        flink.cancelUnended(startedJobs);
    }

    /** Submits task 215 through Kafka, plays the cluster's start, and returns the job once all its tasks run. */
    private String deployedAndRunning(String requestId) throws Exception {
        JsonNode answer = kafka.submit(requestId, TASK, null, null);
        assertThat(answer.get("code").asInt()).as(answer.toPrettyString()).isZero();
        String clusterId = answer.at("/data/result/clusterId").asText();
        assertThat(answer.get("msg").asText()).contains("deployed as application cluster " + clusterId);
        assertThat(jobManagerDeployed(clusterId)).isTrue();

        String jobId = ApplicationJobManager.start(kubernetes, clusterId);
        startedJobs.add(jobId);
        assertThat(jobId).isEqualTo(new RequestId(requestId).jobId()).isEqualTo(answer.at("/data/jobId").asText());
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> flink.allTasksRunning(jobId));
        return jobId;
    }

    private static boolean jobManagerDeployed(String clusterId) {
        return api.apps().deployments().inNamespace(KubernetesMock.NAMESPACE).withName(clusterId).get() != null;
    }


    /** Sends the command, awaits its answer, sends it again: the second answer is the first flagged duplicate. */
    private static JsonNode answeredOnceThenAsDuplicate(String requestId, String command) {
        kafka.sendCommand(command);
        JsonNode first = kafka.awaitEnvelope(requestId);
        kafka.sendCommand(command);
        await().atMost(Duration.ofSeconds(60)).until(() -> kafka.envelopes(requestId).size() >= 2);
        List<JsonNode> answers = kafka.envelopes(requestId);
        assertThat(answers).hasSize(2);
        assertThat(answers.get(0).get("duplicate").asBoolean()).isFalse();
        ObjectNode duplicate = answers.get(1).deepCopy();
        assertThat(duplicate.get("duplicate").asBoolean()).isTrue();
        assertThat(duplicate.put("duplicate", false)).isEqualTo(first);
        return first;
    }

    private int savepointsOnDisk() {
        String directory = SavepointLocator.taskDirectory(properties.savepoints().dir(),
                catalog.find(TASK).orElseThrow());
        return SavepointFiles.in(directory).size();
    }

    private static String localPath(String path) {
        return SavepointFiles.localPath(path);
    }

    @Test
    void aSavepointKeepsTheJobAndItsClusterAndAStopEndsTheJobWhoseClusterIsThenDeleted() throws Exception {
        String target = KafkaTestClient.newRequestId("k8s-ctl-target");
        String job = deployedAndRunning(target);
        String clusterId = "job-" + job;
        int before = savepointsOnDisk();

        String savepoint = KafkaTestClient.newRequestId("k8s-ctl-savepoint");
        kubernetes.takeRequests();
        long start = System.nanoTime();
        JsonNode taken = answeredOnceThenAsDuplicate(savepoint, controlCommand(savepoint, "savepoint", target));
        long seconds = Duration.ofNanos(System.nanoTime() - start).toSeconds();
        long serviceReads = KubernetesMock.serviceReads(kubernetes.takeRequests(), clusterId);
        System.out.println("k8s-app control: " + serviceReads + " reads of the REST Service of " + clusterId
                + " while a savepoint was answered and its duplicate, in " + seconds + " s");
        assertThat(taken.get("code").asInt()).as(taken.toPrettyString()).isZero();
        assertThat(taken.at("/data/jobId").asText()).isEqualTo(job);
        assertThat(taken.at("/data/control/action").asText()).isEqualTo("savepoint");
        String savepointPath = taken.at("/data/control/savepointPath").asText();
        assertThat(taken.get("msg").asText()).isEqualTo("Savepoint of job " + job + " (request " + target
                + ") taken: " + savepointPath);
        assertThat(Path.of(localPath(savepointPath), SavepointLocator.METADATA_FILE)).exists();
        assertThat(savepointsOnDisk()).isEqualTo(before + 1);
        assertThat(flink.status(job)).isEqualTo(JobStatus.RUNNING);
        assertThat(jobManagerDeployed(clusterId)).isTrue();
        // one read for the savepoint's attempt, which calls its JobManager 4 times or more (a duplicate asks
        // nothing); the rest are the follower's, one a second, and one more when a round came late
        assertThat(serviceReads).isLessThanOrEqualTo(1 + seconds + 2);

        String stop = KafkaTestClient.newRequestId("k8s-ctl-stop");
        JsonNode stopped = answeredOnceThenAsDuplicate(stop, controlCommand(stop, "stop", target));
        assertThat(stopped.get("code").asInt()).as(stopped.toPrettyString()).isZero();
        String stopPath = stopped.at("/data/control/savepointPath").asText();
        assertThat(stopped.get("msg").asText()).isEqualTo("Job " + job + " (request " + target + ") stopped with "
                + "savepoint " + stopPath);
        assertThat(stopPath).isNotEqualTo(savepointPath);
        assertThat(Path.of(localPath(stopPath), SavepointLocator.METADATA_FILE)).exists();
        assertThat(savepointsOnDisk()).isEqualTo(before + 2);
        assertThat(flink.awaitEnd(job)).isEqualTo(JobStatus.FINISHED);
        // the follower records the end, then the worker deletes the application cluster
        await().atMost(Duration.ofSeconds(30)).until(() -> !jobManagerDeployed(clusterId));
        // its last status event is its end (a RUNNING one before it only if the follower saw the job before the stop)
        List<JsonNode> events = kafka.awaitTerminal(target, Duration.ofSeconds(30));
        assertThat(events.get(events.size() - 1).get("status").asText()).isEqualTo("FINISHED");
    }

    @Test
    void aCancelEndsTheJobOnTheClusterAndItsClusterIsThenDeleted() throws Exception {
        String target = KafkaTestClient.newRequestId("k8s-ctl-target");
        String job = deployedAndRunning(target);

        String cancel = KafkaTestClient.newRequestId("k8s-ctl-cancel");
        JsonNode cancelled = answeredOnceThenAsDuplicate(cancel, controlCommand(cancel, "cancel", target));

        assertThat(cancelled.get("code").asInt()).as(cancelled.toPrettyString()).isZero();
        assertThat(cancelled.get("msg").asText()).isEqualTo("Job " + job + " (request " + target + ") cancelled");
        assertThat(cancelled.at("/data/control/savepointPath").isNull()).isTrue();
        assertThat(flink.awaitEnd(job)).isEqualTo(JobStatus.CANCELED);
        await().atMost(Duration.ofSeconds(30)).until(() -> !jobManagerDeployed("job-" + job));
    }
}
