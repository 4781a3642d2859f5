package dev.submitworker.testing;

import java.io.File;
import java.util.Arrays;
import java.util.List;

/** Savepoints as the tests' clusters write them: directories on the local file system. */
public final class SavepointFiles {

    private SavepointFiles() {}

    /** The local path of a file: URI or path, so that file:/x, file:///x and /x/ compare equal. */
    public static String localPath(String path) {
        return new org.apache.flink.core.fs.Path(path).toUri().getPath();
    }

    /** The savepoints in a directory (a task's savepoint directory, as a URI or a path), sorted by name. */
    public static List<File> in(String directory) {
        File[] savepoints = new File(localPath(directory)).listFiles(file -> file.getName().startsWith("savepoint-"));
        return savepoints == null ? List.of() : Arrays.stream(savepoints).sorted().toList();
    }
}
