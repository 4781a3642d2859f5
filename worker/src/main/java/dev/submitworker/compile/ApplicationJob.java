package dev.submitworker.compile;

import dev.submitworker.core.JobDescription;
import dev.submitworker.core.Task;
import dev.submitworker.core.port.CompiledJob;
import java.util.Map;

/**
 * A job for an application cluster of its own, which compiles it on its JobManager: the worker prepares what the
 * cluster runs (the script with its variables applied, or the jar program) and its options, and compiles nothing.
 *
 * @param options               the job's Flink options from the task (its fields, then configJson), lowest first
 * @param script                the SQL script, variables applied; null for a jar program
 * @param jar                   the jar program (a {@code local://} jar in the image); null for a script
 * @param savepointPath         the savepoint to restore from, or null
 * @param allowNonRestoredState whether state no operator takes is skipped when restoring
 */
public record ApplicationJob(String jobId, JobDescription description, Map<String, String> options, String script,
                             Task.JarSpec jar, String savepointPath, boolean allowNonRestoredState)
        implements CompiledJob {

    public ApplicationJob {
        options = Map.copyOf(options);
    }

    @Override
    public void close() {
        // nothing was staged on the worker
    }
}
