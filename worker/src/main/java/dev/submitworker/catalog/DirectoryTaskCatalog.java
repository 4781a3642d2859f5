package dev.submitworker.catalog;

import dev.submitworker.core.Task;
import dev.submitworker.core.port.TaskCatalog;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.submitworker.compile.Failures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A task catalog read from a directory holding one YAML file per task ({@code *.yml} or {@code *.yaml}). A file that
 * does not parse, or repeats another file's id, is reported with its path and reason and skipped; the others load.
 * When a skipped file's id can still be read, its reason is kept for that id ({@link #problem}), so that a command for
 * it is told what is wrong with the task rather than that there is no such task.
 */
public final class DirectoryTaskCatalog implements TaskCatalog {

    private static final Logger log = LoggerFactory.getLogger(DirectoryTaskCatalog.class);

    // Unknown fields fail: a misspelt 'parallelsim' must not silently run with the default.
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    private final Path directory;
    private final Map<Integer, Task> tasks;
    private final Map<Integer, String> unusable;
    private final List<String> problems;

    private DirectoryTaskCatalog(Path directory, Map<Integer, Task> tasks, Map<Integer, String> unusable,
                                 List<String> problems) {
        this.directory = directory;
        this.tasks = Collections.unmodifiableMap(tasks);
        this.unusable = Map.copyOf(unusable);
        this.problems = List.copyOf(problems);
    }

    public static DirectoryTaskCatalog load(Path directory) {
        if (!Files.isDirectory(directory)) {
            throw new IllegalStateException("Task catalog directory " + directory.toAbsolutePath()
                    + " does not exist or is not a directory (set worker.catalog.dir)");
        }
        Map<Integer, Task> tasks = new TreeMap<>();
        Map<Integer, Path> origins = new TreeMap<>();
        Map<Integer, String> unusable = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        for (Path file : taskFiles(directory)) {
            try {
                Task task = YAML.readValue(file.toFile(), TaskFile.class).toTask();
                Path earlier = origins.putIfAbsent(task.id(), file);
                if (earlier != null) {
                    problems.add(file + ": task id " + task.id() + " is already defined by " + earlier);
                } else {
                    tasks.put(task.id(), task);
                }
            } catch (IOException | IllegalArgumentException e) {
                String reason = reason(e);
                Optional<Integer> id = idOf(file);
                id.ifPresent(n -> unusable.putIfAbsent(n, "Task " + n + " exists (file " + file.getFileName()
                        + ") but cannot be used: " + reason));
                problems.add(file + ": " + reason + (id.isPresent() ? ""
                        : " (its task id cannot be read either: commands for it are answered as for an unknown id)"));
            }
        }
        problems.forEach(problem -> log.error("Task file skipped: {}", problem));
        unusable.keySet().removeAll(tasks.keySet()); // another file defines the id with a usable task
        log.info("Task catalog {}: {} task(s) loaded, {} file(s) skipped", directory.toAbsolutePath(), tasks.size(),
                problems.size());
        return new DirectoryTaskCatalog(directory, tasks, unusable, problems);
    }

    private static String reason(Exception e) {
        return e instanceof MismatchedInputException mismatch
                ? mismatch.getOriginalMessage() + " (at " + mismatch.getPathReference() + ")"
                : Failures.rootCause(e).getMessage();
    }

    /** The id a file that does not load declares, if it can be read as the task would read it. */
    private static Optional<Integer> idOf(Path file) {
        try {
            JsonNode id = YAML.readTree(file.toFile()).get("id");
            return id == null || id.isNull() ? Optional.empty() : Optional.of(YAML.treeToValue(id, Integer.class));
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // no YAML mapping with an integer id: nothing to report it under
        }
    }

    private static List<Path> taskFiles(Path directory) {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(Files::isRegularFile)
                    .filter(f -> f.getFileName().toString().matches(".*\\.ya?ml"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list task catalog directory " + directory, e);
        }
    }


    @Override
    public Optional<Task> find(int id) {
        return Optional.ofNullable(tasks.get(id));
    }

    @Override
    public Optional<String> problem(int id) {
        return Optional.ofNullable(unusable.get(id));
    }

    @Override
    public Collection<Task> all() {
        return tasks.values();
    }

    /** The files that were skipped, each as "path: reason". */
    public List<String> problems() {
        return problems;
    }

    public Path directory() {
        return directory;
    }
}
