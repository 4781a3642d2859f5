package dev.submitworker.core.port;

import dev.submitworker.catalog.DirectoryTaskCatalog;
import dev.submitworker.core.Task;

import java.util.Collection;
import java.util.Optional;

/** Where tasks come from. The embedded default is a directory of YAML files ({@link DirectoryTaskCatalog}). */
public interface TaskCatalog {

    Optional<Task> find(int id);

    Collection<Task> all();
}
