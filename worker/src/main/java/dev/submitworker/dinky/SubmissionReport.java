package dev.submitworker.dinky;

import dev.submitworker.compile.BuiltJob;
import dev.submitworker.core.Task;
import java.time.Instant;
import java.util.Map;

/**
 * Everything known about one command when its answer is made; fields the handling did not reach are null.
 *
 * @param statement the script as compiled or as far as it got; redacted by {@link Envelopes}
 * @param jobStatus Flink's state of the job read back after the submission
 * @param clusterId the Kubernetes cluster-id of the application cluster deployed for the request, else null
 */
public record SubmissionReport(String requestId, Integer taskId, Task task, Map<String, String> variables,
                               String savePointPath, String clusterName, String clusterId, String jobManagerAddress,
                               String statement, BuiltJob job, String jobStatus, Instant startTime, int code,
                               String msg, String error) {

    /** This report with more said in its message. */
    public SubmissionReport withMessage(String msg) {
        return new SubmissionReport(requestId, taskId, task, variables, savePointPath, clusterName, clusterId,
                jobManagerAddress, statement, job, jobStatus, startTime, code, msg, error);
    }

    public static SubmissionReport failure(String requestId, Integer taskId, Instant startTime, int code, String msg,
                                           String error) {
        return new SubmissionReport(requestId, taskId, null, null, null, null, null, null, null, null, null, startTime,
                code, msg, error);
    }
}
