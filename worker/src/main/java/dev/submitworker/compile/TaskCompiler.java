package dev.submitworker.compile;

import dev.submitworker.core.Dialect;
import dev.submitworker.core.SavePointStrategy;
import dev.submitworker.core.Task;
import dev.submitworker.core.port.ClusterUnreachableException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.table.delegation.Parser;
import org.apache.flink.table.operations.Operation;
import org.apache.flink.table.operations.command.SetOperation;

/**
 * Everything a task means, turned into one job: variables applied to the script, the savepoint chosen by the task's
 * strategy (or the command's path), and the script compiled as SQL, or as a jar program for {@code FlinkJar} tasks and
 * for SQL tasks written as Dinky's {@code EXECUTE JAR WITH (...)}.
 *
 * <p>Savepoint rules: a non-blank savePointPath in the command wins (Dinky's rule: the strategy becomes CUSTOM);
 * CUSTOM uses the task's savePointPath; LATEST and EARLIEST pick the task's newest or oldest savepoint under the
 * configured savepoint directory ({@link SavepointLocator#taskDirectory}); when there is none the job starts without
 * state and the answer says so. An EXECUTE JAR statement's own {@code 'savepoint-path'} wins over all of these, the
 * command's path included. A chosen path is checked before submitting, because Flink accepts a job whose savepoint
 * is missing and then fails to start it. Flink's own option
 * {@code execution.state-recovery.ignore-unclaimed-state} in configJson allows skipping state no operator takes.
 */
public final class TaskCompiler {

    private static final Pattern MENTIONS_EXECUTE_JAR = Pattern.compile("(?i)EXECUTE\\s+JAR");

    private final SqlJobBuilder sql;
    private final JarJobBuilder jars;
    private final String savepointDirectory;

    /** @param savepointDirectory base directory of the tasks' savepoints (LATEST, EARLIEST); null if not configured */
    public TaskCompiler(SqlJobBuilder sql, JarJobBuilder jars, String savepointDirectory) {
        this.sql = sql;
        this.jars = jars;
        this.savepointDirectory = savepointDirectory;
    }

    /** The trigger's directory in the task's savepoint directory; null when the worker has no savepoint directory. */
    public String savepointDirectory(Task task, String triggerId) {
        return savepointDirectory == null ? null
                : SavepointLocator.triggerDirectory(savepointDirectory, task, triggerId);
    }

    /** The complete savepoint in the trigger's directory, if any. */
    public Optional<String> savepointOf(Task task, String triggerId) {
        if (savepointDirectory == null) {
            return Optional.empty();
        }
        try {
            return SavepointLocator.triggered(savepointDirectory, task, triggerId);
        } catch (IOException | RuntimeException e) {
            throw new ClusterUnreachableException("The savepoint directory of task " + task.id() + " cannot be read",
                    Failures.explain(e), e);
        }
    }

    /**
     * @param commandSavePointPath the command's savePointPath, or null
     * @param commandVariables     the command's variables
     * @throws BadParameterException the command's variables or savepoint path do not fit the task
     * @throws JobBuildException     the task cannot be compiled
     */
    public BuiltJob compile(Task task, String requestId, String commandSavePointPath,
                            Map<String, String> commandVariables) {
        return compile(task, requestId, commandSavePointPath, commandVariables, false);
    }

    /**
     * @param explain a SQL job's INSERT statements are explained too ({@link BuiltJob#optimizedPlan()}); a jar
     *                program has no SQL plan
     */
    public BuiltJob compile(Task task, String requestId, String commandSavePointPath,
                            Map<String, String> commandVariables, boolean explain) {
        PreparedTask prepared = prepare(task, commandSavePointPath, commandVariables);
        SavepointChoice savepoint = prepared.savepoint();
        if (task.dialect() == Dialect.FlinkJar) {
            return jars.build(task.jar(), JobOptions.of(task), requestId,
                            savepoint.path(), prepared.allowNonRestoredState())
                    .with(Map.of(), savepoint.path(), savepoint.note());
        }
        BuiltJob job = executeJar(task, requestId, prepared.script(), savepoint, prepared.allowNonRestoredState())
                .orElseGet(() -> sql.build(task, requestId, prepared.script(), savepoint.path(),
                        prepared.allowNonRestoredState(), explain).with(Map.of(), savepoint.path(), savepoint.note()));
        return job.with(prepared.variables(), job.savepointPath(), job.note());
    }

    /**
     * What a task and a command make before anything is compiled: the script with its variables applied (null for jar
     * tasks) and the savepoint to restore from. Application clusters compile on their JobManager, so they need only
     * this.
     *
     * @throws BadParameterException the command's variables or savepoint path do not fit the task
     * @throws JobBuildException     the task's own settings cannot be used
     */
    public PreparedTask prepare(Task task, String commandSavePointPath, Map<String, String> commandVariables) {
        SavepointChoice savepoint = chooseSavepoint(task, commandSavePointPath);
        boolean allowNonRestoredState = Boolean.parseBoolean(
                task.configJson().get(StateRecoveryOptions.SAVEPOINT_IGNORE_UNCLAIMED_STATE.key()));
        if (task.dialect() == Dialect.FlinkJar) {
            if (!commandVariables.isEmpty()) {
                throw new BadParameterException("Task " + task.id() + " is a FlinkJar task, which takes no variables, "
                        + "but the command sent " + commandVariables.keySet());
            }
            return new PreparedTask(null, Map.of(), savepoint, allowNonRestoredState);
        }
        ScriptVariables.ResolvedScript script = ScriptVariables.resolve(task.name(), task.statement(), task.fragment(),
                task.variables(), commandVariables);
        return new PreparedTask(script.script(), script.variables(), savepoint, allowNonRestoredState);
    }

    /**
     * @param script    the script with variables applied; null for jar tasks
     * @param variables the variables the script was resolved with
     */
    public record PreparedTask(String script, Map<String, String> variables, SavepointChoice savepoint,
                               boolean allowNonRestoredState) {

        public String savepointPath() {
            return savepoint.path();
        }

        public String note() {
            return savepoint.note();
        }
    }

    /** Deletes what was staged for the job (jars copied for jar tasks); call it once the submission is over. */
    public void release(BuiltJob job) {
        jars.release(job);
    }

    /** @param fromCommand the path is the command's, which wins over anything the task says (Dinky's rule) */
    record SavepointChoice(String path, String note, boolean fromCommand) {

        SavepointChoice(String path, String note) {
            this(path, note, false);
        }
    }

    private SavepointChoice chooseSavepoint(Task task, String commandSavePointPath) {
        if (commandSavePointPath != null && !commandSavePointPath.isBlank()) {
            String path = commandSavePointPath.strip();
            SavepointLocator.checkSavepoint(path).ifPresent(reason -> {
                throw new BadParameterException("The command's savePointPath cannot be used: " + reason);
            });
            return new SavepointChoice(path, null, true);
        }
        SavePointStrategy strategy = task.savePointStrategy();
        if (strategy == SavePointStrategy.NONE) {
            return new SavepointChoice(null, null);
        }
        if (strategy == SavePointStrategy.CUSTOM) {
            if (task.savePointPath() == null || task.savePointPath().isBlank()) {
                throw new JobBuildException("Task " + task.id() + " has savePointStrategy CUSTOM but no savePointPath");
            }
            SavepointLocator.checkSavepoint(task.savePointPath()).ifPresent(reason -> {
                throw new JobBuildException("The savePointPath of task " + task.id() + " cannot be used: " + reason);
            });
            return new SavepointChoice(task.savePointPath(), null);
        }
        if (savepointDirectory == null || savepointDirectory.isBlank()) {
            throw new JobBuildException("Task " + task.id() + " has savePointStrategy " + strategy + ", which needs "
                    + "the worker's savepoint directory (worker.savepoints.dir), and none is configured");
        }
        return SavepointLocator.locate(savepointDirectory, task, strategy)
                .map(path -> new SavepointChoice(path, null))
                .orElseGet(() -> new SavepointChoice(null, "no savepoint found in "
                        + SavepointLocator.taskDirectory(savepointDirectory, task) + " (" + strategy
                        + "); the job starts without state"));
    }

    /**
     * Whether a script holds Dinky's {@code EXECUTE JAR}: Flink's own SQL driver, which runs scripts on an
     * application cluster, does not know it.
     */
    boolean executesJar(String script) {
        if (!MENTIONS_EXECUTE_JAR.matcher(script).find()) {
            return false;
        }
        ScriptReader reader = new ScriptReader(script);
        Parser parser = sql.parser();
        for (ScriptReader.Statement statement = reader.next(parser); statement != null; statement = reader.next(parser)) {
            if (ExecuteJarStatement.parse(statement.text()).isPresent()) {
                return true;
            }
        }
        return false;
    }

    /**
     * A SQL task written as {@code EXECUTE JAR WITH (...)}, optionally after {@code SET 'key' = 'value'} statements
     * (which become the program's Flink options), is a jar program; any other script is SQL. The statements are read
     * as for SQL ({@link ScriptReader}); a script that does not even contain the words is SQL without reading it.
     */
    private Optional<BuiltJob> executeJar(Task task, String requestId, String script, SavepointChoice savepoint,
                                          boolean allowNonRestoredState) {
        if (!MENTIONS_EXECUTE_JAR.matcher(script).find()) {
            return Optional.empty();
        }
        ScriptReader reader = new ScriptReader(script);
        Parser parser = sql.parser();
        List<ScriptReader.Statement> statements = new ArrayList<>();
        for (ScriptReader.Statement statement = reader.next(parser); statement != null; statement = reader.next(parser)) {
            statements.add(statement);
        }
        Optional<ExecuteJarStatement> executeJar = statements.isEmpty() ? Optional.empty()
                : ExecuteJarStatement.parse(statements.get(statements.size() - 1).text());
        if (executeJar.isEmpty()) {
            if (statements.stream().anyMatch(s -> ExecuteJarStatement.parse(s.text()).isPresent())) {
                throw new JobBuildException("EXECUTE JAR must be the last statement of the script, after SET "
                        + "statements only");
            }
            return Optional.empty();
        }
        Map<String, String> set = new LinkedHashMap<>();
        for (ScriptReader.Statement statement : statements.subList(0, statements.size() - 1)) {
            List<Operation> operations = statement.operations();
            if (operations == null || operations.size() != 1 || !(operations.get(0) instanceof SetOperation option)) {
                throw new JobBuildException(statement.where() + " cannot go with EXECUTE JAR: a script that runs a "
                        + "jar may hold only SET 'key' = 'value' statements before it"
                        + (statement.failure() == null ? "" : " (" + Failures.explain(statement.failure()) + ")"));
            }
            Map.Entry<String, String> entry = SqlJobBuilder.option(option);
            set.put(entry.getKey(), entry.getValue());
        }
        ExecuteJarStatement statement = executeJar.get();
        Integer parallelism = statement.parallelism() != null ? statement.parallelism() : task.parallelism();
        SavepointChoice chosen = savepoint;
        if (statement.savepointPath() != null && !savepoint.fromCommand()) {
            // checked like any chosen path: Flink would accept the job and only then fail to start it
            SavepointLocator.checkSavepoint(statement.savepointPath()).ifPresent(reason -> {
                throw new JobBuildException("The savepoint-path of EXECUTE JAR cannot be used: " + reason);
            });
            chosen = new SavepointChoice(statement.savepointPath(), null);
        }
        boolean allowNonRestored = statement.allowNonRestoredState() != null
                ? statement.allowNonRestoredState() : allowNonRestoredState;
        return Optional.of(jars.build(statement.jar(), JobOptions.of(task, parallelism, set), requestId,
                chosen.path(), allowNonRestored).with(Map.of(), chosen.path(), chosen.note()));
    }
}
