package dev.submitworker.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One instance's directory of ledger stores, {@code <base>/<instance-id>}, held with a file lock while the process
 * runs. An instance whose id was generated never comes back under it, so its directory is of no use once its process
 * ends: it is removed when the process stops, and a later start on the same base removes those of processes that
 * died (their lock is free). A configured id's directory stays: a restart under it reads only the ledger's tail.
 */
final class StoreDirectory implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(StoreDirectory.class);
    private static final String LOCK = ".lock";
    private static final String EPHEMERAL = ".ephemeral";
    /** Held in this JVM: never tried from here, since closing a channel would drop the lock the JVM holds on it. */
    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

    private final Path path;
    private final boolean ephemeral;
    private final FileChannel channel;
    private final FileLock lock;

    private StoreDirectory(Path path, boolean ephemeral, FileChannel channel, FileLock lock) {
        this.path = path;
        this.ephemeral = ephemeral;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes this instance's directory under {@code base}, after removing those of ended generated instances.
     *
     * @param ephemeral the instance id was generated for this process
     * @throws IllegalStateException another running process holds it (two workers with one instance id)
     */
    static StoreDirectory claim(Path base, String instanceId, boolean ephemeral) {
        Path path = base.resolve(instanceId).toAbsolutePath().normalize();
        try {
            Files.createDirectories(path);
            if (!HELD.add(path)) {
                throw new IllegalStateException("The ledger stores " + path + " are in use in this process: is "
                        + "worker.instance-id shared by two workers?");
            }
            FileChannel channel = FileChannel.open(path.resolve(LOCK), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                channel.close();
                HELD.remove(path);
                throw new IllegalStateException("The ledger stores " + path + " are in use by another process: is "
                        + "worker.instance-id shared by two running workers?");
            }
            if (ephemeral) {
                Files.createFile(path.resolve(EPHEMERAL));
            }
            reclaim(path.getParent(), path);
            return new StoreDirectory(path, ephemeral, channel, lock);
        } catch (IOException e) {
            HELD.remove(path);
            throw new UncheckedIOException("Cannot take the ledger store directory " + path, e);
        }
    }

    Path path() {
        return path;
    }

    /** Removes the directories of generated instances whose process has ended. */
    private static void reclaim(Path base, Path own) throws IOException {
        List<Path> others;
        try (Stream<Path> children = Files.list(base)) {
            others = children.filter(child -> !child.equals(own) && !HELD.contains(child))
                    .filter(child -> Files.exists(child.resolve(EPHEMERAL))).toList();
        }
        for (Path other : others) {
            try (FileChannel channel = FileChannel.open(other.resolve(LOCK), StandardOpenOption.WRITE);
                 FileLock lock = channel.tryLock()) {
                if (lock != null) {
                    log.info("Removing the ledger stores of an ended instance: {}", other);
                    delete(other);
                }
            } catch (OverlappingFileLockException | IOException e) {
                log.debug("Leaving {}: {}", other, e.toString());
            }
        }
    }

    @Override
    public void close() {
        try {
            if (ephemeral) {
                delete(path);
            }
            lock.release();
            channel.close();
        } catch (IOException e) {
            log.warn("Releasing the ledger store directory {} failed: {}", path, e.toString());
        } finally {
            HELD.remove(path);
        }
    }

    private static void delete(Path directory) throws IOException {
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file); // the lock file too: the lock stays on it until the channel closes
            }
        }
    }
}
