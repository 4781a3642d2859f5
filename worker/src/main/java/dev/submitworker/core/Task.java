package dev.submitworker.core;


import java.util.List;
import java.util.Map;

/**
 * A task as Dinky defines it: what to run (a Flink SQL script or a jar), where (run mode and cluster entry) and how
 * (parallelism, checkpointing, savepoint strategy, Flink options). Field names follow Dinky's so that its users can
 * port tasks by copying them. Defaults are applied by the catalog, so every field here is meaningful.
 *
 * @param variables declared variables with defaults; a {@code null} default means "must be supplied by the command"
 */
public record Task(
        int id,
        String name,
        Dialect dialect,
        RunMode type,
        String cluster,
        Integer parallelism,
        long checkpoint,
        SavePointStrategy savePointStrategy,
        String savePointPath,
        boolean fragment,
        Map<String, String> variables,
        boolean statementSet,
        boolean batchModel,
        Map<String, String> configJson,
        String statement,
        JarSpec jar) {

    public Task {
        variables = variables == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(variables));
        configJson = configJson == null ? Map.of() : Map.copyOf(configJson);
    }

    /** A jar program: the jar's location (path or URI), its entry class and program arguments. */
    public record JarSpec(String uri, String mainClass, List<String> args) {
        public JarSpec {
            args = args == null ? List.of() : List.copyOf(args);
        }
    }
}
