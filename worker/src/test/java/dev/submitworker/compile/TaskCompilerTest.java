package dev.submitworker.compile;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.submitworker.core.Dialect;
import dev.submitworker.core.RunMode;
import dev.submitworker.core.SavePointStrategy;
import dev.submitworker.core.Task;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TaskCompilerTest {

    @TempDir
    Path staging;

    @Test
    void aLongSetValueBeforeExecuteJarIsReadWithoutOverflowingTheStack() {
        String script = "SET 'custom.note' = '" + "x".repeat(200_000) + "';\n"
                + "EXECUTE JAR WITH ('uri' = '/no/such/program.jar', 'main-class' = 'com.acme.Main');";
        Task task = new Task(1, "long-set", Dialect.FlinkSql, RunMode.LOCAL, null, null, 0, SavePointStrategy.NONE,
                null, false, null, true, false, null, script, null);
        TaskCompiler compiler = new TaskCompiler(new SqlJobBuilder(), new JarJobBuilder(staging), null);

        // the SET is accepted and the jar is looked for: the failure is the missing jar, not the stack
        assertThatThrownBy(() -> compiler.compile(task, "req-long-set", null, Map.of()))
                .isInstanceOf(JobBuildException.class)
                .hasMessageContaining("/no/such/program.jar");
    }
}
