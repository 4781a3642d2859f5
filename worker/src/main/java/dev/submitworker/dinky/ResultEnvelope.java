package dev.submitworker.dinky;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * The answer to one command: Dinky's {@code Result<JobResult>} document (code, msg, success, time, data) plus the
 * top-level {@code requestId} and {@code taskId}, so a subscriber can correlate without opening {@code data}.
 * Schema: {@code schemas/job-result-envelope.schema.json}.
 *
 * @param code    Dinky's result codes: 0 success, 1 error, 5 exception (the cluster or a dependency failed), 6 bad
 *                parameters (the command itself is invalid)
 * @param success {@code code == 0}
 * @param time    when the answer was made, ISO-8601 in UTC
 * @param taskId    the command's task id, null when the command had none
 * @param duplicate true when this answers a command whose requestId was already answered: the envelope is the first
 *                  answer again (same jobId, same outcome, same time), and nothing was sent to Flink
 */
@JsonPropertyOrder({"requestId", "taskId", "code", "msg", "success", "duplicate", "time", "data"})
public record ResultEnvelope(String requestId, Integer taskId, int code, String msg, boolean success,
                             boolean duplicate, String time, JobResult data) {}
