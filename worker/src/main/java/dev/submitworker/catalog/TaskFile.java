package dev.submitworker.catalog;

import dev.submitworker.core.Dialect;
import dev.submitworker.core.RunMode;
import dev.submitworker.core.SavePointStrategy;
import dev.submitworker.core.Task;

import java.util.List;
import java.util.Map;

/**
 * The YAML form of a task, field for field as design.md §4 and Dinky name them. Everything is nullable here;
 * {@link #toTask()} checks what is required and applies the documented defaults.
 */
record TaskFile(
        Integer id,
        String name,
        Dialect dialect,
        String type,
        String cluster,
        Integer parallelism,
        Long checkpoint,
        SavePointStrategy savePointStrategy,
        String savePointPath,
        Boolean fragment,
        Map<String, String> variables,
        Boolean statementSet,
        Boolean batchModel,
        Map<String, String> configJson,
        String statement,
        JarFile jar) {

    record JarFile(String uri, String mainClass, List<String> args) {}

    Task toTask() {
        require(id != null, "'id' is required");
        require(name != null && !name.isBlank(), "'name' is required");
        require(dialect != null, "'dialect' is required (FlinkSql or FlinkJar)");
        require(parallelism == null || parallelism > 0, "'parallelism' must be positive, was " + parallelism);
        require(checkpoint == null || checkpoint >= 0, "'checkpoint' must be 0 (off) or an interval in ms, was " + checkpoint);
        Task.JarSpec jarSpec = null;
        if (dialect == Dialect.FlinkSql) {
            require(statement != null && !statement.isBlank(), "a FlinkSql task needs a 'statement'");
        } else {
            require(jar != null && jar.uri() != null && !jar.uri().isBlank(), "a FlinkJar task needs 'jar.uri'");
            jarSpec = new Task.JarSpec(jar.uri(), jar.mainClass(), jar.args());
        }
        return new Task(
                id,
                name.strip(),
                dialect,
                type == null ? RunMode.LOCAL : RunMode.of(type),
                cluster,
                parallelism,
                checkpoint == null ? 0 : checkpoint,
                savePointStrategy == null ? SavePointStrategy.NONE : savePointStrategy,
                savePointPath,
                fragment == null || fragment,
                variables,
                statementSet == null || statementSet,
                batchModel != null && batchModel,
                configJson,
                statement,
                jarSpec);
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
