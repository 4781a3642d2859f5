package dev.submitworker.compile;

import dev.submitworker.core.ClusterTarget;
import dev.submitworker.core.JobDescription;
import dev.submitworker.core.JobPlan;
import dev.submitworker.core.RunMode;
import dev.submitworker.core.SubmitCommand;
import dev.submitworker.core.Task;
import dev.submitworker.core.port.BadParametersException;
import dev.submitworker.core.port.CompileFailedException;
import dev.submitworker.core.port.CompiledJob;
import dev.submitworker.core.port.JobCompiler;
import dev.submitworker.core.port.RefusedException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.core.security.FlinkSecurityManager;
import org.apache.flink.runtime.jobgraph.JobVertex;
import org.apache.flink.util.ExceptionUtils;

/**
 * The worker's compiler: for a session cluster (local, standalone, kubernetes-session) the task is compiled here into
 * a {@link SessionJob} holding the JobGraph with the request's JobID; for kubernetes-application, whose JobManager
 * compiles the job itself, it is only prepared into an {@link ApplicationJob} (variables applied, savepoint chosen,
 * options gathered). {@link TaskCompiler} holds the rules of both.
 *
 * <p>Nothing the task's code does while its job is built is the worker's failure: every {@link Throwable} becomes an
 * exception of the port, except the errors after which the JVM itself is in doubt (out of memory, internal errors),
 * which propagate. {@code System.exit} is intercepted ({@link SystemExitGuard}).
 */
public final class FlinkJobCompiler implements JobCompiler {

    private final TaskCompiler compiler;

    /**
     * Installs the guard against {@code System.exit} in this JVM, once.
     *
     * @throws IllegalStateException the JVM does not allow it (Java 18 and later without
     *                               {@code -Djava.security.manager=allow}): the worker must not start so
     */
    public FlinkJobCompiler(TaskCompiler compiler) {
        SystemExitGuard.install();
        this.compiler = compiler;
    }

    @Override
    public String savepointDirectory(Task task, String triggerId) {
        return compiler.savepointDirectory(task, triggerId);
    }

    @Override
    public Optional<String> savepointOf(Task task, String triggerId) {
        return compiler.savepointOf(task, triggerId);
    }

    /**
     * @throws BadParametersException the command's variables or savepoint path do not fit the task
     * @throws CompileFailedException the task's own code failed or called {@code System.exit}, or an unexpected fault
     * @throws RefusedException       the task cannot be compiled (a SQL error, a missing jar, a bad option, a program
     *                                that fails), or its run mode is not served
     */
    @Override
    public CompiledJob compile(Task task, SubmitCommand command, ClusterTarget target) {
        return guarded(task, target, () -> target.mode() == RunMode.KUBERNETES_APPLICATION
                ? application(task, command) : session(task, command));
    }

    /**
     * Compiles as {@link #compile} does for a session cluster, the SQL plan explained too, and releases what was
     * staged at once.
     *
     * @throws RefusedException also for a kubernetes-application task, whose job its cluster compiles
     */
    @Override
    public Explanation explain(Task task, SubmitCommand command, ClusterTarget target) {
        if (target.mode() == RunMode.KUBERNETES_APPLICATION) {
            throw new RefusedException("Task " + task.id() + " (" + task.name() + ") runs in " + target.mode()
                    + " mode: its job is compiled by its application cluster's JobManager, so the worker has no plan "
                    + "of it to show");
        }
        return guarded(task, target, () -> {
            BuiltJob job = compiler.compile(task, command.requestId().value(), command.savepoint(),
                    command.variables(), true);
            try {
                return new Explanation(job.description(), plan(job));
            } finally {
                compiler.release(job);
            }
        });
    }

    private static JobPlan plan(BuiltJob job) {
        List<JobPlan.Vertex> vertices = new ArrayList<>();
        for (JobVertex vertex : job.jobGraph().getVerticesSortedTopologicallyFromSources()) {
            List<String> inputs = vertex.getInputs().stream()
                    .map(edge -> edge.getSource().getProducer().getID().toHexString()).toList();
            vertices.add(new JobPlan.Vertex(vertex.getID().toHexString(), vertex.getName(),
                    vertex.getParallelism() > 0 ? vertex.getParallelism() : null, inputs));
        }
        return new JobPlan(job.optimizedPlan(), vertices);
    }

    /** Runs the task's compile under the guard against System.exit, its failures turned into the port's. */
    private static <T> T guarded(Task task, ClusterTarget target, Supplier<T> compile) {
        if (!target.mode().supported()) {
            throw new RefusedException("Task " + task.id() + " (" + task.name() + ") runs in " + target.mode()
                    + " mode, which this worker does not serve (it serves " + RunMode.supportedModes() + ")");
        }
        // PackagedProgram watches a program's main itself, but the planner runs UDF code too, and outside it
        FlinkSecurityManager.monitorUserSystemExitForCurrentThread();
        try {
            return compile.get();
        } catch (BadParameterException e) {
            throw new BadParametersException(e.getMessage());
        } catch (Throwable failure) {
            // found anywhere in the chain: Flink wraps even an OutOfMemoryError from a program's main
            Optional<Throwable> fatal =
                    ExceptionUtils.findThrowable(failure, ExceptionUtils::isJvmFatalOrOutOfMemoryError);
            if (fatal.isPresent()) {
                throw (Error) fatal.get();
            }
            throw refusal(task, failure);
        } finally {
            FlinkSecurityManager.unmonitorUserSystemExitForCurrentThread();
        }
    }

    private SessionJob session(Task task, SubmitCommand command) {
        BuiltJob job = compiler.compile(task, command.requestId().value(), command.savepoint(), command.variables());
        return new SessionJob(job.jobGraph(), job.description(), () -> compiler.release(job));
    }

    private ApplicationJob application(Task task, SubmitCommand command) {
        TaskCompiler.PreparedTask prepared = compiler.prepare(task, command.savepoint(), command.variables());
        if (prepared.script() != null && compiler.executesJar(prepared.script())) {
            throw new JobBuildException("EXECUTE JAR runs a jar program, which Flink's SQL driver on an application "
                    + "cluster cannot run: write the task as a FlinkJar task whose jar is in the image");
        }
        Map<String, String> options = JobOptions.of(task);
        String statement = prepared.script() != null ? prepared.script() : ExecuteJarStatement.toStatement(task.jar());
        JobDescription description = new JobDescription(options.get(PipelineOptions.NAME.key()), statement, options,
                prepared.variables(), prepared.savepointPath(), prepared.note());
        return new ApplicationJob(command.requestId().jobId(), description, options, prepared.script(), task.jar(),
                prepared.savepointPath(), prepared.allowNonRestoredState());
    }

    /**
     * A task that cannot be compiled as it is ({@link JobBuildException}) is refused; its own code failing (an error
     * under the exception, a System.exit) or anything unforeseen is a failure.
     */
    private static RefusedException refusal(Task task, Throwable failure) {
        String message = "Task " + task.id() + " (" + task.name() + ") could not be compiled into a Flink job";
        Optional<SystemExitGuard.ExitCalled> exit =
                ExceptionUtils.findThrowable(failure, SystemExitGuard.ExitCalled.class);
        if (exit.isPresent()) {
            return new CompileFailedException(message, "the task's code called System.exit(" + exit.get().status()
                    + ") while its job was being built", failure);
        }
        if (failure instanceof JobBuildException) {
            Optional<Error> error = ExceptionUtils.findThrowable(failure, Error.class);
            if (error.isEmpty()) {
                return new RefusedException(message, failure.getMessage(), failure);
            }
            String errorClass = error.get().getClass().getName();
            return new CompileFailedException(message, failure.getMessage().contains(errorClass)
                    ? failure.getMessage() : failure.getMessage() + " (" + errorClass + ")", failure);
        }
        return new CompileFailedException(message, Failures.describe(failure), failure);
    }
}
