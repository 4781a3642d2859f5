package dev.submitworker.core;

import java.time.Instant;

/**
 * A change of a followed job's status, published keyed by requestId. Per request, sequences start at 1 and grow by
 * one; after a terminal event there is none.
 *
 * @param status         Flink's status of the job, or {@link #UNKNOWN} when it can no longer be observed
 * @param previousStatus the status of the event before, or null for the first
 * @param startTime      when Flink started the job (epoch millis), or null
 * @param endTime        when it ended, or null
 * @param failure        why it failed (root cause class and message, redacted and bounded), or null
 * @param checkpoint     the last completed checkpoint or savepoint Flink reported, or null
 * @param reason         why an {@link #UNKNOWN} job can no longer be observed, else null
 */
public record StatusEvent(RequestId requestId, int taskId, String jobId, String cluster, String clusterId,
                          String status, String previousStatus, int sequence, boolean terminal, Instant observedAt,
                          Long startTime, Long endTime, String failure, String checkpoint, String reason) {

    /** The job can no longer be observed: its cluster forgot it, is gone, or could not be asked for too long. */
    public static final String UNKNOWN = "UNKNOWN";

    /** Flink's globally terminal states, and the worker's own UNKNOWN. */
    public static boolean terminal(String status) {
        return switch (status) {
            case "FINISHED", "FAILED", "CANCELED", UNKNOWN -> true;
            default -> false;
        };
    }
}
