package dev.submitworker.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.submitworker.compile.ApplicationJob;
import dev.submitworker.compile.SessionJob;
import dev.submitworker.core.JobDescription;
import dev.submitworker.core.Task;
import dev.submitworker.core.port.ClusterGateway.Deployment;
import dev.submitworker.core.port.ClusterGateway.JobControl;
import dev.submitworker.core.port.ClusterGateway.JobState;
import dev.submitworker.core.port.ClusterGateway.Observation;
import dev.submitworker.core.port.ClusterGateway.SavepointStatus;
import dev.submitworker.core.port.ClusterUnreachableException;
import dev.submitworker.core.port.RefusedException;
import dev.submitworker.testing.FlinkTestClient;
import dev.submitworker.testing.KubernetesMock;
import dev.submitworker.testing.SharedInfrastructure;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.runtime.execution.ExecutionState;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.messages.webmonitor.JobDetails;
import org.apache.flink.runtime.messages.webmonitor.MultipleJobsDetails;
import org.apache.flink.runtime.rest.handler.async.AsynchronousOperationResult;
import org.apache.flink.runtime.rest.handler.async.TriggerResponse;
import org.apache.flink.runtime.rest.messages.TriggerId;
import org.apache.flink.runtime.rest.messages.job.savepoints.SavepointInfo;
import org.apache.flink.runtime.rest.messages.JobExceptionsInfoWithHistory;
import org.apache.flink.runtime.rest.messages.JobExceptionsInfoWithHistory.JobExceptionHistory;
import org.apache.flink.runtime.rest.messages.JobExceptionsInfoWithHistory.RootExceptionInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The application gateway against fabric8's mock API server (CRUD mode, real HTTP). Nothing runs there: the test reads
 * back what a real cluster would start from (the JobManager Deployment, its REST Service, the ConfigMap with the Flink
 * configuration), and the JobManager's REST API is out of reach, as it is for a worker outside Kubernetes. Where a
 * test needs a JobManager, a cluster's REST Service points at a stub or at the shared MiniCluster.
 */
class KubernetesApplicationGatewayTest {

    private static final String IMAGE = "registry.example/flink:2.2.0-sql";
    private static final ClusterTimeouts BOUNDS =
            new ClusterTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(30));
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static KubernetesMock kubernetes;
    private static NamespacedKubernetesClient api;
    private static KubernetesApplicationGateway gateway;

    @BeforeAll
    static void start() {
        kubernetes = KubernetesMock.start();
        api = kubernetes.client();
        gateway = new KubernetesApplicationGateway("k8s-app", entry(kubernetes.kubeconfig()), BOUNDS);
    }

    @AfterAll
    static void stop() {
        gateway.close();
        kubernetes.close();
    }

    private static Map<String, String> entry(Path kubeconfig) {
        return Map.of(
                "kubernetes.namespace", KubernetesMock.NAMESPACE,
                "kubernetes.config.file", kubeconfig.toString(),
                "kubernetes.container.image.ref", IMAGE,
                "kubernetes.service-account", "flink",
                "kubernetes.rest-service.annotations", "team:data",
                "taskmanager.numberOfTaskSlots", "2",
                "parallelism.default", "1");
    }

    private static ApplicationJob sqlJob(String jobId, String name) {
        Map<String, String> options = Map.of("pipeline.name", name, "parallelism.default", "2",
                "execution.runtime-mode", "STREAMING");
        return new ApplicationJob(jobId, new JobDescription(name, "INSERT INTO snk SELECT id FROM src;", options,
                Map.of(), "file:///savepoints/savepoint-1", null), options, "INSERT INTO snk SELECT id FROM src;",
                null, "file:///savepoints/savepoint-1", true);
    }

    private static long jobManagers(String clusterId) {
        return api.apps().deployments().inNamespace(KubernetesMock.NAMESPACE).list().getItems().stream()
                .filter(deployment -> deployment.getMetadata().getName().equals(clusterId)).count();
    }

    /** The Flink configuration the cluster's JobManager starts with, from the ConfigMap its Deployment owns. */
    private static JsonNode flinkConfiguration(String clusterId) throws IOException {
        ConfigMap configMap = api.configMaps().inNamespace(KubernetesMock.NAMESPACE)
                .withName("flink-config-" + clusterId).get();
        assertThat(configMap).as("ConfigMap flink-config-" + clusterId).isNotNull();
        return YAML.readTree(configMap.getData().get("config.yaml"));
    }

    @Test
    void aJobBecomesAClusterThatOutlivesItsJobAndRunsItUnderItsJobId() throws IOException {
        String jobId = new JobID().toHexString();

        Deployment deployment = gateway.submit(sqlJob(jobId, "Orders Enrichment App"));

        String clusterId = "job-" + jobId;
        assertThat(deployment).isEqualTo(new Deployment(true,
                clusterId + "-rest." + KubernetesMock.NAMESPACE + ":8081", clusterId));
        assertThat(jobManagers(clusterId)).isEqualTo(1);
        JsonNode configuration = flinkConfiguration(clusterId);
        // the JobManager stays when the job ends, so that the cluster is not deployed (and the job run) again
        assertThat(configuration.at("/execution/shutdown-on-application-finish").asText()).isEqualTo("false");
        assertThat(configuration.at("/execution/submit-failed-job-on-application-error").asText())
                .isEqualTo("true");
        assertThat(configuration.at("/$internal/pipeline/job-id").asText()).isEqualTo(jobId);
        assertThat(configuration.at("/$internal/application/main").asText())
                .isEqualTo(KubernetesApplicationGateway.SQL_DRIVER);
        assertThat(configuration.at("/$internal/application/program-args")).extracting(JsonNode::asText)
                .containsExactly("--script", "INSERT INTO snk SELECT id FROM src;");
        assertThat(configuration.at("/parallelism/default").asText()).as("the job's options over the entry's")
                .isEqualTo("2");
        assertThat(configuration.at("/taskmanager/numberOfTaskSlots").asText()).isEqualTo("2");
        assertThat(configuration.at("/execution/state-recovery/path").asText())
                .isEqualTo("file:///savepoints/savepoint-1");
        assertThat(configuration.at("/execution/state-recovery/ignore-unclaimed-state").asText())
                .isEqualTo("true");
        assertThat(api.services().inNamespace(KubernetesMock.NAMESPACE).withName(clusterId + "-rest").get()
                .getMetadata().getAnnotations())
                .containsEntry(KubernetesApplicationGateway.JOB_NAME_ANNOTATION, "Orders Enrichment App")
                .containsEntry("team", "data");
    }

    @Test
    void theSameJobAgainDeploysNothing() {
        String jobId = new JobID().toHexString();
        Deployment first = gateway.submit(sqlJob(jobId, "twice"));

        Deployment again = gateway.submit(sqlJob(jobId, "twice"));

        assertThat(again).isEqualTo(new Deployment(false, first.jobManagerAddress(), first.clusterId()));
        assertThat(jobManagers(first.clusterId())).isEqualTo(1);
    }

    @Test
    void aJobIdTakenByAnotherJobIsRefused() {
        String jobId = new JobID().toHexString();
        gateway.submit(sqlJob(jobId, "first-task"));

        assertThatThrownBy(() -> gateway.submit(sqlJob(jobId, "second-task")))
                .isInstanceOf(RefusedException.class)
                .hasMessageContaining("is taken").hasMessageContaining("'first-task'")
                .hasMessageContaining("'second-task'");
    }

    @Test
    void aJarJobRunsItsProgramFromTheImage() throws IOException {
        String jobId = new JobID().toHexString();
        Task.JarSpec jar = new Task.JarSpec("local:///opt/flink/usrlib/clicks-sessionizer.jar", "com.acme.Sessionizer",
                List.of("--topic", "clicks"));
        ApplicationJob job = new ApplicationJob(jobId, new JobDescription("sessionizer", "EXECUTE JAR", Map.of(),
                Map.of(), null, null), Map.of(), null, jar, null, false);

        Deployment deployment = gateway.submit(job);

        JsonNode configuration = flinkConfiguration(deployment.clusterId());
        assertThat(configuration.at("/pipeline/jars/0").asText()).isEqualTo(jar.uri());
        assertThat(configuration.at("/$internal/application/main").asText()).isEqualTo("com.acme.Sessionizer");
        assertThat(configuration.at("/$internal/application/program-args")).extracting(JsonNode::asText)
                .containsExactly("--topic", "clicks");
        assertThat(configuration.at("/execution/state-recovery/path").isMissingNode()).isTrue();
    }

    @Test
    void findTellsADeployedJobFromOneThatIsNot() {
        String jobId = new JobID().toHexString();
        gateway.submit(sqlJob(jobId, "found"));

        // the JobManager's REST API is out of reach here: the cluster's presence is all there is to tell
        assertThat(gateway.find(jobId)).contains(
                new JobState(jobId, "found", KubernetesApplicationGateway.UNKNOWN_STATUS));
        assertThat(gateway.find(new JobID().toHexString())).isEmpty();
    }

    @Test
    void aReleasedJobsClusterIsGoneAndReleasingItAgainIsNoError() {
        String jobId = new JobID().toHexString();
        Deployment deployment = gateway.submit(sqlJob(jobId, "finished"));

        gateway.release(jobId);

        assertThat(jobManagers(deployment.clusterId())).isZero();
        assertThatCode(() -> gateway.release(jobId)).doesNotThrowAnyException();
        assertThatCode(() -> gateway.release(new JobID().toHexString())).as("never deployed")
                .doesNotThrowAnyException();
    }

    @Test
    void observingAsksEachJobsClusterOnItsOwnAndReportsWhatEachTells() throws IOException {
        JobID failed = new JobID();
        String noJobYet = new JobID().toHexString();
        String deployed = new JobID().toHexString();
        String dead = new JobID().toHexString();
        String none = new JobID().toHexString();
        JobDetails failedJob = new JobDetails(failed, "failed", 1_700_000_000_000L, 1_700_000_060_000L, 60_000,
                JobStatus.FAILED, 1_700_000_060_000L, new int[ExecutionState.values().length], 1);
        JobExceptionsInfoWithHistory exceptions = new JobExceptionsInfoWithHistory(new JobExceptionHistory(List.of(
                new RootExceptionInfo("java.lang.IllegalStateException", "java.lang.IllegalStateException: boom\n"
                        + "\tat com.acme.Job.main(Job.java:1)\n", 1_700_000_060_000L, Map.of(), List.of())), false));
        try (FlinkRestStub answering = FlinkRestStub.reading(request -> request.getPath().endsWith("/overview")
                     ? FlinkRestStub.flink(new MultipleJobsDetails(List.of(failedJob)))
                     : request.getPath().endsWith("/exceptions") ? FlinkRestStub.flink(exceptions)
                     : FlinkRestStub.errors(404, "Checkpointing has not been enabled."));
             FlinkRestStub starting = FlinkRestStub.reading(request -> FlinkRestStub.flink(
                     new MultipleJobsDetails(List.of())))) {
            kubernetes.exposeSessionCluster(KubernetesApplicationGateway.clusterId(failed.toHexString()),
                    answering.address());
            kubernetes.exposeSessionCluster(KubernetesApplicationGateway.clusterId(noJobYet), starting.address());
            // its Service names an address where no JobManager answers, as from outside Kubernetes
            gateway.submit(sqlJob(deployed, "deployed"));
            try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                kubernetes.exposeSessionCluster(KubernetesApplicationGateway.clusterId(dead),
                        URI.create("http://127.0.0.1:" + closed.getLocalPort()));
            }
            Map<String, String> known = new HashMap<>();
            known.put(failed.toHexString(), "RUNNING");
            List.of(noJobYet, deployed, dead, none).forEach(jobId -> known.put(jobId, null));

            Observation observation = gateway.observe(known);

            assertThat(observation.jobs()).containsOnlyKeys(failed.toHexString());
            assertThat(observation.jobs().get(failed.toHexString())).isEqualTo(new JobState(failed.toHexString(),
                    "failed", "FAILED", 1_700_000_000_000L, 1_700_000_060_000L,
                    "java.lang.IllegalStateException: boom", null));
            assertThat(observation.unreachable()).containsExactlyInAnyOrder(noJobYet, deployed, dead);
            assertThat(observation.unknown()).containsExactly(none);
            // the overview first; the failed job's cause and checkpoints are asked for at once, in either order
            assertThat(answering.requests()).first().isEqualTo("GET /v1/jobs/overview");
            assertThat(answering.requests()).containsExactlyInAnyOrder("GET /v1/jobs/overview",
                    "GET /v1/jobs/" + failed.toHexString() + "/exceptions?maxExceptions=1",
                    "GET /v1/jobs/" + failed.toHexString() + "/checkpoints");
        }
    }

    /** Waits for the savepoint operation to complete and returns its path. */
    private static String savepointTaken(String jobId, TriggerId trigger) {
        SavepointStatus status = await().atMost(Duration.ofSeconds(60)).until(
                () -> gateway.savepointStatus(jobId, trigger.toHexString()).orElse(null),
                taken -> taken != null && taken.complete());
        assertThat(status.failure()).isNull();
        return status.path();
    }

    @Test
    void onARealJobManagerASavepointKeepsTheJobRunningAndAStopWithSavepointEndsIt(@TempDir Path dir)
            throws Exception {
        // the shared MiniCluster stands in for the application cluster's JobManager, behind the cluster's Service
        SessionJob job = RestSessionGatewayTest.streamingJob("app-control-" + new JobID(), dir);
        String jobId = job.jobId();
        String clusterId = KubernetesApplicationGateway.clusterId(jobId);
        FlinkTestClient flink = FlinkTestClient.shared();
        try (RestSessionGateway session = RestSessionGateway.at("session", SharedInfrastructure.flinkRestAddress(),
                Map.of(), BOUNDS)) {
            session.submit(job);
        }
        try {
            kubernetes.exposeSessionCluster(clusterId, SharedInfrastructure.flinkRestAddress());
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> flink.allTasksRunning(jobId));
            String directory = dir.resolve("savepoints").toUri().toString();

            // one control attempt, as the worker makes it: the savepoint read, the job's state, the trigger, the polls
            kubernetes.takeRequests();
            TriggerId savepoint = new TriggerId();
            AtomicInteger polls = new AtomicInteger();
            String taken;
            try (JobControl attempt = gateway.control(jobId)) {
                assertThat(attempt.savepointStatus(savepoint.toHexString())).isEmpty();
                assertThat(attempt.find()).get().extracting(JobState::status).isEqualTo("RUNNING");
                attempt.triggerSavepoint(savepoint.toHexString(), directory, false, false);
                SavepointStatus status = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                        .until(() -> {
                            polls.incrementAndGet();
                            return attempt.savepointStatus(savepoint.toHexString()).orElseThrow();
                        }, SavepointStatus::complete);
                assertThat(status.failure()).isNull();
                taken = status.path();
            }
            assertThat(KubernetesMock.serviceReads(kubernetes.takeRequests(), clusterId))
                    .as("reads of the cluster's REST Service for an attempt of %d calls", 3 + polls.get())
                    .isEqualTo(1);
            assertThat(Path.of(URI.create(taken)).resolve("_metadata")).exists();
            assertThat(gateway.find(jobId)).get().extracting(JobState::status).isEqualTo("RUNNING");

            TriggerId stop = new TriggerId();
            gateway.triggerSavepoint(jobId, stop.toHexString(), directory, true, false);
            String stoppedWith = savepointTaken(jobId, stop);
            assertThat(stoppedWith).isNotEqualTo(taken);
            assertThat(Path.of(URI.create(stoppedWith)).resolve("_metadata")).exists();
            assertThat(flink.awaitEnd(jobId)).isEqualTo(JobStatus.FINISHED);
        } finally {
            flink.cancelUnended(List.of(jobId));
        }
    }

    @Test
    void controlCommandsGoToTheJobsOwnJobManagerAndAJobWithoutAClusterHasNoSavepoint() {
        String jobId = new JobID().toHexString();
        TriggerId trigger = new TriggerId();
        String savepoint = "file:///savepoints/1-app/savepoint-abc";
        try (FlinkRestStub jobManager = FlinkRestStub.posting(FlinkRestStub.flink(new TriggerResponse(trigger)),
                request -> request.getPath().endsWith("/savepoints/" + trigger)
                        ? FlinkRestStub.flink(AsynchronousOperationResult.completed(new SavepointInfo(savepoint,
                                null)))
                        : new FlinkRestStub.Reply(202, "application/json", "{}"))) {
            kubernetes.exposeSessionCluster(KubernetesApplicationGateway.clusterId(jobId), jobManager.address());

            gateway.triggerSavepoint(jobId, trigger.toHexString(), "file:///savepoints/1-app", false, false);
            assertThat(gateway.savepointStatus(jobId, trigger.toHexString()))
                    .contains(new SavepointStatus(true, savepoint, null));
            gateway.triggerSavepoint(jobId, trigger.toHexString(), "file:///savepoints/1-app", true, false);
            gateway.cancel(jobId);

            assertThat(jobManager.requests()).containsExactly(
                    "POST /v1/jobs/" + jobId + "/savepoints",
                    "GET /v1/jobs/" + jobId + "/savepoints/" + trigger,
                    "POST /v1/jobs/" + jobId + "/stop",
                    "PATCH /v1/jobs/" + jobId + "?mode=cancel");
        }
        assertThat(gateway.savepointStatus(new JobID().toHexString(), trigger.toHexString())).isEmpty();
    }

    @Test
    void anApplicationClusterTakesOnlyApplicationJobs() {
        JobGraph jobGraph = new JobGraph(new JobID(), "session job");
        SessionJob job = new SessionJob(jobGraph, new JobDescription("session job", "", Map.of(), Map.of(), null,
                null), () -> {});

        assertThatThrownBy(() -> gateway.submit(job)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aDeploymentTheApiForbidsIsRefusedWithItsMessage() {
        KubernetesMock forbidding = KubernetesMock.startForbiddingDeployments();
        try (KubernetesApplicationGateway refused = new KubernetesApplicationGateway("k8s-forbidden",
                entry(forbidding.kubeconfig()), BOUNDS)) {
            assertThatThrownBy(() -> refused.submit(sqlJob(new JobID().toHexString(), "forbidden")))
                    .isInstanceOf(RefusedException.class)
                    .satisfies(e -> assertThat(((RefusedException) e).detail())
                            .contains("forbidden").contains("cannot create resource"));
        } finally {
            forbidding.close();
        }
    }

    @Test
    void aKubernetesApiThatNeverAnswersIsTransientWithinTheBound(@TempDir Path dir) throws IOException {
        ClusterTimeouts tight = new ClusterTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(2),
                Duration.ofSeconds(3));
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Path kubeconfig = Files.writeString(dir.resolve("kubeconfig.yaml"), """
                    apiVersion: v1
                    kind: Config
                    clusters: [{name: silent, cluster: {server: "http://127.0.0.1:%d"}}]
                    contexts: [{name: silent, context: {cluster: silent, user: silent}}]
                    current-context: silent
                    users: [{name: silent, user: {token: not-a-real-token}}]
                    """.formatted(silent.getLocalPort()));
            try (KubernetesApplicationGateway stuck = new KubernetesApplicationGateway("k8s-silent",
                    entry(kubeconfig), tight)) {
                assertTimeoutPreemptively(Duration.ofSeconds(15), () -> {
                    assertThatThrownBy(() -> stuck.submit(sqlJob(new JobID().toHexString(), "stuck")))
                            .isInstanceOf(ClusterUnreachableException.class)
                            .hasMessageContaining("took longer than 3000 ms");
                    assertThatThrownBy(() -> stuck.find(new JobID().toHexString()))
                            .isInstanceOf(ClusterUnreachableException.class)
                            .hasMessageContaining("took longer than 2000 ms");
                    assertThatThrownBy(() -> stuck.observe(Map.of(new JobID().toHexString(), "RUNNING")))
                            .isInstanceOf(ClusterUnreachableException.class)
                            .hasMessageContaining("took longer than 2000 ms");
                    assertThatThrownBy(() -> stuck.release(new JobID().toHexString()))
                            .isInstanceOf(ClusterUnreachableException.class)
                            .hasMessageContaining("took longer than 2000 ms");
                });
            }
        }
    }
}
