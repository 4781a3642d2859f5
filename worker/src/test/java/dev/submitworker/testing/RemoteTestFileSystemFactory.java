package dev.submitworker.testing;

import java.net.URI;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.FileSystemFactory;
import org.apache.flink.core.fs.local.LocalFileSystem;

/**
 * The {@code remote-test:} scheme for Flink's {@link FileSystem}: local files under a scheme that is not {@code file:},
 * so tests exercise the paths a worker takes for s3:, hdfs: and the like without a store. Registered through
 * META-INF/services, as Flink's own file systems are.
 */
public final class RemoteTestFileSystemFactory implements FileSystemFactory {

    public static final String SCHEME = "remote-test";

    /** The local file as a {@code remote-test:} URI. */
    public static String uriOf(java.nio.file.Path file) {
        return SCHEME + "://" + file.toAbsolutePath().toUri().getPath();
    }

    @Override
    public String getScheme() {
        return SCHEME;
    }

    @Override
    public FileSystem create(URI fsUri) {
        return LocalFileSystem.getSharedInstance();
    }
}
