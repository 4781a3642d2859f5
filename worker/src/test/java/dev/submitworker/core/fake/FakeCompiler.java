package dev.submitworker.core.fake;

import dev.submitworker.core.ClusterTarget;
import dev.submitworker.core.JobDescription;
import dev.submitworker.core.JobPlan;
import dev.submitworker.core.RequestId;
import dev.submitworker.core.SubmitCommand;
import dev.submitworker.core.Task;
import dev.submitworker.core.port.BadParametersException;
import dev.submitworker.core.port.CompiledJob;
import dev.submitworker.core.port.JobCompiler;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Compiles by naming the job after its task; explains it as one vertex named after the task, of the task's
 * parallelism, and a plan that is the task's statement. A command with the variable {@code bad} does not fit its task; a task
 * may be made to throw what real compiles throw; a request may be held until the test lets it go.
 */
public final class FakeCompiler implements JobCompiler {

    private final Map<String, String> onDisk = new ConcurrentHashMap<>();

    private final Map<Integer, Supplier<? extends Throwable>> failing = new ConcurrentHashMap<>();
    private final Map<RequestId, CompletableFuture<Void>> gates = new ConcurrentHashMap<>();
    private final AtomicInteger compiles = new AtomicInteger();

    /** Compiling this task throws what the supplier makes (an Error of user code, a refusal). */
    public void failing(int taskId, Supplier<? extends Throwable> failure) {
        failing.put(taskId, failure);
    }

    /** Compiling for this request blocks until the returned future is completed. */
    public CompletableFuture<Void> hold(RequestId requestId) {
        return gates.computeIfAbsent(requestId, id -> new CompletableFuture<>());
    }

    public int compiles() {
        return compiles.get();
    }

    @Override
    public CompiledJob compile(Task task, SubmitCommand command, ClusterTarget target) {
        compiles.incrementAndGet();
        CompletableFuture<Void> gate = gates.get(command.requestId());
        if (gate != null) {
            gate.join();
        }
        if (command.variables().containsKey("bad")) {
            throw new BadParametersException("Variable 'bad' is not declared by task '" + task.name() + "'");
        }
        Supplier<? extends Throwable> failure = failing.get(task.id());
        if (failure != null) {
            sneakyThrow(failure.get());
        }
        JobDescription description = new JobDescription(task.name(), task.statement(), Map.of(), command.variables(),
                command.savepoint(), null);
        return new CompiledJob() {
            @Override
            public String jobId() {
                return command.requestId().jobId();
            }

            @Override
            public JobDescription description() {
                return description;
            }

            @Override
            public void close() {}
        };
    }

    @Override
    public Explanation explain(Task task, SubmitCommand command, ClusterTarget target) {
        try (CompiledJob job = compile(task, command, target)) {
            return new Explanation(job.description(), new JobPlan("== Optimized Execution Plan ==\n"
                    + task.statement(), List.of(new JobPlan.Vertex(VERTEX, task.name(), task.parallelism(),
                    List.of()))));
        }
    }

    /** The id of the one vertex of an explained job. */
    public static final String VERTEX = "0a448493b4782967b150582570326227";

    /** Every task keeps its savepoints in {@code file:/savepoints/<id>}, those of a trigger in a directory of it. */
    @Override
    public String savepointDirectory(Task task, String triggerId) {
        return "file:/savepoints/" + task.id() + "/trigger-" + triggerId;
    }

    /** A savepoint complete in its trigger's directory (the cluster that took it may have forgotten the trigger). */
    public void onDisk(String triggerId, String path) {
        onDisk.put(triggerId, path);
    }

    @Override
    public Optional<String> savepointOf(Task task, String triggerId) {
        return Optional.ofNullable(onDisk.get(triggerId));
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> void sneakyThrow(Throwable failure) throws T {
        throw (T) failure;
    }
}
