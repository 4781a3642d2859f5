package dev.submitworker.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The distribution's archive as the build made it (maven-assembly-plugin in the package phase; failsafe passes its
 * path), unpacked for a test, and {@code bin/submit-worker} started from it.
 */
public final class Distribution {

    public static final Path ARCHIVE = Path.of(System.getProperty("dist.archive", "target/dist/submit-worker.tar.gz"));

    private Distribution() {}

    /** Unpacks the archive into the directory and returns the distribution's home, its only entry. */
    public static Path unpack(Path into) throws IOException, InterruptedException {
        assertThat(ARCHIVE).as("the distribution (mvn package, make dist)").isRegularFile();
        Process tar = new ProcessBuilder("tar", "-xzf", ARCHIVE.toAbsolutePath().toString(), "-C", into.toString())
                .inheritIO().start();
        assertThat(tar.waitFor(120, TimeUnit.SECONDS)).as("tar ends").isTrue();
        assertThat(tar.exitValue()).isZero();
        List<String> entries = names(into);
        assertThat(entries).hasSize(1);
        return into.resolve(entries.get(0));
    }

    /**
     * {@code bin/submit-worker} with these arguments and these variables added to the environment, on the test
     * JVM's Java and, unless the environment says otherwise, with a heap fit for a test.
     */
    public static WorkerProcess start(Path home, List<String> arguments, Map<String, String> environment,
                                      String instanceId) {
        List<String> command = new java.util.ArrayList<>(List.of(home.resolve("bin/submit-worker").toString()));
        command.addAll(arguments);
        Map<String, String> all = new java.util.HashMap<>(environment);
        all.put("JAVA_HOME", System.getProperty("java.home"));
        all.putIfAbsent("SUBMIT_WORKER_OPTS", "-Xmx512m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC");
        return WorkerProcess.exec(command, all, instanceId);
    }

    public static List<String> names(Path directory) {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(file -> file.getFileName().toString()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
