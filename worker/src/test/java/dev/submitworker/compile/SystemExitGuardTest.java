package dev.submitworker.compile;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The guard in JVMs of their own: one may not install it, and exits of the worker itself must still end a JVM. */
class SystemExitGuardTest {

    @TempDir
    Path dir;

    private record Exit(int status, String stderr) {}

    private Exit runProbe(String... jvmOptions) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(jvmOptions));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), ExitGuardProbe.class.getName(), "7"));
        Path stderr = dir.resolve("stderr.txt");
        Process process = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(stderr.toFile()).start();
        try {
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the probe JVM ended").isTrue();
            return new Exit(process.exitValue(), Files.readString(stderr));
        } finally {
            process.destroyForcibly();
        }
    }

    @Test
    void anExitOutsideAWatchedCompileStillEndsTheJvm() throws Exception {
        assertThat(runProbe().status()).isEqualTo(7);
    }

    @Test
    void aJvmThatDisallowsASecurityManagerRefusesToStartAndSaysWhatToDo() throws Exception {
        Exit exit = runProbe("-Djava.security.manager=disallow");

        assertThat(exit.status()).isNotZero().isNotEqualTo(7);
        assertThat(exit.stderr()).contains("The worker cannot guard against task code calling System.exit")
                .contains("start the worker with -Djava.security.manager=allow");
    }
}
