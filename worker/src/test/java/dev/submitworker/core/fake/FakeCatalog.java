package dev.submitworker.core.fake;

import dev.submitworker.core.Dialect;
import dev.submitworker.core.RunMode;
import dev.submitworker.core.SavePointStrategy;
import dev.submitworker.core.Task;
import dev.submitworker.core.port.TaskCatalog;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** Tasks in memory. */
public final class FakeCatalog implements TaskCatalog {

    private final Map<Integer, Task> tasks = new HashMap<>();
    private final Map<Integer, String> problems = new HashMap<>();

    /** A SQL task on the given cluster entry (a standalone one), named after its id. */
    public Task add(int id, String cluster) {
        return add(new Task(id, "task-" + id, Dialect.FlinkSql, RunMode.STANDALONE, cluster, 1, 0,
                SavePointStrategy.NONE, null, true, null, true, false, null, "INSERT INTO t SELECT 1", null));
    }

    public Task add(Task task) {
        tasks.put(task.id(), task);
        return task;
    }

    public void broken(int id, String problem) {
        problems.put(id, problem);
    }

    @Override
    public Optional<Task> find(int id) {
        return Optional.ofNullable(tasks.get(id));
    }

    @Override
    public Optional<String> problem(int id) {
        return Optional.ofNullable(problems.get(id));
    }

    @Override
    public Collection<Task> all() {
        return tasks.values();
    }
}
