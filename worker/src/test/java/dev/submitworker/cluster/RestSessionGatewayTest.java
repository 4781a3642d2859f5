package dev.submitworker.cluster;

import static dev.submitworker.cluster.FlinkRestStub.errors;
import static dev.submitworker.cluster.FlinkRestStub.html;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.submitworker.compile.ApplicationJob;
import dev.submitworker.compile.BuiltJob;
import dev.submitworker.compile.SessionJob;
import dev.submitworker.compile.SqlJobBuilder;
import dev.submitworker.core.Dialect;
import dev.submitworker.core.JobDescription;
import dev.submitworker.core.RunMode;
import dev.submitworker.core.SavePointStrategy;
import dev.submitworker.core.Task;
import dev.submitworker.core.port.ClusterGateway.Deployment;
import dev.submitworker.core.port.ClusterGateway.JobState;
import dev.submitworker.core.port.ClusterUnreachableException;
import dev.submitworker.core.port.RefusedException;
import dev.submitworker.testing.SharedInfrastructure;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.operators.ResourceSpec;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobgraph.JobVertex;
import org.apache.flink.streaming.runtime.tasks.SourceStreamTask;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
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
        Task task = new Task(1, taskName, Dialect.FlinkSql, RunMode.STANDALONE, "session", 1, 0,
                SavePointStrategy.NONE, null, true, null, true, false, null, null, null);
        BuiltJob built = new SqlJobBuilder().build(task, requestId, """
                CREATE TEMPORARY TABLE src (id BIGINT) WITH ('connector' = 'datagen', 'number-of-rows' = '1');
                CREATE TEMPORARY TABLE snk (id BIGINT) WITH ('connector' = 'blackhole');
                INSERT INTO snk SELECT id FROM src;
                """, null, false);
        return sessionJob(built.jobGraph());
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

    private static URI deadAddress() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return URI.create("http://127.0.0.1:" + socket.getLocalPort());
        }
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
            });
        }
    }

    @Test
    void anUnreachableClusterIsTransient() throws IOException {
        try (RestSessionGateway closed = RestSessionGateway.at("closed", deadAddress(), Map.of(), SHORT)) {
            assertThatThrownBy(() -> closed.find(new JobID().toHexString()))
                    .isInstanceOf(ClusterUnreachableException.class).hasMessageContaining("'closed'");
        }
    }

    @Test
    void afterTheClusterCouldNotBeReachedItsAddressIsLookedUpAgain() throws IOException {
        AtomicReference<URI> serviceSays = new AtomicReference<>(deadAddress());
        try (RestSessionGateway moving = new RestSessionGateway("moving", serviceSays::get, Map.of(), SHORT)) {
            String before = moving.address();
            serviceSays.set(session);

            assertThatThrownBy(() -> moving.find(new JobID().toHexString()))
                    .isInstanceOf(ClusterUnreachableException.class).hasMessageContaining(before);
            assertThat(moving.find(new JobID().toHexString())).isEmpty();
            assertThat(moving.address()).isEqualTo(hostPort(session));
        }
    }

    @Test
    void aSessionClusterTakesOnlySessionJobs() {
        ApplicationJob application = new ApplicationJob(new JobID().toHexString(),
                new JobDescription("app", "", Map.of(), Map.of(), null, null), Map.of(), "SELECT 1", null, null, false);

        assertThatThrownBy(() -> gateway.submit(application)).isInstanceOf(IllegalArgumentException.class);
    }
}
