package dev.submitworker.catalog;

import dev.submitworker.core.RunMode;
import dev.submitworker.core.SavePointStrategy;
import dev.submitworker.core.Task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoryTaskCatalogTest {

    @TempDir
    Path dir;

    private void write(String file, String yaml) throws IOException {
        Files.writeString(dir.resolve(file), yaml);
    }

    @Test
    void loadsTasksWithDinkyFieldNamesAndDefaults() throws IOException {
        write("orders.yaml", """
                id: 6
                name: orders-enrichment
                dialect: FlinkSql
                type: standalone
                cluster: prod-session
                parallelism: 2
                checkpoint: 60000
                savePointStrategy: CUSTOM
                savePointPath: /savepoints/x
                fragment: false
                variables: { env: prod, day: null }
                batchModel: true
                configJson: { pipeline.max-parallelism: 128 }
                statement: INSERT INTO a SELECT 1
                """);
        write("minimal.yml", """
                id: 7
                name: minimal
                dialect: FlinkSql
                statement: INSERT INTO a SELECT 1
                """);

        DirectoryTaskCatalog catalog = DirectoryTaskCatalog.load(dir);

        assertThat(catalog.problems()).isEmpty();
        Task full = catalog.find(6).orElseThrow();
        assertThat(full.type()).isEqualTo(RunMode.STANDALONE);
        assertThat(full.cluster()).isEqualTo("prod-session");
        assertThat(full.parallelism()).isEqualTo(2);
        assertThat(full.checkpoint()).isEqualTo(60000);
        assertThat(full.savePointStrategy()).isEqualTo(SavePointStrategy.CUSTOM);
        assertThat(full.fragment()).isFalse();
        assertThat(full.variables()).containsEntry("env", "prod").containsEntry("day", null);
        assertThat(full.batchModel()).isTrue();
        assertThat(full.configJson()).containsEntry("pipeline.max-parallelism", "128");

        Task minimal = catalog.find(7).orElseThrow();
        assertThat(minimal.type()).isEqualTo(RunMode.LOCAL);
        assertThat(minimal.parallelism()).isNull();
        assertThat(minimal.checkpoint()).isZero();
        assertThat(minimal.savePointStrategy()).isEqualTo(SavePointStrategy.NONE);
        assertThat(minimal.fragment()).isTrue();
        assertThat(minimal.statementSet()).isTrue();
        assertThat(minimal.batchModel()).isFalse();
    }

    @Test
    void aBrokenFileIsReportedWithPathAndReasonAndTheOthersStillLoad() throws IOException {
        write("a-good.yaml", "id: 1\nname: good\ndialect: FlinkSql\nstatement: INSERT INTO a SELECT 1\n");
        write("b-typo.yaml", "id: 2\nname: typo\ndialect: FlinkSql\nparallelsim: 2\nstatement: x\n");
        write("c-not-yaml.yaml", "id: [unclosed\n");
        write("d-no-statement.yaml", "id: 4\nname: empty\ndialect: FlinkSql\n");
        write("e-bad-mode.yaml", "id: 5\nname: m\ndialect: FlinkSql\ntype: mesos\nstatement: x\n");
        write("f-duplicate.yaml", "id: 1\nname: again\ndialect: FlinkSql\nstatement: x\n");
        write("notes.txt", "not a task");

        DirectoryTaskCatalog catalog = DirectoryTaskCatalog.load(dir);

        assertThat(catalog.all()).extracting(Task::id).containsExactly(1);
        assertThat(catalog.problems()).hasSize(5);
        assertThat(catalog.problems()).anySatisfy(p -> assertThat(p).contains("b-typo.yaml").contains("parallelsim"));
        assertThat(catalog.problems()).anySatisfy(p -> assertThat(p).contains("c-not-yaml.yaml"));
        assertThat(catalog.problems()).anySatisfy(p -> assertThat(p).contains("d-no-statement.yaml")
                .contains("needs a 'statement'"));
        assertThat(catalog.problems()).anySatisfy(p -> assertThat(p).contains("e-bad-mode.yaml").contains("mesos"));
        assertThat(catalog.problems()).anySatisfy(p -> assertThat(p).contains("f-duplicate.yaml")
                .contains("already defined by").contains("a-good.yaml"));
    }

    @Test
    void aTaskWhoseFileDoesNotLoadIsReportedUnderItsIdWithTheReason() throws IOException {
        write("blank-statement.yaml", "id: 4\nname: blank\ndialect: FlinkSql\nstatement: '  '\n");
        write("typo.yaml", "id: '5'\nname: typo\ndialect: FlinkSql\nparallelsim: 2\nstatement: x\n");
        write("bad-mode.yaml", "id: 6\nname: m\ndialect: FlinkSql\ntype: mesos\nstatement: x\n");

        DirectoryTaskCatalog catalog = DirectoryTaskCatalog.load(dir);

        assertThat(catalog.find(4)).isEmpty();
        assertThat(catalog.problem(4)).contains("Task 4 exists (file blank-statement.yaml) but cannot be used: "
                + "a FlinkSql task needs a 'statement'");
        assertThat(catalog.problem(5)).hasValueSatisfying(problem -> assertThat(problem)
                .startsWith("Task 5 exists (file typo.yaml) but cannot be used: ").contains("\"parallelsim\""));
        assertThat(catalog.problem(6)).hasValueSatisfying(problem -> assertThat(problem)
                .startsWith("Task 6 exists (file bad-mode.yaml) but cannot be used: ").contains("'mesos'"));
        assertThat(catalog.problem(7)).isEmpty();
    }

    @Test
    void aBrokenFileDoesNotShadowAUsableTaskWithTheSameId() throws IOException {
        write("a-broken.yaml", "id: 1\nname: broken\ndialect: FlinkSql\n");
        write("b-good.yaml", "id: 1\nname: good\ndialect: FlinkSql\nstatement: INSERT INTO a SELECT 1\n");

        DirectoryTaskCatalog catalog = DirectoryTaskCatalog.load(dir);

        assertThat(catalog.find(1)).map(Task::name).contains("good");
        assertThat(catalog.problem(1)).isEmpty();
        assertThat(catalog.problems()).singleElement().asString().contains("a-broken.yaml");
    }

    @Test
    void aFileWhoseIdCannotBeReadIsOnlyLogged() throws IOException {
        write("no-id.yaml", "name: nameless\ndialect: FlinkSql\nstatement: x\n");
        write("not-an-id.yaml", "id: seven\nname: n\ndialect: FlinkSql\nstatement: x\n");
        write("not-yaml.yaml", "id: 8\nname: [unclosed\n");

        DirectoryTaskCatalog catalog = DirectoryTaskCatalog.load(dir);

        assertThat(catalog.all()).isEmpty();
        assertThat(catalog.problem(8)).isEmpty();
        assertThat(catalog.problems()).hasSize(3)
                .allSatisfy(problem -> assertThat(problem).endsWith("(its task id cannot be read either: commands "
                        + "for it are answered as for an unknown id)"));
    }

    @Test
    void aMissingDirectoryIsAClearStartUpError() {
        assertThatThrownBy(() -> DirectoryTaskCatalog.load(dir.resolve("nope")))
                .hasMessageContaining("nope").hasMessageContaining("worker.catalog.dir");
    }

    @Test
    void theBundledSamplesLoad() {
        DirectoryTaskCatalog samples = DirectoryTaskCatalog.load(Path.of("../tasks"));
        assertThat(samples.problems()).isEmpty();
        assertThat(samples.all()).hasSizeGreaterThanOrEqualTo(3);
    }
}
