package dev.submitworker.compile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.submitworker.core.Dialect;
import dev.submitworker.core.RunMode;
import dev.submitworker.core.SavePointStrategy;
import dev.submitworker.core.Task;
import dev.submitworker.testing.RemoteTestFileSystemFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real savepoint directory layouts on the local disk, read through Flink's FileSystem. */
class SavepointLocatorTest {

    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

    @TempDir
    Path base;

    private static final Task TASK = task(6, "orders enrichment/v2");

    private static Task task(int id, String name) {
        return new Task(id, name, Dialect.FlinkSql, RunMode.LOCAL, null, 1, 0, SavePointStrategy.LATEST, null, false,
                null, true, false, null, "", null);
    }

    private Path taskDir() {
        return base.resolve("6-orders_enrichment_v2");
    }

    /** A complete savepoint: its _metadata written {@code minutes} after T0. */
    private static Path savepoint(Path dir, String name, int minutes) throws IOException {
        Path savepoint = Files.createDirectories(dir.resolve(name));
        Path metadata = Files.writeString(savepoint.resolve("_metadata"), "metadata");
        Files.setLastModifiedTime(metadata, FileTime.from(T0.plusSeconds(60L * minutes)));
        return savepoint;
    }

    private static String baseUri(Path dir) {
        return dir.toUri().toString(); // file:///tmp/junit.../
    }

    private static Optional<String> locate(String base, SavePointStrategy strategy) {
        return SavepointLocator.locate(base, TASK, strategy);
    }

    private static Optional<Path> locatedPath(String base, SavePointStrategy strategy) {
        return locate(base, strategy).map(found -> Path.of(new org.apache.flink.core.fs.Path(found).toUri().getPath()));
    }

    @Test
    void theTaskDirectoryIsIdAndSanitisedName() {
        assertThat(SavepointLocator.taskDirectory("s3://bucket/sp", TASK)).isEqualTo("s3://bucket/sp/6-orders_enrichment_v2");
        assertThat(SavepointLocator.taskDirectory("file:///tmp/sp/", task(7, "Ünïcode job.1")))
                .isEqualTo("file:/tmp/sp/7-_n_code_job.1");
    }

    @Test
    void aControlCommandsSavepointIsFoundByItsTriggerAndByLatestAndEarliest() throws IOException {
        String trigger = "4925e65e5e2935bf9cf9c7fb7bdf6737";
        assertThat(SavepointLocator.triggerDirectory("s3://bucket/sp", TASK, trigger))
                .isEqualTo("s3://bucket/sp/6-orders_enrichment_v2/trigger-" + trigger);
        assertThat(SavepointLocator.triggered(baseUri(base), TASK, trigger)).isEmpty();

        Path top = savepoint(taskDir(), "savepoint-aaa", 5);
        Files.createDirectories(taskDir().resolve("trigger-" + trigger).resolve("savepoint-in-progress"));
        assertThat(SavepointLocator.triggered(baseUri(base), TASK, trigger)).as("in progress: no _metadata yet")
                .isEmpty();
        Path triggered = savepoint(taskDir().resolve("trigger-" + trigger), "savepoint-bbb", 9);
        Path older = savepoint(taskDir().resolve("trigger-0123456789abcdef0123456789abcdef"), "savepoint-ccc", 1);
        savepoint(taskDir().resolve("not-a-trigger"), "savepoint-ddd", 20);

        assertThat(SavepointLocator.triggered(baseUri(base), TASK, trigger)
                .map(found -> Path.of(new org.apache.flink.core.fs.Path(found).toUri().getPath()))).contains(triggered);
        assertThat(locatedPath(baseUri(base), SavePointStrategy.LATEST)).contains(triggered);
        assertThat(locatedPath(baseUri(base), SavePointStrategy.EARLIEST)).contains(older);
        assertThat(top).exists();
    }

    @Test
    void latestAndEarliestGoByTheTimeTheSavepointCompletedNotByName() throws IOException {
        Path oldest = savepoint(taskDir(), "savepoint-ccc", 1);
        Path middle = savepoint(taskDir(), "savepoint-aaa", 5);
        Path newest = savepoint(taskDir(), "savepoint-bbb", 9);
        // the directories' own times say the opposite: they must not count
        Files.setLastModifiedTime(oldest, FileTime.from(T0.plusSeconds(3600)));
        Files.setLastModifiedTime(newest, FileTime.from(T0));

        assertThat(locatedPath(baseUri(base), SavePointStrategy.LATEST)).contains(newest);
        assertThat(locatedPath(baseUri(base), SavePointStrategy.EARLIEST)).contains(oldest);
        assertThat(locatedPath(base.toString(), SavePointStrategy.LATEST)).contains(newest); // a plain path works too
        assertThat(middle).exists();
    }

    @Test
    void onlyCompleteSavepointsOfThisTaskCount() throws IOException {
        Path complete = savepoint(taskDir(), "savepoint-complete", 1);
        Files.createDirectories(taskDir().resolve("savepoint-in-progress")); // no _metadata yet
        savepoint(taskDir(), "chk-42", 9);                                  // not a savepoint directory
        Files.writeString(taskDir().resolve("savepoint-file"), "x");        // a file, not a directory
        savepoint(base.resolve("7-other-task"), "savepoint-other", 20);      // another task's
        savepoint(base.resolve("6-orders-enrichment-v2"), "savepoint-x", 20); // not this task's sanitised name

        assertThat(locatedPath(baseUri(base), SavePointStrategy.LATEST)).contains(complete);
        assertThat(locatedPath(baseUri(base), SavePointStrategy.EARLIEST)).contains(complete);
    }

    @Test
    void equalTimesAreOrderedByName() throws IOException {
        Path first = savepoint(taskDir(), "savepoint-01", 3);
        Path second = savepoint(taskDir(), "savepoint-02", 3);

        assertThat(locatedPath(baseUri(base), SavePointStrategy.LATEST)).contains(second);
        assertThat(locatedPath(baseUri(base), SavePointStrategy.EARLIEST)).contains(first);
    }

    @Test
    void noSavepointIsEmptyNotAnError() throws IOException {
        assertThat(locate(baseUri(base), SavePointStrategy.LATEST)).isEmpty();                    // no task directory
        assertThat(locate(baseUri(base.resolve("never-created")), SavePointStrategy.LATEST)).isEmpty(); // no base
        Files.createDirectories(taskDir().resolve("savepoint-in-progress"));
        assertThat(locate(baseUri(base), SavePointStrategy.EARLIEST)).isEmpty();
    }

    @Test
    void otherFileSystemsAreListedThroughFlink() throws IOException {
        Path newest = savepoint(taskDir(), "savepoint-b", 2);
        savepoint(taskDir(), "savepoint-a", 1);

        Optional<String> found = locate(RemoteTestFileSystemFactory.uriOf(base), SavePointStrategy.LATEST);

        assertThat(found).hasValueSatisfying(path -> assertThat(path)
                .startsWith(RemoteTestFileSystemFactory.SCHEME + ":").endsWith(newest.toString()));
        assertThat(SavepointLocator.checkSavepoint(found.get())).isEmpty();
    }

    @Test
    void anUnreadableBaseIsAnErrorNotAnAbsentSavepoint() {
        assertThatThrownBy(() -> locate("no-such-fs://bucket/sp", SavePointStrategy.LATEST))
                .isInstanceOf(JobBuildException.class)
                .hasMessageContaining("Cannot list the savepoints of task 6 in no-such-fs://bucket/sp/6-orders_enrichment_v2")
                .hasMessageContaining("no-such-fs");
    }

    @Test
    void onlyLatestAndEarliestSearch() {
        assertThatThrownBy(() -> locate(baseUri(base), SavePointStrategy.NONE)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> locate(baseUri(base), SavePointStrategy.CUSTOM)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anExplicitSavepointMustExistAndBeComplete() throws IOException {
        Path complete = savepoint(base, "savepoint-1", 1);
        Path incomplete = Files.createDirectories(base.resolve("savepoint-2"));

        assertThat(SavepointLocator.checkSavepoint(complete.toString())).isEmpty();
        assertThat(SavepointLocator.checkSavepoint(complete.toUri().toString())).isEmpty();
        assertThat(SavepointLocator.checkSavepoint(complete.resolve("_metadata").toString())).isEmpty();
        assertThat(SavepointLocator.checkSavepoint(incomplete.toString()))
                .hasValueSatisfying(reason -> assertThat(reason).contains("has no _metadata"));
        assertThat(SavepointLocator.checkSavepoint(base.resolve("savepoint-3").toString()))
                .hasValueSatisfying(reason -> assertThat(reason).contains("does not exist"));
        assertThat(SavepointLocator.checkSavepoint("no-such-fs://bucket/sp/savepoint-1"))
                .hasValueSatisfying(reason -> assertThat(reason).contains("cannot be read").contains("no-such-fs"));
    }
}
