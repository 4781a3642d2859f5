package dev.submitworker.core;

import java.time.Instant;

/**
 * Everything an answer reports, before any wire format. Fields the handling did not reach are null.
 *
 * @param taskId            the command's task id, or null when the command had none (an invalid command)
 * @param task              the task, when it was found
 * @param target            the cluster entry, when it was resolved
 * @param job               the compiled job, when compiling got that far
 * @param jobManagerAddress the cluster's REST address, when known
 * @param clusterId         the Kubernetes cluster-id of an application cluster, when one was deployed
 * @param command           the command, when it was valid
 * @param startTime         when work on the command began
 * @param time              when the answer was made
 */
public record Answer(RequestId requestId, Integer taskId, Outcome outcome, Task task, ClusterTarget target,
                     JobDescription job, String jobManagerAddress, String clusterId, SubmitCommand command,
                     Instant startTime, Instant time) {

    /** Whether the job this answer reports is on its cluster. */
    public boolean submitted() {
        return outcome instanceof Outcome.Submitted;
    }
}
