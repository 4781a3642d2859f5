package dev.submitworker.core;

import java.util.Map;
import org.slf4j.MDC;

/**
 * The request a log line is written for, as fields of the line (SLF4J's MDC): {@code requestId}, {@code taskId} and
 * {@code jobId} (known from the requestId alone). Opened where work on a request is picked up, on whichever thread
 * picks it up (the consumer's, a submission's), and closed when it is put down, which puts back what was there.
 */
final class LogContext implements AutoCloseable {

    private final Map<String, String> before;

    private LogContext(RequestId requestId, Integer taskId) {
        before = MDC.getCopyOfContextMap();
        MDC.put("requestId", requestId.value());
        MDC.put("jobId", requestId.jobId());
        if (taskId == null) {
            MDC.remove("taskId");
        } else {
            MDC.put("taskId", taskId.toString());
        }
    }

    static LogContext of(RequestId requestId, Integer taskId) {
        return new LogContext(requestId, taskId);
    }

    static LogContext of(SubmitCommand command) {
        return new LogContext(command.requestId(), command.taskId());
    }

    @Override
    public void close() {
        if (before == null) {
            MDC.clear();
        } else {
            MDC.setContextMap(before);
        }
    }
}
