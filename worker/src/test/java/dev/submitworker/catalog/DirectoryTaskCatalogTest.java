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
