package dev.submitworker.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An instance's store directory: held while it runs, removed after it when its id was generated for it. */
class StoreDirectoryTest {

    @TempDir
    Path base;

    @Test
    void aGeneratedInstancesStoresGoWithItsProcess() throws Exception {
        StoreDirectory directory = StoreDirectory.claim(base, "host-1a2b3c4d", true);
        Files.writeString(Files.createDirectories(directory.path().resolve("ledger-0")).resolve("CURRENT"), "x");
        directory.close();
        assertThat(base.resolve("host-1a2b3c4d")).doesNotExist();
    }

    @Test
    void aConfiguredInstancesStoresStayForItsRestart() throws Exception {
        StoreDirectory.claim(base, "pod-0", false).close();
        assertThat(base.resolve("pod-0")).isDirectory();
        StoreDirectory.claim(base, "pod-0", false).close();
    }

    @Test
    void theStoresOfGeneratedInstancesThatDiedAreRemovedAtTheNextStart() throws Exception {
        Path dead = deadInstance("host-deadbeef", true);
        Path deadConfigured = deadInstance("pod-1", false);

        try (StoreDirectory directory = StoreDirectory.claim(base, "host-0badf00d", true)) {
            assertThat(directory.path()).isDirectory();
            assertThat(dead).doesNotExist();
            assertThat(deadConfigured).isDirectory();
        }
    }

    @Test
    void theStoresOfARunningProcessAreLeftAlone() throws Exception {
        Path running = deadInstance("host-feedface", true);
        Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), LockHolder.class.getName(),
                running.resolve(".lock").toString()).redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(),
                StandardCharsets.UTF_8))) {
            assertThat(out.readLine()).isEqualTo("locked");
            StoreDirectory.claim(base, "host-0badf00d", true).close();
            assertThat(running.resolve("ledger-0")).isDirectory();

            assertThatThrownBy(() -> StoreDirectory.claim(base, "host-feedface", true))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("another process");
        } finally {
            holder.destroyForcibly().waitFor();
        }
    }

    @Test
    void oneInstanceIdCannotBeHeldTwice() {
        try (StoreDirectory directory = StoreDirectory.claim(base, "pod-0", false)) {
            assertThatThrownBy(() -> StoreDirectory.claim(base, "pod-0", false))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("worker.instance-id");
        }
        StoreDirectory.claim(base, "pod-0", false).close();
    }

    private Path deadInstance(String id, boolean ephemeral) throws Exception {
        Path directory = Files.createDirectories(base.resolve(id).resolve("ledger-0")).getParent();
        Files.createFile(directory.resolve(".lock"));
        if (ephemeral) {
            Files.createFile(directory.resolve(".ephemeral"));
        }
        return directory;
    }

    /** Another process holding an instance's lock. */
    public static final class LockHolder {
        public static void main(String[] args) throws Exception {
            try (FileChannel channel = FileChannel.open(Path.of(args[0]), StandardOpenOption.WRITE)) {
                channel.lock();
                System.out.println("locked");
                System.out.flush();
                System.in.read(); // until the test ends it
            }
        }
    }
}
