package dev.submitworker.core.port;

import dev.submitworker.core.Task;
import java.util.Collection;
import java.util.Optional;

/** Where tasks come from. The real one is a directory of YAML files. */
public interface TaskCatalog {

    Optional<Task> find(int id);

    /**
     * Why a task with this id exists but cannot be used (its file does not load), or empty. Lets a command for it be
     * told what is wrong with the task rather than that there is no such task.
     */
    Optional<String> problem(int id);

    Collection<Task> all();
}
