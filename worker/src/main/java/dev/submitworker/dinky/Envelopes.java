package dev.submitworker.dinky;

import dev.submitworker.secrets.Redactor;

import dev.submitworker.core.Task;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.runtime.util.EnvironmentInformation;

/** Turns a {@link SubmissionReport} into the published envelope, redacting secrets on the way out. */
public final class Envelopes {

    private static final String FLINK_VERSION = EnvironmentInformation.getVersion();

    private final Clock clock;
    private final Redactor redactor;

    public Envelopes(Clock clock, Redactor redactor) {
        this.clock = clock;
        this.redactor = redactor;
    }

    public ResultEnvelope toEnvelope(SubmissionReport report) {
        Instant now = clock.instant();
        boolean success = report.code() == ResultEnvelope.SUCCESS;
        String jobId = report.job() == null ? null : report.job().jobId().toHexString();
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("cluster", report.clusterName());
        result.put("clusterId", report.clusterId());
        // a jar program may name its job after its arguments
        result.put("jobName", report.job() == null ? null : redactor.redactText(report.job().jobName()));
        result.put("jobStatus", report.jobStatus());
        JobResult data = new JobResult(
                report.taskId(),
                jobConfig(report),
                null,
                report.jobManagerAddress(),
                report.error() == null ? null : redactor.redactText(report.error()),
                result,
                jobId,
                success,
                redactor.redactText(report.statement()),
                report.startTime() == null ? now.toString() : report.startTime().toString(),
                now.toString(),
                List.of(),
                success ? JobResult.STATUS_SUCCESS : JobResult.STATUS_FAILED);
        return new ResultEnvelope(report.requestId(), report.taskId(), report.code(), redactor.redactText(report.msg()),
                success, false, now.toString(), data);
    }

    private JobConfig jobConfig(SubmissionReport report) {
        Task task = report.task();
        if (task == null) {
            return null;
        }
        String jobId = report.job() == null ? null : report.job().jobId().toHexString();
        String jobName = report.job() == null ? task.name() : redactor.redactText(report.job().jobName());
        Map<String, String> configuration = report.job() == null ? null : redactor.redact(report.job().configuration());
        JobConfig.GatewayConfig gateway = new JobConfig.GatewayConfig(task.type().value(), task.id(),
                new JobConfig.FlinkConfig(jobName, jobId, configuration, report.savePointPath(), "START",
                        FLINK_VERSION));
        return new JobConfig(
                task.type().value(),
                task.checkpoint(),
                task.savePointStrategy().name(),
                report.savePointPath(),
                task.parallelism(),
                null,
                null,
                null,
                redactor.redact(task.configJson()),
                false,
                false,
                false,
                task.type() != dev.submitworker.core.RunMode.LOCAL,
                report.jobManagerAddress(),
                task.id(),
                List.of(),
                List.of(),
                jobName,
                task.fragment(),
                task.statementSet(),
                task.batchModel(),
                null,
                gateway,
                redactor.redactVariables(report.variables(), report.statement()));
    }
}
