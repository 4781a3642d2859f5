package dev.submitworker.compile;

import dev.submitworker.core.SavePointStrategy;
import dev.submitworker.core.Task;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

/**
 * Finds the savepoint a task restores from under the LATEST and EARLIEST strategies, and checks explicit savepoint
 * paths, through Flink's {@link FileSystem} (so {@code file:}, {@code s3:}, {@code hdfs:} ... as far as the worker has
 * the file system).
 *
 * <p>Layout: each task keeps its savepoints in its own directory {@code <base>/<taskId>-<name>}, the name with every
 * character other than letters, digits, {@code .}, {@code _} and {@code -} replaced by {@code _} (see
 * {@link #taskDirectory}); savepoints of the task must be triggered into that directory, or into a directory
 * {@code trigger-<trigger id>} in it, where the worker's control commands put theirs ({@link #triggerDirectory}). A
 * savepoint is a directory {@code savepoint-*} holding a {@code _metadata} file, the layout Flink writes. Savepoints
 * are ordered by the modification time of their {@code _metadata}, written when the savepoint completes (object
 * stores keep no times for directories), then by directory name.
 *
 * <p>The worker checks what it sees: for a {@code file:} path that is the worker's disk, not the cluster's.
 */
public final class SavepointLocator {

    public static final String METADATA_FILE = "_metadata";
    private static final String SAVEPOINT_PREFIX = "savepoint-";
    private static final String TRIGGER_PREFIX = "trigger-";

    private SavepointLocator() {}

    /** {@code <base>/<taskId>-<sanitised name>}: where the task's savepoints are written and looked for. */
    public static String taskDirectory(String baseDirectory, Task task) {
        String name = task.name().replaceAll("[^A-Za-z0-9._-]", "_");
        return new Path(new Path(baseDirectory), task.id() + "-" + name).toString();
    }

    /**
     * {@code <task directory>/trigger-<triggerId>}: where a savepoint triggered under that id is written, so that it
     * can be found by its trigger once the cluster has forgotten the trigger.
     */
    public static String triggerDirectory(String baseDirectory, Task task, String triggerId) {
        return new Path(new Path(taskDirectory(baseDirectory, task)), TRIGGER_PREFIX + triggerId).toString();
    }

    /**
     * The complete savepoint written under the trigger id (the newest, should there be more), or empty.
     *
     * @throws IOException the directory cannot be read
     */
    public static Optional<String> triggered(String baseDirectory, Task task, String triggerId) throws IOException {
        return savepoints(new Path(triggerDirectory(baseDirectory, task, triggerId)), false).stream()
                .max(ORDER).map(Candidate::path);
    }

    /**
     * The task's newest (LATEST) or oldest (EARLIEST) complete savepoint, as a path for
     * {@code SavepointRestoreSettings.forPath}; empty when it has none (its directory missing or without savepoints).
     *
     * @throws IllegalArgumentException for strategies that do not search (NONE, CUSTOM)
     * @throws JobBuildException        when the directory cannot be read: starting without state would be wrong then
     */
    public static Optional<String> locate(String baseDirectory, Task task, SavePointStrategy strategy) {
        if (strategy != SavePointStrategy.LATEST && strategy != SavePointStrategy.EARLIEST) {
            throw new IllegalArgumentException("Only LATEST and EARLIEST search for a savepoint, not " + strategy);
        }
        String directory = taskDirectory(baseDirectory, task);
        List<Candidate> candidates;
        try {
            candidates = savepoints(new Path(directory), true);
        } catch (IOException | RuntimeException e) {
            throw new JobBuildException("Cannot list the savepoints of task " + task.id() + " in " + directory + ": "
                    + Failures.explain(e), e);
        }
        return (strategy == SavePointStrategy.LATEST ? candidates.stream().max(ORDER) : candidates.stream().min(ORDER))
                .map(Candidate::path);
    }

    /**
     * Why Flink could not restore from the path, or empty when it can: the path must be a directory holding
     * {@code _metadata} or a file (Flink reads a file pointer as the metadata file). Flink accepts a job whose
     * savepoint is missing and only then fails to start it, so this is checked before submitting.
     */
    public static Optional<String> checkSavepoint(String savepointPath) {
        try {
            Path path = new Path(savepointPath);
            FileSystem fs = path.getFileSystem();
            FileStatus status = fs.getFileStatus(path);
            if (status.isDir() && !fs.exists(new Path(path, METADATA_FILE))) {
                return Optional.of("the savepoint directory " + savepointPath + " has no " + METADATA_FILE
                        + " file (an incomplete or failed savepoint?)");
            }
            return Optional.empty();
        } catch (FileNotFoundException e) {
            return Optional.of("the savepoint " + savepointPath + " does not exist");
        } catch (IOException | RuntimeException e) {
            return Optional.of("the savepoint " + savepointPath + " cannot be read: " + Failures.explain(e));
        }
    }

    private static final Comparator<Candidate> ORDER = Comparator.comparingLong(Candidate::completed)
            .thenComparing(Candidate::name);

    /** @param triggers also those in its {@code trigger-*} directories */
    private static List<Candidate> savepoints(Path directory, boolean triggers) throws IOException {
        FileSystem fs = directory.getFileSystem();
        List<Candidate> candidates = new ArrayList<>();
        if (!fs.exists(directory)) {
            return candidates;
        }
        FileStatus[] entries = fs.listStatus(directory);
        if (entries == null) { // Flink's local file system answers null for a directory that vanished meanwhile
            return candidates;
        }
        for (FileStatus entry : entries) {
            String name = entry.getPath().getName();
            if (triggers && entry.isDir() && name.startsWith(TRIGGER_PREFIX)) {
                candidates.addAll(savepoints(new Path(directory, name), false));
                continue;
            }
            if (!entry.isDir() || !name.startsWith(SAVEPOINT_PREFIX)) {
                continue;
            }
            // the result keeps the scheme and authority the caller gave; listings may return them otherwise
            Path savepoint = new Path(directory, name);
            try {
                FileStatus metadata = fs.getFileStatus(new Path(savepoint, METADATA_FILE));
                candidates.add(new Candidate(savepoint.toString(), name, metadata.getModificationTime()));
            } catch (FileNotFoundException e) {
                // in progress or failed: not a savepoint to restore from
            }
        }
        return candidates;
    }

    private record Candidate(String path, String name, long completed) {}
}
