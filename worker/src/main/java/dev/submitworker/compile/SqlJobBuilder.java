package dev.submitworker.compile;

import dev.submitworker.core.RequestId;
import dev.submitworker.core.Task;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.net.MalformedURLException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.bridge.internal.AbstractStreamTableEnvironmentImpl;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.table.api.internal.TableEnvironmentImpl;
import org.apache.flink.table.api.internal.TableEnvironmentInternal;
import org.apache.flink.table.delegation.Parser;
import org.apache.flink.table.operations.BeginStatementSetOperation;
import org.apache.flink.table.operations.EndStatementSetOperation;
import org.apache.flink.table.operations.ModifyOperation;
import org.apache.flink.table.operations.Operation;
import org.apache.flink.table.operations.QueryOperation;
import org.apache.flink.table.operations.StatementSetOperation;
import org.apache.flink.table.operations.command.SetOperation;
import org.apache.flink.table.resource.ResourceManager;

/**
 * Compiles a Flink SQL task into a JobGraph without executing anything: statements are classified by Flink's own
 * parser (text prefixes are fooled by comments, line breaks and statement-set blocks), SET statements become job
 * options, DDL runs against the in-memory catalog, and every INSERT joins one statement set, so a script yields one job.
 *
 * <p>Option precedence, lowest first: the task's fields (name, parallelism, checkpoint, batchModel), the task's
 * {@code configJson}, then SET statements in the script. A fresh table environment per job keeps jobs independent;
 * the expensive part (planner class loading) is shared by the JVM and paid once by {@link #warmUp()}.
 */
public final class SqlJobBuilder {

    private final ClassLoader classLoader;
    private final List<java.nio.file.Path> connectorJars;

    /** A builder with the connectors and formats of the worker's own classpath only. */
    public SqlJobBuilder() {
        this(List.of());
    }

    /**
     * @param connectorJars jars put on the compiler's classpath (their connector and format factories become
     *                      usable in scripts) and shipped with every job, as Flink's {@code lib/} is for its SQL
     *                      client; see {@link #connectorJars(java.nio.file.Path)}
     */
    public SqlJobBuilder(List<java.nio.file.Path> connectorJars) {
        this.connectorJars = List.copyOf(connectorJars);
        ClassLoader own = SqlJobBuilder.class.getClassLoader();
        this.classLoader = connectorJars.isEmpty() ? own : new URLClassLoader("connectors",
                connectorJars.stream().map(SqlJobBuilder::url).toArray(URL[]::new), own);
    }

    /** The jars of a connectors directory, by name; none when the directory does not exist. */
    public static List<java.nio.file.Path> connectorJars(java.nio.file.Path directory) {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<java.nio.file.Path> files = Files.list(directory)) {
            return files.filter(file -> file.getFileName().toString().endsWith(".jar") && Files.isRegularFile(file))
                    .map(file -> file.toAbsolutePath().normalize())
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list the connectors directory " + directory, e);
        }
    }

    private static URL url(java.nio.file.Path jar) {
        try {
            return jar.toUri().toURL();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException("The connector jar " + jar + " has no URL", e);
        }
    }

    /**
     * @param requestId             fixes the JobID (see {@link RequestId#jobId()})
     * @param statement             the script to compile (the task's, after variables are applied)
     * @param savePointPath         a savepoint to restore from, or null
     * @param allowNonRestoredState whether state in the savepoint that no operator takes is skipped (else an error)
     */
    public BuiltJob build(Task task, String requestId, String statement, String savePointPath,
                          boolean allowNonRestoredState) {
        return build(task, requestId, statement, savePointPath, allowNonRestoredState, false);
    }

    /**
     * @param explain also have the planner explain the INSERT statements ({@link BuiltJob#optimizedPlan()}), which
     *                optimizes them a second time: for an explain only
     */
    public BuiltJob build(Task task, String requestId, String statement, String savePointPath,
                          boolean allowNonRestoredState, boolean explain) {
        JobID jobId = JobID.fromHexString(new RequestId(requestId).jobId());
        Configuration configuration = Configuration.fromMap(JobOptions.of(task));
        StreamExecutionEnvironment env;
        try {
            env = new StreamExecutionEnvironment(configuration, classLoader);
        } catch (IllegalArgumentException e) { // it parses the options: "Could not parse value 'two' for key ..."
            throw new JobBuildException("The task's Flink options (its fields and configJson) cannot be used: "
                    + Failures.explain(e), e);
        }
        EnvironmentSettings settings = (task.batchModel()
                ? EnvironmentSettings.newInstance().inBatchMode()
                : EnvironmentSettings.newInstance().inStreamingMode())
                .withClassLoader(classLoader)
                .build();
        StreamTableEnvironment tableEnv = StreamTableEnvironment.create(env, settings);
        List<ModifyOperation> inserts = applyStatements(tableEnv, statement);
        if (inserts.isEmpty()) {
            throw new JobBuildException("The script has no INSERT statement, so there is no job to submit "
                    + "(a submitted task must write its results with INSERT INTO)");
        }
        StreamGraph streamGraph;
        try {
            ((AbstractStreamTableEnvironmentImpl) tableEnv).attachAsDataStream(inserts);
            streamGraph = env.getStreamGraph();
        } catch (RuntimeException e) {
            throw new JobBuildException("Translating the INSERT statements failed: " + Failures.explain(e), e);
        }
        streamGraph.setJobId(jobId);
        if (savePointPath != null && !savePointPath.isBlank()) {
            streamGraph.setSavepointRestoreSettings(
                    SavepointRestoreSettings.forPath(savePointPath, allowNonRestoredState));
        }
        JobGraph jobGraph = streamGraph.getJobGraph(classLoader, jobId);
        // after the job is built, so that the planner's second pass cannot change it
        String optimizedPlan = explain ? explain(tableEnv, inserts) : null;
        shipRegisteredJars(tableEnv, jobGraph);
        connectorJars.forEach(jar -> jobGraph.addJar(new org.apache.flink.core.fs.Path(jar.toUri())));
        Map<String, String> effective = new LinkedHashMap<>(configuration.toMap());
        effective.putAll(tableEnv.getConfig().getConfiguration().toMap());
        return new BuiltJob(jobGraph, jobId, jobGraph.getName(), statement, effective, Map.of(), null, null,
                optimizedPlan);
    }

    private static String explain(StreamTableEnvironment tableEnv, List<ModifyOperation> inserts) {
        try {
            return ((TableEnvironmentInternal) tableEnv).explainInternal(List.<Operation>copyOf(inserts));
        } catch (RuntimeException e) {
            throw new JobBuildException("Explaining the INSERT statements failed: " + Failures.explain(e), e);
        }
    }

    /**
     * Jars the script registered ({@code ADD JAR}, {@code CREATE FUNCTION ... USING JAR}) travel with the JobGraph, so
     * that the cluster can load their classes. Flink does this only on its own execute path, from the table
     * environment's resource manager, which it does not expose; the field is read reflectively (Flink is pinned to
     * 2.2.0, and a test fails if the field goes away).
     */
    private static void shipRegisteredJars(StreamTableEnvironment tableEnv, JobGraph jobGraph) {
        ResourceManager resources;
        try {
            Field field = TableEnvironmentImpl.class.getDeclaredField("resourceManager");
            field.setAccessible(true);
            resources = (ResourceManager) field.get(tableEnv);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("This Flink version hides the table environment's resource manager", e);
        }
        for (URL jar : resources.getLocalJarResources()) {
            try {
                jobGraph.addJar(new org.apache.flink.core.fs.Path(jar.toURI()));
            } catch (URISyntaxException e) {
                throw new JobBuildException("The jar " + jar + " registered by the script has no usable path", e);
            }
        }
    }

    /**
     * A parser over an empty catalog: enough to read where a script's statements end ({@link ScriptReader}), since
     * whether Flink's parser wants more text does not depend on the tables a statement names.
     */
    Parser parser() {
        TableEnvironment tableEnv = TableEnvironment.create(EnvironmentSettings.newInstance().inStreamingMode()
                .withClassLoader(classLoader).build());
        return ((TableEnvironmentInternal) tableEnv).getParser();
    }

    /** Compiles a small script once so that the first real command does not pay the planner's class loading. */
    public void warmUp() {
        Task probe = new Task(0, "submit-worker-warm-up", dev.submitworker.core.Dialect.FlinkSql,
                dev.submitworker.core.RunMode.LOCAL, null, 1, 0, dev.submitworker.core.SavePointStrategy.NONE, null,
                false, null, true, false, null, null, null);
        build(probe, "warm-up", """
                CREATE TEMPORARY TABLE warm_src (id BIGINT, name STRING, ts TIMESTAMP(3))
                  WITH ('connector' = 'datagen', 'number-of-rows' = '1');
                CREATE TEMPORARY TABLE warm_sink (id BIGINT, name STRING, ts TIMESTAMP(3))
                  WITH ('connector' = 'blackhole');
                INSERT INTO warm_sink SELECT id, UPPER(name), ts FROM warm_src WHERE id > 0;
                """, null, false);
    }

    /**
     * Applies the statements one at a time as Flink's SQL driver runs them ({@link ScriptReader}), each read after the
     * previous one is applied, so that its parse sees the tables created before it. Every INSERT joins the job; a
     * SQL-client style {@code BEGIN STATEMENT SET; ... END;} adds nothing to that, but is held to the driver's rules.
     */
    private static List<ModifyOperation> applyStatements(StreamTableEnvironment tableEnv, String script) {
        TableEnvironmentInternal internal = (TableEnvironmentInternal) tableEnv;
        ScriptReader reader = new ScriptReader(script);
        List<ModifyOperation> inserts = new ArrayList<>();
        ScriptReader.Statement openSet = null;
        // The parser is asked for anew each time, as the driver does: a SET may change it.
        for (ScriptReader.Statement statement = reader.next(internal.getParser()); statement != null;
             statement = reader.next(internal.getParser())) {
            try {
                if (statement.failure() != null) {
                    throw statement.failure();
                }
                for (Operation operation : statement.operations()) {
                    if (openSet != null && !(operation instanceof ModifyOperation
                            || operation instanceof EndStatementSetOperation)) {
                        throw new JobBuildException("only INSERT statements may stand between BEGIN STATEMENT SET ("
                                + openSet.where() + ") and END");
                    }
                    if (operation instanceof BeginStatementSetOperation) {
                        openSet = statement;
                    } else if (operation instanceof EndStatementSetOperation) {
                        if (openSet == null) {
                            throw new JobBuildException("END has no BEGIN STATEMENT SET before it");
                        }
                        openSet = null;
                    } else if (operation instanceof SetOperation set) {
                        applySet(tableEnv, set);
                    } else if (operation instanceof ModifyOperation insert) {
                        inserts.add(insert);
                    } else if (operation instanceof StatementSetOperation block) {
                        inserts.addAll(block.getOperations());
                    } else if (operation instanceof QueryOperation) {
                        throw new JobBuildException("a SELECT has no sink in a submitted job; write its rows "
                                + "with INSERT INTO a table instead");
                    } else {
                        internal.executeInternal(operation);
                    }
                }
            } catch (RuntimeException e) {
                String caveat = statement.caveat() == null ? "" : " (" + statement.caveat() + ")";
                throw new JobBuildException(statement.where() + " failed: " + Failures.explain(e) + caveat, e);
            }
        }
        if (openSet != null) {
            throw new JobBuildException(openSet.where() + " begins a statement set that has no END, so Flink's SQL "
                    + "driver would never submit its INSERTs");
        }
        return inserts;
    }

    private static void applySet(StreamTableEnvironment tableEnv, SetOperation set) {
        Map.Entry<String, String> option = option(set);
        // The planner applies the options to the environment only when it translates the INSERTs, where a value
        // that does not parse ("Could not parse value 'two' for key 'parallelism.default'") can no longer be traced
        // to its SET. The same call here fails at the SET; the planner's later one gives the same result.
        ((AbstractStreamTableEnvironmentImpl) tableEnv).execEnv()
                .configure(Configuration.fromMap(Map.of(option.getKey(), option.getValue())));
        tableEnv.getConfig().getConfiguration().setString(option.getKey(), option.getValue());
    }

    /** The option a SET statement sets; {@code SET;} (which lists the options) sets none. */
    static Map.Entry<String, String> option(SetOperation set) {
        if (set.getKey().isEmpty() || set.getValue().isEmpty()) {
            throw new JobBuildException("SET needs a key and a value, e.g. SET 'pipeline.name' = 'my-job'");
        }
        return Map.entry(set.getKey().get(), set.getValue().get());
    }
}
