package dev.submitworker.submit;

import dev.submitworker.cluster.ClusterRegistry;
import dev.submitworker.cluster.ClusterGateway;
import dev.submitworker.cluster.ClusterResolutionException;
import dev.submitworker.cluster.ClusterUnavailableException;
import dev.submitworker.cluster.SubmissionRejectedException;
import dev.submitworker.cluster.KubernetesApplications;

import dev.submitworker.compile.BadParameterException;
import dev.submitworker.compile.BuiltJob;
import dev.submitworker.compile.ExecuteJarStatement;
import dev.submitworker.compile.Failures;
import dev.submitworker.compile.JobBuildException;
import dev.submitworker.core.RequestId;
import dev.submitworker.compile.TaskCompiler;
import dev.submitworker.dinky.SubmitTaskCommand;
import dev.submitworker.secrets.Redactor;
import dev.submitworker.dinky.ResultEnvelope;
import dev.submitworker.dinky.SubmissionReport;
import dev.submitworker.core.RunMode;
import dev.submitworker.core.Task;
import dev.submitworker.core.port.TaskCatalog;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The core of the worker: one command in, one report out. Resolves the task and its cluster, compiles the job,
 * submits it and reads its state back. Every failure becomes a report with a Dinky code; nothing is thrown.
 */
public final class SubmissionService {

    private static final Logger log = LoggerFactory.getLogger(SubmissionService.class);

    private final TaskCatalog catalog;
    private final ClusterRegistry clusters;
    private final TaskCompiler compiler;
    private final Clock clock;
    private final SubmissionObserver observer;
    private final Redactor redactor;

    /** @param redactor masks secrets of the task's script and options in the log lines written here */
    public SubmissionService(TaskCatalog catalog, ClusterRegistry clusters, TaskCompiler compiler, Clock clock,
                             SubmissionObserver observer, Redactor redactor) {
        this.catalog = catalog;
        this.clusters = clusters;
        this.compiler = compiler;
        this.clock = clock;
        this.observer = observer;
        this.redactor = redactor;
    }

    /** The cluster entry a command's task runs on, if the task and the entry exist. */
    public Optional<String> clusterOf(SubmitTaskCommand command) {
        return catalog.find(command.id()).flatMap(task -> {
            try {
                return Optional.of(clusters.entryFor(task));
            } catch (ClusterResolutionException e) {
                return Optional.empty();
            }
        });
    }

    /**
     * @param guard makes the intent to submit durable before the side effect, and says whether an earlier attempt
     *              may have reached the cluster (then the cluster is asked first, and the job is not sent again)
     */
    public SubmissionReport submit(SubmitTaskCommand command, SubmissionGuard guard) {
        Instant start = clock.instant();
        Optional<Task> found = catalog.find(command.id());
        if (found.isEmpty()) {
            return SubmissionReport.failure(command.requestId(), command.id(), start, ResultEnvelope.ERROR,
                    "Task " + command.id() + " is not in the task catalog", "unknown task id " + command.id());
        }
        Task task = found.get();
        Attempt attempt = new Attempt(command, task, start);
        try {
            attempt.clusterName = clusters.entryFor(task);
        } catch (ClusterResolutionException e) {
            return attempt.report(ResultEnvelope.ERROR, e.getMessage(), e.getMessage());
        }
        if (task.type() == RunMode.KUBERNETES_APPLICATION) {
            return deployApplication(command, guard, task, attempt);
        }
        ClusterGateway gateway;
        try {
            gateway = clusters.gateway(attempt.clusterName);
            attempt.jobManagerAddress = gateway.address();
        } catch (ClusterUnavailableException e) {
            return attempt.report(ResultEnvelope.EXCEPTION, "Cluster '" + attempt.clusterName + "' of task "
                    + task.id() + " is not available", e.getMessage());
        } catch (RuntimeException e) {
            return attempt.report(ResultEnvelope.EXCEPTION, "Cluster '" + attempt.clusterName + "' of task "
                    + task.id() + " is not available", Failures.explain(e));
        }
        BuiltJob job;
        try {
            job = compiler.compile(task, command.requestId(), command.savePointPath(), command.variables());
        } catch (JobBuildException e) {
            return refused(attempt, e);
        } catch (RuntimeException e) {
            // the failure's text may quote the script: logged redacted, with its class but without the stack trace
            String explanation = Failures.explain(e);
            log.warn("Unexpected failure compiling task {} for request {}: {}: {}", task.id(), command.requestId(),
                    e.getClass().getName(), redactor.redactText(explanation));
            return attempt.report(ResultEnvelope.ERROR, "Task " + task.id() + " (" + task.name()
                    + ") could not be compiled into a Flink job", explanation);
        }
        attempt.job = job;
        try {
            return send(command, guard, task, gateway, attempt);
        } finally {
            compiler.release(job);
        }
    }

    private SubmissionReport send(SubmitTaskCommand command, SubmissionGuard guard, Task task,
                                  ClusterGateway gateway, Attempt attempt) {
        BuiltJob job = attempt.job;
        boolean created;
        try {
            Optional<JobStatus> existing = guard.mayHaveBeenSubmitted() ? gateway.status(job.jobId()) : Optional.empty();
            if (existing.isPresent()) {
                created = false;
            } else {
                guard.beforeSubmit(job.jobId());
                created = gateway.submit(job.jobGraph());
                observer.submitted(command.requestId(), job.jobId());
            }
            attempt.jobStatus = existing.or(() -> gateway.status(job.jobId())).map(JobStatus::name).orElse(null);
        } catch (ClusterUnavailableException e) {
            return attempt.report(ResultEnvelope.EXCEPTION, "Cluster '" + attempt.clusterName + "' ("
                    + gateway.address() + ") could not be reached", e.getMessage());
        } catch (SubmissionRejectedException e) {
            return attempt.report(ResultEnvelope.ERROR, "Cluster '" + attempt.clusterName + "' refused job "
                    + job.jobId() + " of task " + task.id(), e.getMessage());
        }
        String outcome = created ? "submitted as job " : "was already on the cluster as job ";
        log.info("Request {}: task {} ({}) {}{} on cluster '{}' ({})", command.requestId(), task.id(), task.name(),
                outcome, job.jobId(), attempt.clusterName, attempt.jobStatus);
        return attempt.report(ResultEnvelope.SUCCESS, "Task " + task.id() + " (" + task.name() + ") " + outcome
                + job.jobId() + (job.note() == null ? "" : "; " + job.note()), null);
    }

    /** The task and the command cannot make a job: the command's fault (code 6) or the task's (code 1). */
    private static SubmissionReport refused(Attempt attempt, JobBuildException e) {
        Task task = attempt.task;
        if (e instanceof BadParameterException) {
            return attempt.report(ResultEnvelope.BAD_PARAMETERS, "The command does not fit task " + task.id() + " ("
                    + task.name() + ")", e.getMessage());
        }
        return attempt.report(ResultEnvelope.ERROR, "Task " + task.id() + " (" + task.name()
                + ") could not be compiled into a Flink job", e.getMessage());
    }

    /**
     * Application mode: the job is compiled on the cluster's own JobManager, so the worker only prepares the task
     * (variables, savepoint) and deploys a cluster for the request, or finds the one it deployed before.
     */
    private SubmissionReport deployApplication(SubmitTaskCommand command, SubmissionGuard guard, Task task,
                                               Attempt attempt) {
        TaskCompiler.PreparedTask prepared;
        try {
            prepared = compiler.prepare(task, command.savePointPath(), command.variables());
        } catch (JobBuildException e) {
            return refused(attempt, e);
        }
        JobID jobId = JobID.fromHexString(new RequestId(command.requestId()).jobId());
        attempt.job = new BuiltJob(null, jobId, task.name(),
                prepared.script() != null ? prepared.script() : ExecuteJarStatement.toStatement(task.jar()),
                TaskCompiler.jobOptions(task, Map.of()), prepared.variables(), prepared.savepointPath(),
                prepared.note());
        KubernetesApplications.Deployment deployment;
        try {
            deployment = KubernetesApplications.deploy(attempt.clusterName,
                    clusters.entry(attempt.clusterName).flinkConfig(), task, command.requestId(), jobId, prepared,
                    () -> guard.beforeSubmit(jobId));
        } catch (ClusterUnavailableException e) {
            return attempt.report(ResultEnvelope.EXCEPTION, "The Kubernetes API of cluster entry '"
                    + attempt.clusterName + "' could not be reached", e.getMessage());
        } catch (SubmissionRejectedException e) {
            return attempt.report(ResultEnvelope.ERROR, "Kubernetes refused the application cluster of task "
                    + task.id() + " (" + task.name() + ")", e.getMessage());
        }
        if (deployment.created()) {
            observer.submitted(command.requestId(), jobId);
        }
        attempt.clusterId = deployment.clusterId();
        attempt.jobManagerAddress = deployment.restAddress();
        String outcome = deployment.created() ? "deployed as application cluster " : "was already deployed as "
                + "application cluster ";
        log.info("Request {}: task {} ({}) {}{} with job {}", command.requestId(), task.id(), task.name(), outcome,
                deployment.clusterId(), jobId);
        return attempt.report(ResultEnvelope.SUCCESS, "Task " + task.id() + " (" + task.name() + ") " + outcome
                + deployment.clusterId() + " with job " + jobId + (prepared.note() == null ? "" : "; " + prepared.note()),
                null);
    }

    /** What one submission has reached so far, so every exit reports as much as is known. */
    private static final class Attempt {
        private final SubmitTaskCommand command;
        private final Task task;
        private final Instant start;
        private String clusterName;
        private String clusterId;
        private String jobManagerAddress;
        private BuiltJob job;
        private String jobStatus;

        Attempt(SubmitTaskCommand command, Task task, Instant start) {
            this.command = command;
            this.task = task;
            this.start = start;
        }

        SubmissionReport report(int code, String msg, String error) {
            String statement = job != null ? job.statement() : task.statement();
            return new SubmissionReport(command.requestId(), task.id(), task,
                    job != null ? job.variables() : command.variables(), job != null ? job.savepointPath() : null,
                    clusterName, clusterId, jobManagerAddress, statement, job, jobStatus, start, code, msg, error);
        }
    }
}
