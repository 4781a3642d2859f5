package dev.submitworker.compile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.submitworker.cluster.EmbeddedFlinkCluster;
import dev.submitworker.core.RequestId;
import dev.submitworker.core.Task;
import dev.submitworker.testing.RemoteTestFileSystemFactory;
import dev.submitworker.testing.TestJars;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.client.deployment.StandaloneClusterId;
import org.apache.flink.client.program.rest.RestClusterClient;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobgraph.JobVertex;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.runtime.rest.messages.job.JobDetailsInfo;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Builds JobGraphs from real jars compiled by the test; one of them runs on a real MiniCluster. */
class JarJobBuilderTest {

    @TempDir
    static Path jars;

    @TempDir
    Path staging;

    private static Path jobsJar;

    @BeforeAll
    static void buildJar() {
        jobsJar = TestJars.jobsJar(jars);
    }

    private JarJobBuilder builder() {
        return new JarJobBuilder(staging);
    }

    private static Task.JarSpec doubling(String jarUri, String... args) {
        return new Task.JarSpec(jarUri, TestJars.DOUBLING_JOB, List.of(args));
    }

    private static List<Integer> parallelisms(JobGraph graph) {
        return StreamSupport.stream(graph.getVertices().spliterator(), false).map(JobVertex::getParallelism).toList();
    }

    private static List<Path> userJars(JobGraph graph) {
        return graph.getUserJars().stream().map(jar -> Paths.get(jar.toUri())).toList();
    }

    @Test
    void theJobHasTheRequestsJobIdTheParallelismTheArgumentsAndTheJar() {
        BuiltJob job = build(builder(), doubling(jobsJar.toString(), "doubling job"), 3, Map.of(), "req-jar-1",
                null, false);

        assertThat(job.jobId()).isEqualTo(JobID.fromHexString(new RequestId("req-jar-1").jobId()));
        assertThat(job.jobGraph().getJobID()).isEqualTo(JobID.fromHexString(new RequestId("req-jar-1").jobId()));
        assertThat(parallelisms(job.jobGraph())).isNotEmpty().containsOnly(3);
        assertThat(job.jobName()).isEqualTo("doubling job"); // the program's execute(args[0])
        assertThat(userJars(job.jobGraph())).containsExactly(jobsJar);
        assertThat(job.jobGraph().getSavepointRestoreSettings()).isEqualTo(SavepointRestoreSettings.none());
        assertThat(job.configuration()).containsEntry("parallelism.default", "3");
        assertThat(job.statement()).isEqualTo("EXECUTE JAR WITH ('uri'='" + jobsJar + "', 'main-class'='"
                + TestJars.DOUBLING_JOB + "', 'args'='\"doubling job\"')");
    }

    @Test
    void configJsonReachesTheProgramAndWinsOverTheTaskParallelism() {
        BuiltJob job = build(builder(), doubling(jobsJar.toUri().toString()), 3,
                Map.of("pipeline.name", "named-by-config", "parallelism.default", "2"), "req-jar-2", null, false);

        assertThat(job.jobName()).isEqualTo("named-by-config");
        assertThat(parallelisms(job.jobGraph())).containsOnly(2);
        assertThat(userJars(job.jobGraph())).containsExactly(jobsJar); // a file: URI is used in place too
    }

    @Test
    void withoutAParallelismFlinksClientDefaultApplies() {
        BuiltJob job = build(builder(), doubling(jobsJar.toString()), null, Map.of(), "req-jar-8", null, false);

        assertThat(parallelisms(job.jobGraph())).containsOnly(1);
        assertThat(job.configuration()).doesNotContainKey("parallelism.default");
    }

    @Test
    void aSavepointIsRestoredWithTheRequestedNonRestoredStatePolicy() {
        BuiltJob job = build(builder(), doubling(jobsJar.toString()), 1, Map.of(), "req-jar-3", "file:///sp/savepoint-1",
                true);

        assertThat(job.jobGraph().getSavepointRestoreSettings())
                .isEqualTo(SavepointRestoreSettings.forPath("file:///sp/savepoint-1", true));
        assertThat(job.configuration()).containsEntry("execution.state-recovery.path", "file:///sp/savepoint-1");
    }

    @Test
    void aSavepointInConfigJsonAppliesWhenNoneIsGiven() {
        BuiltJob job = build(builder(), doubling(jobsJar.toString()), 1,
                Map.of("execution.state-recovery.path", "file:///sp/savepoint-2"), "req-jar-4", null, false);

        assertThat(job.jobGraph().getSavepointRestoreSettings().getRestorePath()).isEqualTo("file:///sp/savepoint-2");
    }

    @Test
    void aMissingJarIsNamed() {
        Path missing = jars.resolve("nope.jar");
        assertThatThrownBy(() -> build(builder(), doubling(missing.toString()), 1, Map.of(), "r", null, false))
                .isInstanceOf(JobBuildException.class)
                .hasMessageContaining("The jar '" + missing + "' does not exist");
        String remote = RemoteTestFileSystemFactory.uriOf(missing);
        assertThatThrownBy(() -> build(builder(), doubling(remote), 1, Map.of(), "r", null, false))
                .isInstanceOf(JobBuildException.class)
                .hasMessageContaining("The jar '" + remote + "' does not exist");
    }

    @Test
    void aMissingMainClassIsNamed() {
        Task.JarSpec jar = new Task.JarSpec(jobsJar.toString(), "testjobs.NoSuchJob", List.of());
        assertThatThrownBy(() -> build(builder(), jar, 1, Map.of(), "r", null, false))
                .isInstanceOf(JobBuildException.class)
                .hasMessageContaining("Cannot load the program of jar '" + jobsJar + "'")
                .hasMessageContaining("'testjobs.NoSuchJob' was not found");
    }

    @Test
    void aFailingMainMethodIsReportedWithItsOwnMessage() {
        Task.JarSpec jar = new Task.JarSpec(jobsJar.toString(), TestJars.FAILING_JOB, List.of());
        assertThatThrownBy(() -> build(builder(), jar, 1, Map.of(), "r", null, false))
                .isInstanceOf(JobBuildException.class)
                .hasMessageContaining("The main method of '" + TestJars.FAILING_JOB + "'")
                .hasMessageEndingWith(TestJars.FAILING_JOB_MESSAGE);
    }

    @Test
    void aRemoteJarIsStagedUntilReleased() {
        JarJobBuilder builder = builder();
        BuiltJob job = build(builder, doubling(RemoteTestFileSystemFactory.uriOf(jobsJar)), 1, Map.of(), "req-jar-5",
                null, false);

        Path staged = userJars(job.jobGraph()).get(0);
        assertThat(staged).startsWith(staging).hasSameBinaryContentAs(jobsJar);
        builder.release(job);
        assertThat(staged).doesNotExist();
        assertThat(staging).isEmptyDirectory();
        assertThat(jobsJar).exists();
    }

    @Test
    void librariesNestedInTheJarOutliveTheBuildUntilReleased() {
        Path library = TestJars.jar(jars, "names.jar", Map.of("testlib.Names", """
                package testlib;
                public class Names {
                    public static String jobName() { return "named-by-nested-library"; }
                }
                """), List.of());
        Path fatJar = TestJars.jar(jars, "fat.jar", Map.of("testjobs.LibraryJob", """
                package testjobs;
                import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
                import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
                public class LibraryJob {
                    public static void main(String[] args) throws Exception {
                        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
                        env.fromSequence(1, 10).sinkTo(new DiscardingSink<>());
                        env.execute(testlib.Names.jobName());
                    }
                }
                """), List.of(library));
        JarJobBuilder builder = builder();
        BuiltJob job = build(builder, new Task.JarSpec(fatJar.toString(), "testjobs.LibraryJob", List.of()), 1,
                Map.of(), "req-jar-6", null, false);

        assertThat(job.jobName()).isEqualTo("named-by-nested-library");
        List<Path> jarsOfJob = userJars(job.jobGraph());
        assertThat(jarsOfJob).hasSize(2).allMatch(Files::isRegularFile).contains(fatJar);
        Path stagedLibrary = jarsOfJob.get(1);
        assertThat(stagedLibrary).startsWith(staging).hasSameBinaryContentAs(library);
        builder.release(job);
        assertThat(stagedLibrary).doesNotExist();
        assertThat(fatJar).exists();
    }

    @Test
    void theBuiltJobRunsOnARealClusterWithTheRequestedParallelism() throws Exception {
        BuiltJob job = build(builder(), doubling(jobsJar.toString(), "doubling on a cluster"), 2, Map.of(), "req-jar-7",
                null, false);

        try (EmbeddedFlinkCluster cluster = EmbeddedFlinkCluster.start(0, 4, Map.of());
                RestClusterClient<StandaloneClusterId> client = client(cluster)) {
            assertThat(client.submitJob(job.jobGraph()).get(60, TimeUnit.SECONDS)).isEqualTo(job.jobId());
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                    assertThat(client.getJobStatus(job.jobId()).get(10, TimeUnit.SECONDS)).isEqualTo(JobStatus.FINISHED));
            JobDetailsInfo details = client.getJobDetails(job.jobId()).get(10, TimeUnit.SECONDS);
            assertThat(details.getName()).isEqualTo("doubling on a cluster");
            assertThat(details.getJobVertexInfos()).isNotEmpty()
                    .allSatisfy(vertex -> assertThat(vertex.getParallelism()).isEqualTo(2));
        }
    }

    private static RestClusterClient<StandaloneClusterId> client(EmbeddedFlinkCluster cluster) throws Exception {
        Configuration configuration = new Configuration();
        configuration.set(RestOptions.ADDRESS, cluster.restAddress().getHost());
        configuration.set(RestOptions.PORT, cluster.restAddress().getPort());
        return new RestClusterClient<>(configuration, StandaloneClusterId.getInstance());
    }

    /** A program's options as the compiler puts them together: the parallelism field, then configJson. */
    private static BuiltJob build(JarJobBuilder builder, Task.JarSpec jar, Integer parallelism,
                                  Map<String, String> configJson, String requestId, String savepointPath,
                                  boolean allowNonRestoredState) {
        Map<String, String> options = new java.util.LinkedHashMap<>();
        if (parallelism != null) {
            options.put("parallelism.default", parallelism.toString());
        }
        options.putAll(configJson);
        return builder.build(jar, options, requestId, savepointPath, allowNonRestoredState);
    }
}
