package dev.submitworker.core;

import dev.submitworker.core.port.BadParametersException;
import dev.submitworker.core.port.ClusterGateway;
import dev.submitworker.core.port.ClusterUnreachableException;
import dev.submitworker.core.port.Clusters;
import dev.submitworker.core.port.CompileFailedException;
import dev.submitworker.core.port.CompiledJob;
import dev.submitworker.core.port.JobCompiler;
import dev.submitworker.core.port.RefusedException;
import dev.submitworker.core.port.Redaction;
import dev.submitworker.core.port.Telemetry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One attempt at a submission, on an execution thread: find the cluster, compile the job, ask the cluster whether it
 * has the job already (when an earlier attempt may have reached it), submit. Every way it can end is an
 * {@link Outcome}; only a {@link VirtualMachineError} escapes. A failure of the task's own code while its job is
 * compiled (a UDF's static initializer, a jar's main) is that command's failure; an unexpected failure talking to the
 * cluster is taken as the cluster being unreachable, so it is retried rather than answered as final.
 */
final class Attempt {

    private static final Logger log = LoggerFactory.getLogger(Attempt.class);

    /** What the attempt found out, for the answer. Fields it did not reach are null. */
    record Result(Outcome outcome, JobDescription job, String jobManagerAddress, String clusterId,
                  boolean reachedCluster) {}

    private final Clusters clusters;
    private final JobCompiler compiler;
    private final Redaction redaction;
    private final Telemetry telemetry;
    private final Clock clock;

    Attempt(Clusters clusters, JobCompiler compiler, Redaction redaction, Telemetry telemetry, Clock clock) {
        this.clusters = clusters;
        this.compiler = compiler;
        this.redaction = redaction;
        this.telemetry = telemetry;
        this.clock = clock;
    }

    /**
     * @param mayExist an earlier attempt may have reached the cluster: ask it first, submit only if it has no such job
     */
    Result run(SubmitCommand command, Task task, ClusterTarget target, boolean mayExist) {
        ClusterGateway gateway;
        try {
            gateway = clusters.gateway(target);
        } catch (ClusterUnreachableException e) {
            return unreachable(e, null);
        } catch (RuntimeException e) {
            return unexpected(e, null, null, task);
        }
        CompiledJob job;
        try {
            job = timed(() -> compiler.compile(task, command, target));
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) {
            return notCompiled(e, command, task, gateway.address());
        }
        Instant submitStart = clock.instant();
        try (job) {
            Result submitted = submit(gateway, job, task, mayExist);
            telemetry.timed(Telemetry.Phase.SUBMIT, Duration.between(submitStart, clock.instant()));
            return submitted;
        } catch (ClusterUnreachableException e) {
            return unreachable(e, job.description());
        } catch (RefusedException e) {
            return new Result(new Outcome.Refused(e.getMessage(), e.detail()), job.description(), gateway.address(),
                    null, true);
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) {
            return unexpected(e, job.description(), gateway.address(), task);
        }
    }

    /**
     * An explain: the task compiled as {@link #run} compiles it for a submit, answered with its plan. Nothing goes to
     * the cluster, so the cluster is not asked for (an explain works while its cluster is down), and its answer
     * reports no JobManager address.
     */
    Result explain(SubmitCommand command, Task task, ClusterTarget target) {
        JobCompiler.Explanation explained;
        try {
            explained = timed(() -> compiler.explain(task, command, target));
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) {
            return notCompiled(e, command, task, null);
        }
        int vertices = explained.plan().vertices().size();
        return result(new Outcome.Explained("Task " + name(task) + " compiles into job '" + explained.job().jobName()
                + "' of " + vertices + (vertices == 1 ? " vertex" : " vertices") + "; nothing was submitted"
                + (explained.job().note() == null ? "" : "; " + explained.job().note()), explained.plan()),
                explained.job(), null);
    }

    /** A compile, timed when it succeeds. */
    private <T> T timed(Supplier<T> compile) {
        Instant start = clock.instant();
        T compiled = compile.get();
        telemetry.timed(Telemetry.Phase.COMPILE, Duration.between(start, clock.instant()));
        return compiled;
    }

    /** The answer to a task that did not compile, the same for a submit and an explain. */
    private Result notCompiled(Throwable failure, SubmitCommand command, Task task, String address) {
        Outcome outcome;
        if (failure instanceof BadParametersException e) {
            outcome = new Outcome.BadCommand("The command does not fit task " + name(task), e.getMessage());
        } else if (failure instanceof CompileFailedException e) {
            outcome = new Outcome.Failed(e.getMessage(), e.detail());
        } else if (failure instanceof RefusedException e) {
            outcome = new Outcome.Refused(e.getMessage(), e.detail());
        } else {
            log.warn("Compiling task {} for request {} failed unexpectedly: {}", task.id(), command.requestId(),
                    redaction.mask(failure.toString()));
            outcome = new Outcome.Failed("Task " + name(task) + " failed while its job was being built",
                    failure.toString());
        }
        return result(outcome, null, address);
    }

    /**
     * A control command on its target's job: cancel it, or take a savepoint under the request's own trigger id
     * (joining it when the cluster knows it already: a retry, or a new owner after a crash) and wait for it, at most
     * {@link #SAVEPOINT_WAIT}. Every call on the target's job goes through one {@link ClusterGateway.JobControl},
     * closed when the attempt ends: its JobManager is found once, not once per poll.
     *
     * @param task   the target's task, or null when it is no longer in the catalog
     * @param target the cluster entry the target's job runs on
     */
    Result control(SubmitCommand command, Task task, ClusterTarget target) {
        ClusterGateway gateway;
        try {
            gateway = clusters.gateway(target);
        } catch (ClusterUnreachableException e) {
            return unreachable(e, null);
        } catch (RuntimeException e) {
            return unexpectedControl(e, null, command);
        }
        try (ClusterGateway.JobControl job = gateway.control(command.control().target().jobId())) {
            if (command.control().action() == Control.Action.RESTART) {
                return restart(gateway, job, command, task, target);
            }
            Outcome outcome = command.control().action().savepoint() ? savepoint(job, command, task,
                    command.control().action() == Control.Action.STOP)
                    : cancel(job, command);
            return new Result(outcome, null, gateway.address(), null, true);
        } catch (ClusterUnreachableException e) {
            return unreachable(e, null);
        } catch (RefusedException e) {
            return new Result(new Outcome.Refused(e.getMessage(), e.detail()), null, gateway.address(), null, true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return unexpectedControl(e, gateway.address(), command);
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) {
            return unexpectedControl(e, gateway.address(), command);
        }
    }

    /** How long an attempt waits for a savepoint before it counts as not done yet (its request waits and asks again). */
    static final Duration SAVEPOINT_WAIT = Duration.ofMinutes(10);
    private static final Duration SAVEPOINT_POLL = Duration.ofMillis(200);

    /**
     * A restart: its own job is looked for first (an earlier attempt may have got that far); else the target's job is
     * stopped with a savepoint under the restart's trigger id (joined if it was triggered before), or, given a
     * savepoint path, cancelled if it still runs; then the restart's task is submitted from the savepoint as the job
     * of the restart's requestId.
     *
     * @param old    the target's job
     * @param task   the restart's task
     * @param target the cluster entry of the restart's task, which is the target's job's
     */
    private Result restart(ClusterGateway gateway, ClusterGateway.JobControl old, SubmitCommand command, Task task,
                           ClusterTarget target) throws InterruptedException {
        Control control = command.control();
        String savepoint = command.savepoint();
        Optional<ClusterGateway.JobState> replacement = gateway.find(command.requestId().jobId());
        if (savepoint == null) {
            Optional<ClusterGateway.SavepointStatus> stop = old.savepointStatus(command.requestId().triggerId());
            if (replacement.isEmpty() || stop.isPresent()) {
                Outcome stopped = savepoint(old, command, task, true);
                if (!(stopped instanceof Outcome.Controlled done)) {
                    return result(stopped, null, gateway.address());
                }
                savepoint = done.savepointPath();
            } else {
                // its job is there and the cluster has forgotten the stop: its savepoint is named by its directory
                savepoint = compiler.savepointOf(task, command.requestId().triggerId()).orElse(null);
            }
        } else if (replacement.isEmpty()) {
            Optional<ClusterGateway.JobState> running = old.find();
            if (running.isPresent() && !StatusEvent.terminal(running.get().status())) {
                try {
                    old.cancel();
                } catch (RefusedException e) {
                    // Flink cancels any job that has not ended: it ended meanwhile (its details lag its status)
                    log.info("Request {}: the job of request {} was not cancelled, it has ended: {}",
                            command.requestId(), control.target(), redaction.mask(String.valueOf(e.detail())));
                }
            }
        }
        Result submitted = run(command.restartFrom(savepoint), task, target, true);
        if (!(submitted.outcome() instanceof Outcome.Submitted done)) {
            return submitted;
        }
        String from = savepoint == null ? "its savepoint (taken earlier, no longer known to the cluster)" : savepoint;
        return new Result(new Outcome.Submitted("Restarted the job of request " + control.target() + " from " + from
                + ": " + done.message(), done.alreadyThere()), submitted.job(), submitted.jobManagerAddress(),
                submitted.clusterId(), true);
    }

    /** @param stop a stop with savepoint (a restart's is), else a savepoint alone */
    private Outcome savepoint(ClusterGateway.JobControl job, SubmitCommand command, Task task, boolean stop)
            throws InterruptedException {
        Control control = command.control();
        String jobId = control.target().jobId();
        String triggerId = command.requestId().triggerId();
        Optional<ClusterGateway.SavepointStatus> status = job.savepointStatus(triggerId);
        if (status.isEmpty()) {
            // the cluster does not know the trigger: never sent, or forgotten since (rest.async.store-duration)
            Optional<String> taken = task == null ? Optional.empty() : compiler.savepointOf(task, triggerId);
            Optional<ClusterGateway.JobState> state = job.find();
            if (taken.isPresent() && (!stop || state.isEmpty() || StatusEvent.terminal(state.get().status()))) {
                log.info("Request {}: the {} of job {} was taken before: {}", command.requestId(),
                        control.action().value(), jobId, taken.get());
                return done(control, stop, taken.get());
            }
            Optional<Outcome> ended = ended(state, control);
            if (ended.isPresent()) {
                return ended.get();
            }
            job.triggerSavepoint(triggerId, task == null ? null : compiler.savepointDirectory(task, triggerId), stop,
                    control.drain());
            log.info("Request {}: {} of job {} triggered ({})", command.requestId(), control.action().value(), jobId,
                    triggerId);
        }
        long deadline = System.nanoTime() + SAVEPOINT_WAIT.toNanos();
        while (status.isEmpty() || !status.get().complete()) {
            if (System.nanoTime() > deadline) {
                throw new ClusterUnreachableException("The savepoint of job " + jobId + " (trigger " + triggerId
                        + ") was not complete after " + SAVEPOINT_WAIT, "still in progress", null);
            }
            if (status.isPresent()) {
                Thread.sleep(SAVEPOINT_POLL.toMillis());
            }
            status = job.savepointStatus(triggerId);
        }
        String what = stop ? "stop with savepoint" : "savepoint";
        if (status.get().failure() != null) {
            return new Outcome.Refused("Flink could not take the " + what + " of job " + jobId + " (request "
                    + control.target() + ")", status.get().failure());
        }
        return done(control, stop, status.get().path());
    }

    private static Outcome done(Control control, boolean stop, String path) {
        String jobId = control.target().jobId();
        return new Outcome.Controlled((stop ? "Job " + jobId + " (request " + control.target() + ") stopped with "
                + "savepoint " : "Savepoint of job " + jobId + " (request " + control.target() + ") taken: ") + path,
                path);
    }

    private static Outcome cancel(ClusterGateway.JobControl job, SubmitCommand command) {
        Control control = command.control();
        String jobId = control.target().jobId();
        Optional<ClusterGateway.JobState> state = job.find();
        if (state.isPresent() && "CANCELED".equals(state.get().status())) {
            // what was asked is so: cancelled by this request before its answer was written, or otherwise
            return new Outcome.Controlled("Job " + jobId + " (request " + control.target() + ") is CANCELED", null);
        }
        Optional<Outcome> ended = ended(state, control);
        if (ended.isPresent()) {
            return ended.get();
        }
        job.cancel();
        log.info("Request {}: job {} cancelled", command.requestId(), jobId);
        return new Outcome.Controlled("Job " + jobId + " (request " + control.target() + ") cancelled", null);
    }

    /** The refusal when the target's job has ended, or is gone from its cluster. */
    private static Optional<Outcome> ended(Optional<ClusterGateway.JobState> state, Control control) {
        String jobId = control.target().jobId();
        if (state.isEmpty()) {
            return Optional.of(new Outcome.Refused("The job of request " + control.target() + " (" + jobId + ") is "
                    + "not on its cluster any more: nothing to " + control.action().value(), "unknown job " + jobId));
        }
        if (StatusEvent.terminal(state.get().status())) {
            return Optional.of(new Outcome.Refused("The job of request " + control.target() + " (" + jobId + ") has "
                    + "ended " + state.get().status() + ": nothing to " + control.action().value(),
                    "job " + jobId + " is " + state.get().status()));
        }
        return Optional.empty();
    }

    private Result unexpectedControl(Throwable e, String address, SubmitCommand command) {
        log.warn("The {} of request {} failed unexpectedly; it will be tried again: {}",
                command.control().action().value(), command.control().target(), redaction.mask(e.toString()));
        return new Result(new Outcome.Unreachable("The " + command.control().action().value() + " of the job of "
                + "request " + command.control().target() + " failed unexpectedly", e.toString()), null, address, null,
                false);
    }

    private static Result submit(ClusterGateway gateway, CompiledJob job, Task task, boolean mayExist) {
        JobDescription description = job.description();
        if (mayExist) {
            Optional<ClusterGateway.JobState> there = gateway.find(job.jobId());
            if (there.isPresent()) {
                if (!description.jobName().equals(there.get().name())) {
                    throw new RefusedException("JobID " + job.jobId() + " is taken on the cluster by job '"
                            + there.get().name() + "', not this request's job '" + description.jobName() + "'",
                            "was the requestId used before the ledger's retention, or by another deployment that "
                                    + "shares the cluster?", null);
                }
                return submitted(task, description, new ClusterGateway.Deployment(false, gateway.address(), null),
                        job.jobId());
            }
        }
        return submitted(task, description, gateway.submit(job), job.jobId());
    }

    private static Result submitted(Task task, JobDescription job, ClusterGateway.Deployment deployment, String jobId) {
        String how = deployment.clusterId() == null
                ? (deployment.created() ? "submitted as job " : "was already on the cluster as job ") + jobId
                : (deployment.created() ? "deployed as application cluster " : "was already deployed as application "
                        + "cluster ") + deployment.clusterId() + " with job " + jobId;
        String message = "Task " + name(task) + " " + how + (job.note() == null ? "" : "; " + job.note());
        return new Result(new Outcome.Submitted(message, !deployment.created()), job, deployment.jobManagerAddress(),
                deployment.clusterId(), true);
    }

    private static Result unreachable(ClusterUnreachableException e, JobDescription job) {
        return new Result(new Outcome.Unreachable(e.getMessage(), e.detail()), job, null, null, false);
    }

    /** Not a refusal the cluster gave: taken as transient, so that a fault of the moment is never a final answer. */
    private Result unexpected(Throwable e, JobDescription job, String address, Task task) {
        log.warn("Submitting task {} failed unexpectedly; it will be tried again: {}", task.id(),
                redaction.mask(e.toString()));
        return new Result(new Outcome.Unreachable("Submitting task " + name(task) + " failed unexpectedly",
                e.toString()), job, address, null, false);
    }

    private static Result result(Outcome outcome, JobDescription job, String address) {
        return new Result(outcome, job, address, null, false);
    }

    static String name(Task task) {
        return task.id() + " (" + task.name() + ")";
    }
}
