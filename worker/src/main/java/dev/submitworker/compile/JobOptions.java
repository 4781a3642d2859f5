package dev.submitworker.compile;

import dev.submitworker.core.Task;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.util.TimeUtils;

/**
 * The one place a job's Flink options are put together, for SQL, jar programs and application clusters alike. Lowest
 * priority first: the task's fields (parallelism, name, runtime mode, checkpoint interval), its {@code configJson},
 * then the script's {@code SET} statements. What a jar program sets itself wins over all of them, as with
 * {@code flink run}.
 */
final class JobOptions {

    private JobOptions() {}

    /**
     * @param parallelism the job's parallelism field (the task's, or EXECUTE JAR's own), or null
     * @param set         the script's SET statements, where they are known before compiling (EXECUTE JAR scripts)
     */
    static Map<String, String> of(Task task, Integer parallelism, Map<String, String> set) {
        Map<String, String> options = new LinkedHashMap<>();
        if (parallelism != null) {
            options.put(CoreOptions.DEFAULT_PARALLELISM.key(), parallelism.toString());
        }
        options.put(PipelineOptions.NAME.key(), task.name());
        options.put(ExecutionOptions.RUNTIME_MODE.key(), task.batchModel() ? "BATCH" : "STREAMING");
        if (task.checkpoint() > 0) {
            options.put(CheckpointingOptions.CHECKPOINTING_INTERVAL.key(),
                    TimeUtils.formatWithHighestUnit(Duration.ofMillis(task.checkpoint())));
        }
        options.putAll(task.configJson());
        options.putAll(set);
        return options;
    }

    static Map<String, String> of(Task task) {
        return of(task, task.parallelism(), Map.of());
    }
}
