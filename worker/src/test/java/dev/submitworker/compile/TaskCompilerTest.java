package dev.submitworker.compile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.submitworker.core.Dialect;
import dev.submitworker.core.RunMode;
import dev.submitworker.core.SavePointStrategy;
import dev.submitworker.core.Task;
import dev.submitworker.testing.TestJars;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TaskCompilerTest {

    @TempDir
    static Path jars;

    @TempDir
    Path staging;

    private static Path jobsJar;

    @BeforeAll
    static void buildJar() {
        jobsJar = TestJars.jobsJar(jars);
    }

    private TaskCompiler compiler() {
        return new TaskCompiler(new SqlJobBuilder(), new JarJobBuilder(staging), null);
    }

    private static Task sqlTask(String script) {
        return new Task(1, "execute-jar", Dialect.FlinkSql, RunMode.LOCAL, null, null, 0, SavePointStrategy.NONE,
                null, false, null, true, false, null, script, null);
    }

    @Test
    void aLongSetValueBeforeExecuteJarIsReadWithoutOverflowingTheStack() {
        String script = "SET 'custom.note' = '" + "x".repeat(200_000) + "';\n"
                + "EXECUTE JAR WITH ('uri' = '/no/such/program.jar', 'main-class' = 'com.acme.Main');";

        // the SET is accepted and the jar is looked for: the failure is the missing jar, not the stack
        assertThatThrownBy(() -> compiler().compile(sqlTask(script), "req-long-set", null, Map.of()))
                .isInstanceOf(JobBuildException.class)
                .hasMessageContaining("/no/such/program.jar");
    }

    @Test
    void theSetStatementsBeforeExecuteJarAreReadAsFlinksDriverReadsThem() {
        String script = """
                -- options for the program; read by Flink's parser
                SET 'pipeline.max-parallelism' = '64'; -- a comment after it
                SET custom.plain = value;
                EXECUTE JAR WITH (
                  'uri' = '%s', -- the jar; built by the test
                  'main-class' = '%s',
                  'args' = 'named-by-args'
                );;
                -- the end
                """.formatted(jobsJar, TestJars.DOUBLING_JOB);
        TaskCompiler compiler = compiler();

        BuiltJob job = compiler.compile(sqlTask(script), "req-execute-jar", null, Map.of());

        try {
            assertThat(job.configuration()).containsEntry("pipeline.max-parallelism", "64")
                    .containsEntry("custom.plain", "value");
            assertThat(job.jobName()).isEqualTo("named-by-args");
        } finally {
            compiler.release(job);
        }
    }

    @Test
    void onlySetStatementsMayComeBeforeExecuteJar() {
        String script = "CREATE TEMPORARY TABLE t (x INT) WITH ('connector' = 'datagen');\n"
                + "EXECUTE JAR WITH ('uri' = '/no/such/program.jar');";

        assertThatThrownBy(() -> compiler().compile(sqlTask(script), "req-not-set", null, Map.of()))
                .isInstanceOf(JobBuildException.class)
                .hasMessageContaining("Statement 1 (line 1 of the script) cannot go with EXECUTE JAR");
        assertThatThrownBy(() -> compiler().compile(sqlTask("SET pipeline.name = x; -- c\n"
                + "EXECUTE JAR WITH ('uri' = '/no/such/program.jar');"), "req-glued-set", null, Map.of()))
                .isInstanceOf(JobBuildException.class)
                .hasMessageContaining("cannot go with EXECUTE JAR")
                .hasMessageContaining("Encountered \"pipeline\"");
    }

    @Test
    void executeJarMustBeTheLastStatement() {
        String script = "EXECUTE JAR WITH ('uri' = '/no/such/program.jar');\nSET 'a' = 'b';";

        assertThatThrownBy(() -> compiler().compile(sqlTask(script), "req-not-last", null, Map.of()))
                .isInstanceOf(JobBuildException.class)
                .hasMessageContaining("EXECUTE JAR must be the last statement");
    }

    @Test
    void executeJarInACommentOrAStringLeavesTheScriptSql() {
        String script = """
                -- EXECUTE JAR WITH ('uri' = '/no/such/program.jar');
                CREATE TEMPORARY TABLE snk (s STRING) WITH ('connector' = 'blackhole');
                INSERT INTO snk SELECT 'EXECUTE JAR WITH (';
                """;

        BuiltJob job = compiler().compile(sqlTask(script), "req-sql", null, Map.of());

        assertThat(job.jobGraph()).isNotNull();
        assertThat(job.statement()).isEqualTo(script);
    }
}
