package dev.submitworker.compile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.submitworker.catalog.DirectoryTaskCatalog;
import dev.submitworker.core.Dialect;
import dev.submitworker.core.RequestId;
import dev.submitworker.core.RunMode;
import dev.submitworker.core.SavePointStrategy;
import dev.submitworker.core.Task;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.apache.flink.api.common.JobID;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobgraph.JobType;
import org.apache.flink.runtime.jobgraph.JobVertex;
import org.junit.jupiter.api.Test;

/** Compiles real SQL with Flink's planner (nothing is executed; no cluster is needed to build a JobGraph). */
class SqlJobBuilderTest {

    private static final SqlJobBuilder builder = new SqlJobBuilder();

    private static final String SOURCES = """
            CREATE TEMPORARY TABLE src (id BIGINT, name STRING) WITH ('connector' = 'datagen', 'number-of-rows' = '3');
            CREATE TEMPORARY TABLE snk_a (id BIGINT) WITH ('connector' = 'blackhole');
            CREATE TEMPORARY TABLE snk_b (name STRING) WITH ('connector' = 'blackhole');
            """;

    private static Task task(Integer parallelism, boolean batch, Map<String, String> configJson) {
        return new Task(1, "builder-test", Dialect.FlinkSql, RunMode.LOCAL, null, parallelism, 0,
                SavePointStrategy.NONE, null, true, null, true, batch, configJson, null, null);
    }

    private static BuiltJob build(String script) {
        return builder.build(task(null, false, null), "req-1", script, null, false);
    }

    private static String vertexNames(JobGraph graph) {
        return String.join(" | ", StreamSupport.stream(graph.getVertices().spliterator(), false)
                .map(JobVertex::getName).toList());
    }

    @Test
    void theJobCarriesTheRequestsJobIdAndTheTaskName() {
        BuiltJob job = build(SOURCES + "INSERT INTO snk_a SELECT id FROM src;");

        assertThat(job.jobId()).isEqualTo(JobID.fromHexString(new RequestId("req-1").jobId()));
        assertThat(job.jobGraph().getJobID()).isEqualTo(JobID.fromHexString(new RequestId("req-1").jobId()));
        assertThat(job.jobGraph().getName()).isEqualTo("builder-test");
        assertThat(job.jobGraph().getJobType()).isEqualTo(JobType.STREAMING);
    }

    @Test
    void severalInsertsBecomeOneJob() {
        BuiltJob job = build(SOURCES + """
                INSERT INTO snk_a SELECT id FROM src;
                INSERT INTO snk_b SELECT name FROM src;
                """);
        assertThat(vertexNames(job.jobGraph())).contains("snk_a").contains("snk_b");
    }

    @Test
    void anExecuteStatementSetBlockIsOneJobToo() {
        BuiltJob job = build(SOURCES + """
                EXECUTE STATEMENT SET BEGIN
                  INSERT INTO snk_a SELECT id FROM src;
                  INSERT INTO snk_b SELECT name FROM src;
                END;
                """);
        assertThat(vertexNames(job.jobGraph())).contains("snk_a").contains("snk_b");
    }

    @Test
    void aSqlClientStyleStatementSetIsOneJob() {
        BuiltJob job = build(SOURCES + """
                BEGIN STATEMENT SET;
                INSERT INTO snk_a SELECT id FROM src;
                INSERT INTO snk_b SELECT name FROM src;
                END;
                """);
        assertThat(vertexNames(job.jobGraph())).contains("snk_a").contains("snk_b");
    }

    @Test
    void aStatementSetIsHeldToTheRulesOfFlinksDriver() {
        assertThatThrownBy(() -> build(SOURCES + """
                BEGIN STATEMENT SET;
                INSERT INTO snk_a SELECT id FROM src;
                SET 'pipeline.name' = 'inside';
                END;
                """)).isInstanceOf(JobBuildException.class)
                .hasMessageContaining("Statement 6 (line 6 of the script) failed: only INSERT statements may stand "
                        + "between BEGIN STATEMENT SET (Statement 4 (line 4 of the script)) and END");
        assertThatThrownBy(() -> build(SOURCES + "BEGIN STATEMENT SET;\nINSERT INTO snk_a SELECT id FROM src;"))
                .isInstanceOf(JobBuildException.class)
                .hasMessageContaining("Statement 4 (line 4 of the script) begins a statement set that has no END");
        assertThatThrownBy(() -> build(SOURCES + "INSERT INTO snk_a SELECT id FROM src;\nEND;"))
                .isInstanceOf(JobBuildException.class)
                .hasMessageContaining("Statement 5 (line 5 of the script) failed: END has no BEGIN STATEMENT SET");
    }

    @Test
    void commentsAroundStatementsAndALastStatementWithoutSemicolonCompile() {
        BuiltJob job = build("-- the sources; and sinks\n" + SOURCES + "/* the job */\n"
                + "INSERT INTO snk_a SELECT id FROM src -- no ';' at the end");
        assertThat(vertexNames(job.jobGraph())).contains("snk_a");
    }

    @Test
    void anUnquotedSetFollowedByACommentFailsAsOnFlinksDriverWithAHint() {
        assertThatThrownBy(() -> build("SET pipeline.name = from-set; -- names the job\n" + SOURCES
                + "INSERT INTO snk_a SELECT id FROM src;"))
                .isInstanceOf(JobBuildException.class)
                .hasMessageContaining("Statement 1 (line 1 of the script) failed")
                .hasMessageContaining("write SET 'key' = 'value'");
        BuiltJob job = build("SET pipeline.name = from-set;\n" + SOURCES + "INSERT INTO snk_a SELECT id FROM src;");
        assertThat(job.jobGraph().getName()).isEqualTo("from-set");
    }

    @Test
    void aStatementEndTheDriverAndTheParserReadDifferentlyIsRefused() {
        assertThatThrownBy(() -> build(SOURCES + "INSERT INTO snk_a SELECT id FROM src // no; INSERT INTO snk_b "
                + "SELECT name FROM src\n;"))
                .isInstanceOf(JobBuildException.class)
                .hasMessageContaining("Statement 4 (line 4 of the script) is read differently by Flink's SQL driver "
                        + "and its parser");
    }

    @Test
    void whereTheDriverRunsOnPastAStatementEndTheFailureSaysWhere() {
        assertThatThrownBy(() -> build(SOURCES + "INSERT INTO snk_b SELECT E'it\\'s' FROM src;\n"
                + "INSERT INTO snk_a SELECT id FROM src;"))
                .isInstanceOf(JobBuildException.class)
                .hasMessageContaining("Statement 4 (line 4 of the script) failed: only single statement supported")
                .hasMessageContaining("the ';' at line 4, column 43");
    }

    @Test
    void setStatementsWinOverTaskFieldsAndConfigJson() {
        BuiltJob job = builder.build(task(2, false, Map.of("pipeline.name", "from-config-json",
                        "pipeline.max-parallelism", "64")), "req-2",
                "SET 'pipeline.name' = 'from-set';\n" + SOURCES + "INSERT INTO snk_a SELECT id FROM src;", null, false);

        assertThat(job.jobGraph().getName()).isEqualTo("from-set");
        assertThat(job.configuration()).containsEntry("pipeline.name", "from-set")
                .containsEntry("pipeline.max-parallelism", "64")
                .containsEntry("parallelism.default", "2");
        assertThat(job.jobGraph().getVertices()).allSatisfy(v -> assertThat(v.getParallelism()).isEqualTo(2));
    }

    @Test
    void configJsonWinsOverTaskFields() {
        BuiltJob job = builder.build(task(2, false, Map.of("parallelism.default", "3")), "req-3",
                SOURCES + "INSERT INTO snk_a SELECT id FROM src;", null, false);
        assertThat(job.jobGraph().getVertices()).allSatisfy(v -> assertThat(v.getParallelism()).isEqualTo(3));
    }

    @Test
    void batchModelGivesABatchJob() {
        BuiltJob job = builder.build(task(null, true, null), "req-4",
                SOURCES + "INSERT INTO snk_a SELECT id FROM src;", null, false);
        assertThat(job.jobGraph().getJobType()).isEqualTo(JobType.BATCH);
    }

    @Test
    void aSavepointPathBecomesTheRestoreSetting() {
        BuiltJob job = builder.build(task(null, false, null), "req-5",
                SOURCES + "INSERT INTO snk_a SELECT id FROM src;", "file:///savepoints/sp-1", false);
        assertThat(job.jobGraph().getSavepointRestoreSettings().getRestorePath()).isEqualTo("file:///savepoints/sp-1", false);
    }

    @Test
    void aScriptWithoutInsertIsRefused() {
        assertThatThrownBy(() -> build(SOURCES)).isInstanceOf(JobBuildException.class)
                .hasMessageContaining("no INSERT");
    }

    @Test
    void aSelectIsRefusedWithAHint() {
        assertThatThrownBy(() -> build(SOURCES + "SELECT * FROM src;")).isInstanceOf(JobBuildException.class)
                .hasMessageContaining("Statement 4").hasMessageContaining("INSERT INTO");
    }

    @Test
    void aParseErrorNamesTheStatementAndThePositionInsideIt() {
        assertThatThrownBy(() -> build(SOURCES + "INSERT INTO snk_a SELECT id FROMM src;"))
                .isInstanceOf(JobBuildException.class)
                .hasMessageContaining("Statement 4 (line 4 of the script) failed: SQL parse failed. "
                        + "Encountered \"src\" at line 1, column 35.")
                .hasMessageNotContaining("Was expecting");
    }

    @Test
    void aSetValueThatDoesNotParseIsNamedAtItsStatementInFlinksWordsAndTheRootCauses() {
        assertThatThrownBy(() -> build(SOURCES + "SET 'parallelism.default' = 'two';\n"
                + "INSERT INTO snk_a SELECT id FROM src;"))
                .isInstanceOf(JobBuildException.class)
                .hasMessage("Statement 4 (line 4 of the script) failed: Could not parse value 'two' for key "
                        + "'parallelism.default': For input string: \"two\"");
    }

    @Test
    void aTableOptionThatDoesNotParseIsNamedWhenTheInsertsAreTranslated() {
        // read by the planner only: the failure comes when the INSERTs are translated, in Flink's words
        assertThatThrownBy(() -> build("SET 'table.exec.mini-batch.enabled' = 'maybe';\n" + SOURCES
                + "INSERT INTO snk_a SELECT id FROM src;"))
                .isInstanceOf(JobBuildException.class)
                .hasMessageStartingWith("Translating the INSERT statements failed: Could not parse value 'maybe' for "
                        + "key 'table.exec.mini-batch.enabled': Unrecognized option for boolean: maybe.");
    }

    @Test
    void aConfigJsonValueThatDoesNotParseIsTheTasks() {
        assertThatThrownBy(() -> builder.build(task(null, false, Map.of("parallelism.default", "two")), "req-6",
                SOURCES + "INSERT INTO snk_a SELECT id FROM src;", null, false))
                .isInstanceOf(JobBuildException.class)
                .hasMessage("The task's Flink options (its fields and configJson) cannot be used: Could not parse "
                        + "value 'two' for key 'parallelism.default': For input string: \"two\"");
    }

    @Test
    void anUnknownConnectorIsNamedFromTheRootCause() {
        assertThatThrownBy(() -> build("""
                CREATE TEMPORARY TABLE src (id BIGINT) WITH ('connector' = 'no-such-connector');
                CREATE TEMPORARY TABLE snk (id BIGINT) WITH ('connector' = 'blackhole');
                INSERT INTO snk SELECT id FROM src;
                """)).isInstanceOf(JobBuildException.class).hasMessageContaining("no-such-connector");
    }

    @Test
    void anUnknownTableIsNamedWithItsStatement() {
        assertThatThrownBy(() -> build(SOURCES + "INSERT INTO snk_a SELECT id FROM missing_table;"))
                .isInstanceOf(JobBuildException.class)
                .hasMessageContaining("Statement 4 (line 4 of the script)")
                .hasMessageContaining("missing_table");
    }

    @Test
    void theBundledSampleTasksCompile() {
        DirectoryTaskCatalog samples = DirectoryTaskCatalog.load(Path.of("../tasks"));
        assertThat(samples.all()).allSatisfy(sample -> {
            BuiltJob job = builder.build(sample, "sample-" + sample.id(), sample.statement(), null, false);
            assertThat(job.jobId()).isEqualTo(JobID.fromHexString(new RequestId("sample-" + sample.id()).jobId()));
        });
    }

    @Test
    void distinctRequestsGetDistinctJobIds() {
        JobID first = build(SOURCES + "INSERT INTO snk_a SELECT id FROM src;").jobId();
        JobID second = builder.build(task(null, false, null), "req-other",
                SOURCES + "INSERT INTO snk_a SELECT id FROM src;", null, false).jobId();
        assertThat(first).isNotEqualTo(second);
    }
}
