package dev.submitworker.dinky;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Map;

/**
 * Dinky's JobResult, field for field. {@code status} is the submission's status ({@code SUCCESS} or {@code FAILED});
 * {@code result.jobStatus} is null: the answer does not wait to read the job's state back.
 *
 * @param id        the task id (Dinky reports the task here too)
 * @param jobId     the Flink JobID, 32 hex characters; null when nothing reached the cluster
 * @param startTime when work on the command began, ISO-8601 in UTC
 * @param endTime   when the answer was made, ISO-8601 in UTC
 * @param result    {@code cluster} (the cluster entry), {@code clusterId}, {@code jobName}, {@code jobStatus} (null)
 * @param control   what a control command did; absent from a submit's and an explain's answer
 * @param plan      what an explain compiled; present only in an explain's successful answer
 */
@JsonPropertyOrder({"id", "jobConfig", "jobInstanceId", "jobManagerAddress", "error", "result", "jobId", "success",
        "statement", "startTime", "endTime", "results", "status", "control", "plan"})
public record JobResult(Integer id, JobConfig jobConfig, Integer jobInstanceId, String jobManagerAddress, String error,
                        Map<String, Object> result, String jobId, boolean success, String statement, String startTime,
                        String endTime, List<Object> results, String status,
                        @JsonInclude(JsonInclude.Include.NON_NULL) ControlResult control,
                        @JsonInclude(JsonInclude.Include.NON_NULL) PlanResult plan) {

    /**
     * @param action        savepoint, stop or cancel
     * @param target        the requestId whose job was acted on
     * @param jobId         that job's JobID
     * @param savepointPath the savepoint taken (savepoint, stop); null otherwise or when none was taken
     */
    public record ControlResult(String action, String target, String jobId, String savepointPath) {}

    /**
     * @param optimizedPlan Flink's explanation of the SQL job's INSERT statements: abstract syntax tree, optimized
     *                      physical plan, optimized execution plan; null for a jar program
     * @param vertices      the JobGraph's vertices, sources first
     */
    public record PlanResult(String optimizedPlan, List<VertexResult> vertices) {}

    /**
     * @param parallelism null when the job leaves it to the cluster's parallelism.default
     * @param inputs      the ids of the vertices it reads from
     */
    public record VertexResult(String id, String name, Integer parallelism, List<String> inputs) {}

    public static final String STATUS_SUCCESS = "SUCCESS";
    public static final String STATUS_FAILED = "FAILED";
}
