package dev.submitworker.compile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.InstanceOfAssertFactories.type;

import dev.submitworker.core.ClusterTarget;
import dev.submitworker.core.Dialect;
import dev.submitworker.core.JobDescription;
import dev.submitworker.core.JobPlan;
import dev.submitworker.core.RequestId;
import dev.submitworker.core.RunMode;
import dev.submitworker.core.SavePointStrategy;
import dev.submitworker.core.SubmitCommand;
import dev.submitworker.core.Task;
import dev.submitworker.core.port.BadParametersException;
import dev.submitworker.core.port.CompileFailedException;
import dev.submitworker.core.port.CompiledJob;
import dev.submitworker.core.port.JobCompiler;
import dev.submitworker.core.port.RefusedException;
import dev.submitworker.testing.TestJars;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.JobID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The compiler behind the port, with real SQL and real jars compiled by the test: what each run mode gets, and how
 * every failure of a task, of a command, or of the task's own code becomes the port's exception.
 */
class FlinkJobCompilerTest {

    private static final String SOURCES = """
            CREATE TEMPORARY TABLE src (id BIGINT) WITH ('connector' = 'datagen', 'number-of-rows' = '3');
            CREATE TEMPORARY TABLE snk (id BIGINT) WITH ('connector' = 'blackhole');
            """;

    @TempDir
    static Path jars;

    @TempDir
    Path staging;

    private static Path jobsJar;
    private static Path faultyJar;

    @BeforeAll
    static void buildJars() {
        jobsJar = TestJars.jobsJar(jars);
        faultyJar = TestJars.faultyJar(jars);
    }

    private FlinkJobCompiler compiler() {
        return new FlinkJobCompiler(new TaskCompiler(new SqlJobBuilder(), new JarJobBuilder(staging), null));
    }

    private static Task sqlTask(String statement, Map<String, String> variables, Map<String, String> configJson) {
        return new Task(7, "orders", Dialect.FlinkSql, RunMode.LOCAL, null, 2, 1000, SavePointStrategy.NONE, null,
                true, variables, true, false, configJson, statement, null);
    }

    private static Task jarTask(Path jar, String mainClass) {
        return new Task(8, "program", Dialect.FlinkJar, RunMode.LOCAL, null, 1, 0, SavePointStrategy.NONE, null, true,
                null, true, false, null, null, new Task.JarSpec(jar.toString(), mainClass, List.of()));
    }

    private static Task udfTask(String functionClass) {
        return sqlTask("CREATE TEMPORARY FUNCTION f AS '" + functionClass + "' USING JAR '" + faultyJar + "';\n"
                + SOURCES + "INSERT INTO snk SELECT f(id) FROM src;", null, null);
    }

    private static SubmitCommand command(String requestId, Map<String, String> variables) {
        return new SubmitCommand(new RequestId(requestId), 7, null, variables);
    }

    private static ClusterTarget session() {
        return new ClusterTarget("session", RunMode.STANDALONE);
    }

    private CompiledJob compile(Task task, String requestId) {
        return compiler().compile(task, command(requestId, Map.of()), session());
    }

    @ParameterizedTest
    @EnumSource(value = RunMode.class, names = {"LOCAL", "STANDALONE", "KUBERNETES_SESSION"})
    void aSessionClusterGetsTheCompiledJobGraphWithTheRequestsJobId(RunMode mode) {
        Task task = sqlTask(SOURCES + "INSERT INTO snk SELECT id FROM src WHERE id > ${min};",
                Map.of("min", "0"), Map.of("pipeline.name", "orders-job"));
        RequestId requestId = new RequestId("session-" + mode);

        CompiledJob compiled = compiler().compile(task, new SubmitCommand(requestId, 7, null, Map.of("min", "5")),
                new ClusterTarget("entry", mode));

        SessionJob job = assertThat(compiled).asInstanceOf(type(SessionJob.class)).actual();
        assertThat(job.jobId()).isEqualTo(requestId.jobId());
        assertThat(job.jobGraph().getJobID()).isEqualTo(JobID.fromHexString(requestId.jobId()));
        JobDescription description = job.description();
        assertThat(description.jobName()).isEqualTo("orders-job");
        assertThat(description.statement()).endsWith("INSERT INTO snk SELECT id FROM src WHERE id > 5;");
        assertThat(description.variables()).containsExactly(Map.entry("min", "5"));
        assertThat(description.configuration()).containsEntry("parallelism.default", "2")
                .containsEntry("pipeline.name", "orders-job");
        assertThat(description.savepointPath()).isNull();
        assertThat(description.note()).isNull();
    }

    @Test
    void anExplainCompilesAsASubmitAndAddsTheSqlPlanAndTheJobGraphsVertices() {
        Task task = sqlTask(SOURCES + "SET 'pipeline.name' = 'set-name';\n"
                + "INSERT INTO snk SELECT id FROM src WHERE id > ${min};", Map.of("min", "0"), null);
        SubmitCommand submit = new SubmitCommand(new RequestId("explained"), 7, null, Map.of("min", "5"));

        JobCompiler.Explanation explained = compiler().explain(task, SubmitCommand.explain(new RequestId("explained"),
                7, Map.of("min", "5")), session());

        SessionJob job = (SessionJob) compiler().compile(task, submit, session());
        assertThat(explained.job()).isEqualTo(job.description());
        assertThat(explained.job().jobName()).isEqualTo("set-name");
        assertThat(explained.plan().optimizedPlan()).contains("== Optimized Execution Plan ==")
                .contains("default_database, src]]").contains("default_database.snk]").contains("> 5");
        assertThat(explained.plan().vertices()).extracting(JobPlan.Vertex::id, JobPlan.Vertex::parallelism)
                .containsExactlyElementsOf(job.jobGraph().getVerticesSortedTopologicallyFromSources().stream()
                        .map(vertex -> tuple(vertex.getID().toHexString(), vertex.getParallelism())).toList());
        assertThat(explained.plan().vertices().get(0).inputs()).isEmpty();
        assertThat(explained.plan().vertices().get(explained.plan().vertices().size() - 1).inputs()).isNotEmpty();
    }

    @Test
    void anExplainedJarProgramHasItsVerticesNoSqlPlanAndLeavesNothingStaged() throws IOException {
        JobCompiler.Explanation explained = compiler().explain(jarTask(jobsJar, TestJars.DOUBLING_JOB),
                SubmitCommand.explain(new RequestId("explained-jar"), 8, Map.of()), session());

        assertThat(explained.plan().optimizedPlan()).isNull();
        assertThat(explained.plan().vertices()).isNotEmpty()
                .allSatisfy(vertex -> assertThat(vertex.parallelism()).isEqualTo(1));
        try (var staged = Files.list(staging)) {
            assertThat(staged).isEmpty();
        }
    }

    @Test
    void anExplainOfAnApplicationClusterTaskIsRefused() {
        Task task = sqlTask(SOURCES + "INSERT INTO snk SELECT id FROM src;", null, null);

        assertThatThrownBy(() -> compiler().explain(task, SubmitCommand.explain(new RequestId("explained-app"), 7,
                Map.of()), new ClusterTarget("k8s-app", RunMode.KUBERNETES_APPLICATION)))
                .isExactlyInstanceOf(RefusedException.class)
                .hasMessageContaining("compiled by its application cluster's JobManager");
    }

    @Test
    void anApplicationClusterGetsThePreparedScriptWithoutCompilingIt(@TempDir Path savepoint) throws IOException {
        Files.writeString(savepoint.resolve("_metadata"), "metadata");
        // a connector the worker does not have: only the application cluster's JobManager compiles the script
        Task task = sqlTask("""
                CREATE TEMPORARY TABLE src (id BIGINT) WITH ('connector' = 'only-in-the-image');
                CREATE TEMPORARY TABLE snk (id BIGINT) WITH ('connector' = 'blackhole');
                INSERT INTO snk SELECT id FROM src WHERE id > ${min};
                """, Map.of("min", "0"), Map.of("pipeline.name", "from-config-json", "parallelism.default", "4"));
        RequestId requestId = new RequestId("application");

        CompiledJob compiled = compiler().compile(task,
                new SubmitCommand(requestId, 7, savepoint.toString(), Map.of("min", "9")),
                new ClusterTarget("k8s-app", RunMode.KUBERNETES_APPLICATION));

        ApplicationJob job = assertThat(compiled).asInstanceOf(type(ApplicationJob.class)).actual();
        assertThat(job.jobId()).isEqualTo(requestId.jobId());
        assertThat(job.script()).contains("'only-in-the-image'").endsWith("WHERE id > 9;\n");
        assertThat(job.jar()).isNull();
        assertThat(job.savepointPath()).isEqualTo(savepoint.toString());
        // the task's fields, then configJson over them
        assertThat(job.options()).containsEntry("parallelism.default", "4")
                .containsEntry("pipeline.name", "from-config-json")
                .containsEntry("execution.runtime-mode", "STREAMING")
                .containsEntry("execution.checkpointing.interval", "1 s");
        JobDescription description = job.description();
        assertThat(description.jobName()).isEqualTo("from-config-json");
        assertThat(description.statement()).isEqualTo(job.script());
        assertThat(description.configuration()).isEqualTo(job.options());
        assertThat(description.variables()).containsExactly(Map.entry("min", "9"));
        assertThat(description.savepointPath()).isEqualTo(savepoint.toString());
    }

    @Test
    void anExecuteJarScriptIsRefusedForAnApplicationClusterWhoseSqlDriverCannotRunIt() {
        Task task = sqlTask("""
                SET 'pipeline.max-parallelism' = '64';
                EXECUTE JAR WITH ('uri' = 'local:///opt/flink/usrlib/app.jar');
                """, Map.of(), Map.of());

        assertThatThrownBy(() -> compiler().compile(task, command("application-execute-jar", Map.of()),
                new ClusterTarget("k8s-app", RunMode.KUBERNETES_APPLICATION)))
                .isInstanceOf(RefusedException.class)
                .satisfies(e -> assertThat(((RefusedException) e).detail()).contains("EXECUTE JAR")
                        .contains("FlinkJar task"));
    }

    @Test
    void anApplicationClusterGetsAJarProgramAsItIs() {
        Task task = jarTask(Path.of("/opt/flink/usrlib/app.jar"), "com.acme.Main");

        CompiledJob compiled = compiler().compile(task, command("application-jar", Map.of()),
                new ClusterTarget("k8s-app", RunMode.KUBERNETES_APPLICATION));

        ApplicationJob job = assertThat(compiled).asInstanceOf(type(ApplicationJob.class)).actual();
        assertThat(job.script()).isNull();
        assertThat(job.jar()).isEqualTo(task.jar());
        assertThat(job.options()).containsEntry("parallelism.default", "1").containsEntry("pipeline.name", "program");
        assertThat(job.description().statement()).isEqualTo(ExecuteJarStatement.toStatement(task.jar()));
    }

    @Test
    void aCommandThatDoesNotFitItsTaskIsBadParameters() {
        Task task = sqlTask(SOURCES + "INSERT INTO snk SELECT id FROM src;", null, null);

        assertThatThrownBy(() -> compiler().compile(task, command("bad-parameters", Map.of("undeclared", "x")),
                session()))
                .isExactlyInstanceOf(BadParametersException.class)
                .hasMessageContaining("Variable 'undeclared' is not declared");
    }

    @Test
    void aTaskThatCannotBeCompiledIsRefusedWithTheReasonAsDetail() {
        Task task = sqlTask(SOURCES + "INSERT INTO snk SELECT id FROMM src;", null, null);

        assertThatThrownBy(() -> compile(task, "refused"))
                .isExactlyInstanceOf(RefusedException.class)
                .hasMessage("Task 7 (orders) could not be compiled into a Flink job")
                .extracting(e -> ((RefusedException) e).detail()).asString()
                .startsWith("Statement 3 (line 3 of the script) failed: SQL parse failed. Encountered \"src\"");
    }

    @Test
    void aRunModeTheWorkerDoesNotServeIsRefused() {
        Task task = sqlTask(SOURCES + "INSERT INTO snk SELECT id FROM src;", null, null);

        assertThatThrownBy(() -> compiler().compile(task, command("yarn", Map.of()),
                new ClusterTarget("yarn", RunMode.YARN_SESSION)))
                .isExactlyInstanceOf(RefusedException.class)
                .hasMessageContaining("yarn-session");
    }

    @Test
    void aUdfWithAFailingStaticInitializerFailsTheCommandNotTheWorker() {
        assertThatThrownBy(() -> compile(udfTask("faulty.BrokenInitFunction"), "udf-init"))
                .isExactlyInstanceOf(CompileFailedException.class)
                .hasMessage("Task 7 (orders) could not be compiled into a Flink job")
                .extracting(e -> ((RefusedException) e).detail()).asString()
                .isEqualTo("java.lang.ExceptionInInitializerError: UDF's static init says no");
    }

    @Test
    void aProgramWithAFailingStaticInitializerFailsTheCommand() {
        assertThatThrownBy(() -> compile(jarTask(faultyJar, "faulty.BrokenInitMain"), "main-init"))
                .isExactlyInstanceOf(CompileFailedException.class)
                .extracting(e -> ((RefusedException) e).detail()).asString()
                .startsWith("The main method of 'faulty.BrokenInitMain' in jar '" + faultyJar + "' failed")
                .contains("main's static init says no")
                .endsWith("(java.lang.ExceptionInInitializerError)");
    }

    @Test
    void aStackOverflowInTheProgramFailsTheCommand() {
        assertThatThrownBy(() -> compile(jarTask(faultyJar, "faulty.RecursingMain"), "stack"))
                .isExactlyInstanceOf(CompileFailedException.class)
                .extracting(e -> ((RefusedException) e).detail()).asString()
                .endsWith("The program caused an error: java.lang.StackOverflowError");
    }

    @Test
    void anOutOfMemoryErrorIsNotTheCommandsToHandle() {
        // Flink wraps it in a ProgramInvocationException: it is found in the chain and thrown as it is
        assertThatThrownBy(() -> compile(jarTask(faultyJar, "faulty.OutOfMemoryMain"), "oom"))
                .isExactlyInstanceOf(OutOfMemoryError.class)
                .hasMessage("simulated");
    }

    @Test
    void aProgramCallingSystemExitIsRefusedAndTheWorkerLivesOn() {
        assertThatThrownBy(() -> compile(jarTask(faultyJar, "faulty.ExitingMain"), "exit"))
                .isExactlyInstanceOf(CompileFailedException.class)
                .hasMessage("Task 8 (program) could not be compiled into a Flink job")
                .extracting(e -> ((RefusedException) e).detail())
                .isEqualTo("the task's code called System.exit(3) while its job was being built");

        // this JVM is still here, and a well-behaved program compiles after it
        CompiledJob next = compile(jarTask(jobsJar, TestJars.DOUBLING_JOB), "after-exit");
        assertThat(next).isInstanceOf(SessionJob.class);
        assertThat(((SessionJob) next).jobGraph().getJobID()).isEqualTo(
                JobID.fromHexString(new RequestId("after-exit").jobId()));
    }

    @Test
    void aUdfCallingSystemExitIsRefusedToo() {
        // the planner loads the function outside any program's main: the whole compile is watched
        assertThatThrownBy(() -> compile(udfTask("faulty.ExitingFunction"), "udf-exit"))
                .isExactlyInstanceOf(CompileFailedException.class)
                .extracting(e -> ((RefusedException) e).detail())
                .isEqualTo("the task's code called System.exit(4) while its job was being built");
    }
}
