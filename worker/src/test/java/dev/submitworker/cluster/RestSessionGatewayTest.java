package dev.submitworker.cluster;

import static dev.submitworker.cluster.FlinkRestStub.errors;
import static dev.submitworker.cluster.FlinkRestStub.flink;
import static dev.submitworker.cluster.FlinkRestStub.html;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.submitworker.compile.ApplicationJob;
import dev.submitworker.compile.SessionJob;
import dev.submitworker.compile.SqlJobBuilder;
import dev.submitworker.core.Dialect;
import dev.submitworker.core.JobDescription;
import dev.submitworker.core.RunMode;
import dev.submitworker.core.SavePointStrategy;
import dev.submitworker.core.Task;
import dev.submitworker.core.port.ClusterGateway.Deployment;
import dev.submitworker.core.port.ClusterGateway.JobState;
import dev.submitworker.core.port.ClusterGateway.Observation;
import dev.submitworker.core.port.ClusterUnreachableException;
import dev.submitworker.core.port.RefusedException;
import dev.submitworker.testing.FlinkTestClient;
import dev.submitworker.testing.SharedInfrastructure;
import dev.submitworker.testing.Ports;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.operators.ResourceSpec;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobgraph.JobVertex;
import org.apache.flink.runtime.messages.webmonitor.JobDetails;
import org.apache.flink.runtime.messages.webmonitor.MultipleJobsDetails;
import org.apache.flink.runtime.rest.messages.JobExceptionsInfoWithHistory;
import org.apache.flink.runtime.rest.messages.JobExceptionsInfoWithHistory.JobExceptionHistory;
import org.apache.flink.runtime.rest.messages.JobExceptionsInfoWithHistory.RootExceptionInfo;
import org.apache.flink.streaming.runtime.tasks.SourceStreamTask;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The session gateway against a real session cluster (the shared MiniCluster), and against stand-ins for the faults
 * a real one shows: answers that mean "not now", a JobManager that accepts connections and never answers, a cluster
 * that moved.
 */
class RestSessionGatewayTest {

    /** Short bounds, so that the faults show in seconds. */
    private static final ClusterTimeouts SHORT =
            new ClusterTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(3));
    private static final String FAILED_SUBMISSION = """
            <Exception on server side:
            org.apache.flink.runtime.client.JobSubmissionException: Failed to submit job.
            \tat org.apache.flink.runtime.dispatcher.Dispatcher.lambda$handleTermination$5(Dispatcher.java:623)
            Caused by: org.apache.flink.runtime.client.JobInitializationException: Could not instantiate JobManager.
            \tat org.apache.flink.runtime.dispatcher.DefaultJobManagerRunnerFactory.createJobManagerRunner(Unknown Source)
            Caused by: java.lang.ClassNotFoundException: com.acme.MissingUdf
            \tat java.base/java.net.URLClassLoader.findClass(URLClassLoader.java:445)

            End of exception on server side>""";

    private static URI session;
    private static RestSessionGateway gateway;

    @BeforeAll
    static void connect() {
        session = SharedInfrastructure.flinkRestAddress();
        gateway = RestSessionGateway.at("session", session, Map.of(), ClusterTimeouts.DEFAULTS);
    }

    @AfterAll
    static void disconnect() {
        gateway.close();
    }

    private static SessionJob job(String taskName, String requestId) {
        return job(taskName, requestId, 0, """
                CREATE TEMPORARY TABLE src (id BIGINT) WITH ('connector' = 'datagen', 'number-of-rows' = '1');
                CREATE TEMPORARY TABLE snk (id BIGINT) WITH ('connector' = 'blackhole');
                INSERT INTO snk SELECT id FROM src;
                """);
    }

    private static SessionJob job(String taskName, String requestId, int checkpointInterval, String script) {
        Task task = new Task(1, taskName, Dialect.FlinkSql, RunMode.STANDALONE, "session", 1, checkpointInterval,
                SavePointStrategy.NONE, null, true, null, true, false, null, null, null);
        return sessionJob(new SqlJobBuilder().build(task, requestId, script, null, false).jobGraph());
    }

    /** A job that runs until it is stopped, checkpointing every 100 ms into {@code checkpoints} (kept on cancel). */
    static SessionJob streamingJob(String requestId, Path checkpoints) {
        return job("observed-streaming", requestId, 100, """
                SET 'execution.checkpointing.dir' = '%s';
                SET 'execution.checkpointing.externalized-checkpoint-retention' = 'RETAIN_ON_CANCELLATION';
                CREATE TEMPORARY TABLE src (id BIGINT) WITH ('connector' = 'datagen', 'rows-per-second' = '10');
                CREATE TEMPORARY TABLE snk (id BIGINT) WITH ('connector' = 'blackhole');
                INSERT INTO snk SELECT id FROM src;
                """.formatted(checkpoints.toUri()));
    }

    /** A job whose status was never reported: every observation tells all there is to tell about it. */
    private static Map<String, String> unreported(String jobId) {
        return Collections.singletonMap(jobId, null);
    }

    private static JobState observed(RestSessionGateway observer, String jobId, String lastStatus) {
        Observation observation = observer.observe(Collections.singletonMap(jobId, lastStatus));
        assertThat(observation.unknown()).isEmpty();
        assertThat(observation.unreachable()).isEmpty();
        return observation.jobs().get(jobId);
    }

    private static SessionJob sessionJob(JobGraph jobGraph) {
        return new SessionJob(jobGraph, new JobDescription(jobGraph.getName(), "", Map.of(), Map.of(), null, null),
                () -> {});
    }

    /** A JobGraph no cluster runs; enough for stand-ins, which never look inside. */
    private static SessionJob emptyJob() {
        return sessionJob(new JobGraph(new JobID(), "stand-in job"));
    }

    private static String hostPort(URI uri) {
        return uri.getHost() + ":" + uri.getPort();
    }


    @Test
    void aSubmittedJobIsFoundByItsJobIdWithItsNameAndState() {
        SessionJob job = job("gateway-test", "gateway-" + UUID.randomUUID());

        Deployment deployment = gateway.submit(job);

        assertThat(deployment).isEqualTo(new Deployment(true, hostPort(session), null));
        assertThat(gateway.find(job.jobId())).get()
                .returns(job.jobId(), JobState::jobId)
                .returns("gateway-test", JobState::name)
                .extracting(JobState::status).isNotNull();
    }

    @Test
    void submittingTheSameJobTwiceLeavesOneJobAndSaysSo() {
        String requestId = "gateway-" + UUID.randomUUID();

        assertThat(gateway.submit(job("gateway-test", requestId)).created()).isTrue();
        assertThat(gateway.submit(job("gateway-test", requestId)).created()).isFalse();
    }

    @Test
    void aJobIdTakenByAnotherJobIsRefusedNamingBoth() {
        String requestId = "gateway-" + UUID.randomUUID();
        gateway.submit(job("first-task", requestId));

        assertThatThrownBy(() -> gateway.submit(job("second-task", requestId)))
                .isInstanceOf(RefusedException.class)
                .hasMessageContaining("is taken").hasMessageContaining("'first-task'")
                .hasMessageContaining("'second-task'");
    }

    @Test
    void aJobTheClusterDoesNotKnowIsNotFound() {
        assertThat(gateway.find(new JobID().toHexString())).isEmpty();
    }

    @Test
    void aJobTheDispatcherRefusesIsAFinalRefusalWithItsReason() {
        // the dispatcher refuses a JobGraph where only some vertices declare resources: HTTP 500, JobSubmissionException
        JobVertex declared = new JobVertex("declared");
        declared.setInvokableClass(SourceStreamTask.class);
        declared.setResources(ResourceSpec.newBuilder(1.0, 64).build(), ResourceSpec.newBuilder(1.0, 64).build());
        JobVertex undeclared = new JobVertex("undeclared");
        undeclared.setInvokableClass(SourceStreamTask.class);
        SessionJob job = sessionJob(new JobGraph(new JobID(), "partly declared", declared, undeclared));

        assertThatThrownBy(() -> gateway.submit(job))
                .isInstanceOf(RefusedException.class)
                .hasMessageContaining("refused job " + job.jobId())
                .satisfies(e -> assertThat(((RefusedException) e).detail()).startsWith("HTTP 500")
                        .contains("JobSubmissionException").contains("resources configured"));
        assertThat(gateway.find(job.jobId())).isEmpty();
    }

    static Stream<Arguments> answersThatMeanNotNow() {
        return Stream.of(
                Arguments.of("leader election", errors(503,
                        "Service temporarily unavailable due to an ongoing leader election. Please refresh.")),
                Arguments.of("proxy: bad gateway", html(502, "<html><body><h1>502 Bad Gateway</h1></body></html>")),
                Arguments.of("proxy: gateway timeout", html(504, "<html><body>504 Gateway Time-out</body></html>")),
                Arguments.of("internal error, no refusal", errors(500, "Internal server error.",
                        "<Exception on server side:\njava.util.concurrent.TimeoutException: Invocation of "
                                + "[RemoteRpcInvocation(DispatcherGateway.submitJob(ExecutionPlan, Duration))] at "
                                + "recipient [pekko://flink/user/rpc/dispatcher_1] timed out.\n"
                                + "End of exception on server side>")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("answersThatMeanNotNow")
    void anAnswerThatMeansNotNowIsTransient(String what, FlinkRestStub.Reply reply) {
        try (FlinkRestStub stub = FlinkRestStub.answering(reply, reply);
             RestSessionGateway stubbed = RestSessionGateway.at("stub", stub.address(), Map.of(), SHORT)) {
            assertThatThrownBy(() -> stubbed.submit(emptyJob()))
                    .isInstanceOf(ClusterUnreachableException.class)
                    .hasMessageContaining("HTTP " + reply.status());
            assertThatThrownBy(() -> stubbed.find(new JobID().toHexString()))
                    .isInstanceOf(ClusterUnreachableException.class);
            assertThatThrownBy(() -> stubbed.observe(unreported(new JobID().toHexString())))
                    .isInstanceOf(ClusterUnreachableException.class)
                    .hasMessageContaining("HTTP " + reply.status());
        }
    }

    @Test
    void aRefusedSubmissionIsARefusalOnlyIfTheJobIsNotThereAfterAll() {
        SessionJob submitted = job("gateway-test", "gateway-" + UUID.randomUUID());
        gateway.submit(submitted);
        SessionJob absent = emptyJob();
        try (FlinkRestStub stub = FlinkRestStub.inFrontOf(session,
                     errors(500, "Internal server error.", FAILED_SUBMISSION));
             RestSessionGateway refusing = RestSessionGateway.at("stub", stub.address(), Map.of(), SHORT)) {

            // an earlier attempt whose answer was lost had submitted it
            assertThat(refusing.submit(submitted).created()).isFalse();

            assertThatThrownBy(() -> refusing.submit(absent))
                    .isInstanceOf(RefusedException.class)
                    .satisfies(e -> assertThat(((RefusedException) e).detail())
                            .contains("JobSubmissionException: Failed to submit job.")
                            .contains("root cause: java.lang.ClassNotFoundException: com.acme.MissingUdf")
                            .doesNotContain("\tat "));
            assertThat(stub.submissions()).as("a refusal is not retried").isEqualTo(2);
        }
    }

    @Test
    void aJobManagerThatNeverAnswersIsTransientWithinTheBound() throws IOException {
        // accepted by the kernel's backlog, never read, never answered
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             RestSessionGateway stuck = RestSessionGateway.at("stuck",
                     URI.create("http://127.0.0.1:" + silent.getLocalPort()), Map.of(), SHORT)) {
            assertTimeoutPreemptively(Duration.ofSeconds(15), () -> {
                assertThatThrownBy(() -> stuck.submit(emptyJob()))
                        .isInstanceOf(ClusterUnreachableException.class)
                        .hasMessageContaining("took longer than 3000 ms");
                assertThatThrownBy(() -> stuck.find(new JobID().toHexString()))
                        .isInstanceOf(ClusterUnreachableException.class)
                        .hasMessageContaining("took longer than 2000 ms");
                assertThatThrownBy(() -> stuck.observe(unreported(new JobID().toHexString())))
                        .isInstanceOf(ClusterUnreachableException.class)
                        .hasMessageContaining("took longer than 2000 ms");
            });
        }
    }

    @Test
    void anUnreachableClusterIsTransient() throws IOException {
        try (RestSessionGateway closed = RestSessionGateway.at("closed", Ports.deadAddress(), Map.of(), SHORT)) {
            assertThatThrownBy(() -> closed.find(new JobID().toHexString()))
                    .isInstanceOf(ClusterUnreachableException.class).hasMessageContaining("'closed'");
            assertThatThrownBy(() -> closed.observe(unreported(new JobID().toHexString())))
                    .isInstanceOf(ClusterUnreachableException.class).hasMessageContaining("'closed'");
        }
    }

    @Test
    void afterTheClusterCouldNotBeReachedItsAddressIsLookedUpAgain() throws IOException {
        AtomicReference<URI> serviceSays = new AtomicReference<>(Ports.deadAddress());
        try (RestSessionGateway moving = new RestSessionGateway("moving", serviceSays::get, Map.of(), SHORT, Duration.ZERO)) {
            String before = moving.address();
            serviceSays.set(session);

            assertThatThrownBy(() -> moving.find(new JobID().toHexString()))
                    .isInstanceOf(ClusterUnreachableException.class).hasMessageContaining(before);
            assertThat(moving.find(new JobID().toHexString())).isEmpty();
            assertThat(moving.address()).isEqualTo(hostPort(session));
        }
    }

    @Test
    void aBoundedJobIsObservedToItsEndWithItsTimes() {
        SessionJob job = job("observed-bounded", "observe-" + UUID.randomUUID());
        gateway.submit(job);

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(observed(gateway, job.jobId(), null)).satisfies(state -> {
                    assertThat(state.status()).isEqualTo("FINISHED");
                    assertThat(state.name()).isEqualTo("observed-bounded");
                    assertThat(state.startTime()).isNotNull();
                    assertThat(state.endTime()).isGreaterThanOrEqualTo(state.startTime());
                    assertThat(state.failure()).isNull();
                    assertThat(state.checkpoint()).isNull();
                }));
    }

    @Test
    void aJobThatFailsAtRunTimeIsObservedFailedWithItsCause() {
        // not a constant, so the planner cannot fold the cast: it fails in the task, on the first row
        SessionJob job = job("observed-failing", "observe-" + UUID.randomUUID(), 0, """
                CREATE TEMPORARY TABLE src (id BIGINT) WITH ('connector' = 'datagen', 'number-of-rows' = '1',
                    'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '1');
                CREATE TEMPORARY TABLE snk (n INT) WITH ('connector' = 'blackhole');
                INSERT INTO snk SELECT CAST(CONCAT('not-a-number-', CAST(id AS STRING)) AS INT) FROM src;
                """);
        gateway.submit(job);

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(observed(gateway, job.jobId(), null)).satisfies(state -> {
                    assertThat(state.status()).isEqualTo("FAILED");
                    assertThat(state.endTime()).isNotNull();
                    assertThat(state.failure()).startsWith(
                            "java.lang.NumberFormatException: For input string: 'not-a-number-1'");
                }));
    }

    @Test
    void aStreamingJobIsObservedRunningWithItsCheckpointThenCanceled(@TempDir Path checkpoints) throws Exception {
        SessionJob job = streamingJob("observe-" + UUID.randomUUID(), checkpoints);
        gateway.submit(job);

        AtomicReference<JobState> running = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            running.set(observed(gateway, job.jobId(), null));
            assertThat(running.get().status()).isEqualTo("RUNNING");
            assertThat(running.get().checkpoint()).isNotNull();
            // lexically: a newer checkpoint may have replaced (deleted) this one already
            assertThat(Path.of(URI.create(running.get().checkpoint())).startsWith(checkpoints)).isTrue();
        });
        assertThat(running.get().startTime()).isNotNull();
        assertThat(running.get().endTime()).isNull();

        FlinkTestClient.shared().cancel(job.jobId());

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(observed(gateway, job.jobId(), "RUNNING")).satisfies(state -> {
                    assertThat(state.status()).isEqualTo("CANCELED");
                    assertThat(state.endTime()).isGreaterThanOrEqualTo(state.startTime());
                    assertThat(state.failure()).isNull();
                    assertThat(state.checkpoint()).isNotNull();
                    assertThat(Path.of(URI.create(state.checkpoint()))).as("kept on cancel").isDirectory();
                }));
    }

    @Test
    void aJobStoppedWithASavepointReportsTheSavepoint(@TempDir Path checkpoints) throws Exception {
        SessionJob job = streamingJob("observe-" + UUID.randomUUID(), checkpoints);
        gateway.submit(job);
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                .until(() -> FlinkTestClient.shared().allTasksRunning(job.jobId()));

        String savepoint = FlinkTestClient.shared().stopWithSavepoint(job.jobId(),
                checkpoints.resolve("savepoints").toUri().toString());

        // the checkpoint statistics may come from Flink's cache, a few seconds old: the savepoint shows once it expires
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(observed(gateway, job.jobId(), "RUNNING")).satisfies(state -> {
                    assertThat(state.status()).isEqualTo("FINISHED");
                    assertThat(state.checkpoint()).isEqualTo(savepoint);
                }));
    }

    @Test
    void aJobTheClusterDoesNotKnowIsObservedUnknown() {
        String jobId = new JobID().toHexString();

        Observation observation = gateway.observe(Map.of(jobId, "RUNNING"));

        assertThat(observation.unknown()).containsExactly(jobId);
        assertThat(observation.jobs()).isEmpty();
        assertThat(observation.unreachable()).isEmpty();
    }

    @Test
    void releasingAJobOfASessionClusterLeavesItBe() {
        SessionJob job = job("released", "observe-" + UUID.randomUUID());
        gateway.submit(job);

        gateway.release(job.jobId());

        assertThat(gateway.find(job.jobId())).isPresent();
    }

    /** A cluster's jobs as its overview lists them, and the JobIDs the observer knows them by. */
    private record Overview(MultipleJobsDetails details, Map<String, String> known) {

        static Overview of(int jobs, JobStatus status) {
            List<JobDetails> details = new ArrayList<>();
            Map<String, String> known = new HashMap<>();
            for (int i = 0; i < jobs; i++) {
                JobID jobId = new JobID();
                details.add(FlinkRestStub.job(jobId, "job-" + i, status));
                known.put(jobId.toHexString(), JobStatus.RUNNING.name());
            }
            return new Overview(new MultipleJobsDetails(details), known);
        }
    }

    private static FlinkRestStub.Reply overviewOr(URI request, MultipleJobsDetails overview,
                                                 FlinkRestStub.Reply otherwise) {
        return request.getPath().equals("/v1/jobs/overview") ? flink(overview) : otherwise;
    }

    @ParameterizedTest(name = "{0} jobs known of {1} on the cluster")
    @CsvSource({"1000, 1000", "1000, 10000", "10000, 10000"})
    void observingJobsWhoseStatusDidNotChangeIsOneCallHoweverManyThereAre(int known, int onCluster) {
        Overview cluster = Overview.of(onCluster, JobStatus.RUNNING);
        Map<String, String> observed = cluster.known().entrySet().stream().limit(known)
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        try (FlinkRestStub stub = FlinkRestStub.reading(request -> overviewOr(request, cluster.details(),
                     errors(404, "Not found")));
             RestSessionGateway observer = RestSessionGateway.at("stub", stub.address(), Map.of(), SHORT)) {

            Observation observation = observer.observe(observed);

            assertThat(stub.requests()).containsExactly("GET /v1/jobs/overview");
            assertThat(observation.jobs()).hasSize(known).allSatisfy((jobId, state) -> {
                assertThat(state.status()).isEqualTo("RUNNING");
                assertThat(state.startTime()).isEqualTo(1_700_000_000_000L);
                assertThat(state.endTime()).isNull();
            });
            assertThat(observation.unknown()).isEmpty();
        }
    }

    /**
     * The followers of a process's consumers (each with the jobs of its own partitions) asking at the start of the same
     * interval: the cluster is asked once, not once per follower; the next interval reads it again.
     */
    @Test
    void observersAskingWithinOneIntervalShareOneReadOfTheOverview() {
        int followers = 4;
        Duration interval = Duration.ofSeconds(2);
        Overview cluster = Overview.of(1000, JobStatus.RUNNING);
        List<Map<String, String>> partitions = new ArrayList<>();
        for (int i = 0; i < followers; i++) {
            partitions.add(new HashMap<>());
        }
        List<String> jobIds = List.copyOf(cluster.known().keySet());
        for (int i = 0; i < jobIds.size(); i++) {
            partitions.get(i % followers).put(jobIds.get(i), "RUNNING");
        }
        try (FlinkRestStub stub = FlinkRestStub.reading(request -> overviewOr(request, cluster.details(),
                     errors(404, "Not found")));
             RestSessionGateway observer = RestSessionGateway.at("stub", stub.address(), Map.of(), SHORT,
                     interval)) {
            long firstWindow = System.currentTimeMillis() / interval.toMillis();
            List<Observation> observations = partitions.stream()
                    .map(known -> CompletableFuture.supplyAsync(() -> observer.observe(known)))
                    .toList().stream().map(CompletableFuture::join).toList();
            long windows = System.currentTimeMillis() / interval.toMillis() - firstWindow + 1;

            assertThat(observations).allSatisfy(observation -> assertThat(observation.jobs()).hasSize(250)
                    .allSatisfy((jobId, state) -> assertThat(state.status()).isEqualTo("RUNNING")));
            assertThat(stub.requests()).as("overview reads in %d interval(s)", windows)
                    .hasSizeBetween(1, (int) windows).containsOnly("GET /v1/jobs/overview");

            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).until(() -> {
                observer.observe(partitions.get(0));
                return stub.requests().size() > windows;
            });
        }
    }

    /** A job submitted after the interval's read is not in it: it is read again, not taken for one long gone. */
    @Test
    void aJobSubmittedAfterTheIntervalsReadIsFoundByANewRead() {
        Duration interval = Duration.ofMinutes(1);
        List<JobDetails> jobs = new java.util.concurrent.CopyOnWriteArrayList<>(List.of(
                FlinkRestStub.job(new JobID(), "earlier", JobStatus.RUNNING)));
        try (FlinkRestStub stub = FlinkRestStub.reading(request -> overviewOr(request,
                     new MultipleJobsDetails(List.copyOf(jobs)), errors(404, "Not found")));
             RestSessionGateway observer = RestSessionGateway.at("stub", stub.address(), Map.of(), SHORT,
                     interval)) {
            String earlier = jobs.get(0).getJobId().toHexString();
            assertThat(observer.observe(Map.of(earlier, "RUNNING")).jobs()).containsOnlyKeys(earlier);

            JobID submitted = new JobID();
            jobs.add(FlinkRestStub.job(submitted, "submitted", JobStatus.INITIALIZING));
            Observation observation = observer.observe(unreported(submitted.toHexString()));

            assertThat(observation.unknown()).isEmpty();
            assertThat(observation.jobs().get(submitted.toHexString()).status()).isEqualTo("INITIALIZING");
            assertThat(stub.requests()).containsExactly("GET /v1/jobs/overview", "GET /v1/jobs/overview");
            // the new read is the window's: the next observer of the window reads nothing
            observer.observe(Map.of(earlier, "RUNNING", submitted.toHexString(), "INITIALIZING"));
            assertThat(stub.requests()).hasSize(2);
        }
    }

    @Test
    void onlyAJobWhoseStatusChangedCostsMoreCallsAndAFailedOneTellsItsRootCause() {
        Overview cluster = Overview.of(1000, JobStatus.RUNNING);
        List<JobDetails> jobs = new ArrayList<>(cluster.details().getJobs());
        JobDetails failed = FlinkRestStub.job(jobs.get(0).getJobId(), "failed", JobStatus.FAILED);
        JobDetails finished = FlinkRestStub.job(jobs.get(1).getJobId(), "finished", JobStatus.FINISHED);
        jobs.set(0, failed);
        jobs.set(1, finished);
        String trace = """
                org.apache.flink.runtime.JobException: Recovery is suppressed by NoRestartBackoffTimeStrategy
                \tat org.apache.flink.runtime.executiongraph.failover.ExecutionFailureHandler.handleFailure(Unknown)
                Caused by: java.lang.NumberFormatException: For input string: 'x'
                \tat java.base/java.lang.Integer.parseInt(Integer.java:652)
                """;
        JobExceptionsInfoWithHistory exceptions = new JobExceptionsInfoWithHistory(new JobExceptionHistory(List.of(
                new RootExceptionInfo("org.apache.flink.runtime.JobException", trace, 1_700_000_060_000L, Map.of(),
                        List.of())), false));
        try (FlinkRestStub stub = FlinkRestStub.reading(request -> request.getPath().endsWith("/exceptions")
                     ? flink(exceptions)
                     : overviewOr(request, new MultipleJobsDetails(jobs),
                             errors(404, "Checkpointing has not been enabled.")));
             RestSessionGateway observer = RestSessionGateway.at("stub", stub.address(), Map.of(), SHORT)) {

            Observation observation = observer.observe(cluster.known());

            String failedJob = failed.getJobId().toHexString();
            String finishedJob = finished.getJobId().toHexString();
            assertThat(stub.requests()).containsExactlyInAnyOrder(
                    "GET /v1/jobs/overview",
                    "GET /v1/jobs/" + failedJob + "/exceptions?maxExceptions=1",
                    "GET /v1/jobs/" + failedJob + "/checkpoints",
                    "GET /v1/jobs/" + finishedJob + "/checkpoints");
            assertThat(observation.jobs()).hasSize(1000);
            assertThat(observation.jobs().get(failedJob)).satisfies(state -> {
                assertThat(state.status()).isEqualTo("FAILED");
                assertThat(state.endTime()).isEqualTo(1_700_000_060_000L);
                assertThat(state.failure()).isEqualTo("java.lang.NumberFormatException: For input string: 'x'");
                assertThat(state.checkpoint()).isNull();
            });
            assertThat(observation.jobs().get(finishedJob).status()).isEqualTo("FINISHED");
        }
    }

    @Test
    void aJobManagerThatStopsAnsweringCostsOneRoundOfExtraCallsAndTheJobsAreStillReported() {
        Overview cluster = Overview.of(20, JobStatus.FAILED);
        try (FlinkRestStub stub = FlinkRestStub.reading(request -> overviewOr(request, cluster.details(),
                     errors(503, "Service temporarily unavailable due to an ongoing leader election.")));
             RestSessionGateway observer = RestSessionGateway.at("stub", stub.address(), Map.of(), SHORT)) {

            Observation observation = observer.observe(cluster.known());

            assertThat(observation.jobs()).hasSize(20).allSatisfy((jobId, state) -> {
                assertThat(state.status()).isEqualTo("FAILED");
                assertThat(state.failure()).isNull();
            });
            assertThat(stub.requests().stream().filter(request -> !request.endsWith("/overview"))
                    .map(request -> request.split("/")[3]).distinct())
                    .as("jobs asked about before the JobManager was found silent")
                    .hasSize(JobObserver.EXTRA_CALLS_AT_ONCE);
        }
    }

    @Test
    void aSessionClusterTakesOnlySessionJobs() {
        ApplicationJob application = new ApplicationJob(new JobID().toHexString(),
                new JobDescription("app", "", Map.of(), Map.of(), null, null), Map.of(), "SELECT 1", null, null, false);

        assertThatThrownBy(() -> gateway.submit(application)).isInstanceOf(IllegalArgumentException.class);
    }
}
