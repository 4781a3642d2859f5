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
        Instant compileStart = clock.instant();
        try {
            job = compiler.compile(task, command, target);
            telemetry.timed(Telemetry.Phase.COMPILE, Duration.between(compileStart, clock.instant()));
        } catch (BadParametersException e) {
            return result(new Outcome.BadCommand("The command does not fit task " + name(task), e.getMessage()), null,
                    gateway.address());
        } catch (CompileFailedException e) {
            return result(new Outcome.Failed(e.getMessage(), e.detail()), null, gateway.address());
        } catch (RefusedException e) {
            return result(new Outcome.Refused(e.getMessage(), e.detail()), null, gateway.address());
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) {
            log.warn("Compiling task {} for request {} failed unexpectedly: {}", task.id(), command.requestId(),
                    redaction.mask(e.toString()));
            return result(new Outcome.Failed("Task " + name(task) + " failed while its job was being built",
                    e.toString()), null, gateway.address());
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
