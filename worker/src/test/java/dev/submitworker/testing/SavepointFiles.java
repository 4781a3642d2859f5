package dev.submitworker.testing;

import java.io.File;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/** Savepoints as the tests' clusters write them: directories on the local file system. */
public final class SavepointFiles {

    private SavepointFiles() {}

    /** The local path of a file: URI or path, so that file:/x, file:///x and /x/ compare equal. */
    public static String localPath(String path) {
        return new org.apache.flink.core.fs.Path(path).toUri().getPath();
    }

    /**
     * The savepoints in a task's savepoint directory (a URI or a path), and in its {@code trigger-*} directories,
     * where control commands write theirs; sorted.
     */
    public static List<File> in(String directory) {
        File[] entries = new File(localPath(directory)).listFiles();
        return entries == null ? List.of() : Arrays.stream(entries)
                .flatMap(entry -> entry.getName().startsWith("trigger-") ? Stream.ofNullable(entry.listFiles())
                        .flatMap(Arrays::stream) : Stream.of(entry))
                .filter(entry -> entry.isDirectory() && entry.getName().startsWith("savepoint-"))
                .sorted()
                .toList();
    }
}
