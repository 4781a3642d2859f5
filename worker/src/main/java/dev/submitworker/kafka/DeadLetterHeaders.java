package dev.submitworker.kafka;

import dev.submitworker.secrets.Redactor;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.ListenerExecutionFailedException;

/**
 * The exception headers of a dead letter, in Spring Kafka's names ({@code kafka_dlt-exception-fqcn},
 * {@code -cause-fqcn}, {@code -message}, {@code -stacktrace}), but redacted and bounded: the reason may quote the
 * record or the task's script, and a rejected record's stack trace would tell nothing (it has none).
 */
public final class DeadLetterHeaders implements DeadLetterPublishingRecoverer.ExceptionHeadersCreator {

    static final int MAX_MESSAGE_CHARS = 2_000;
    static final int MAX_STACKTRACE_CHARS = 8_000;

    private final Redactor redactor;

    public DeadLetterHeaders(Redactor redactor) {
        this.redactor = redactor;
    }

    @Override
    public void create(Headers headers, Exception exception, boolean isKey,
                       DeadLetterPublishingRecoverer.HeaderNames names) {
        // the container wraps what the listener threw, and the listener names the failed record of its batch
        Throwable failure = exception;
        while ((failure instanceof ListenerExecutionFailedException || failure instanceof BatchListenerFailedException)
                && failure.getCause() != null) {
            failure = failure.getCause();
        }
        DeadLetterPublishingRecoverer.HeaderNames.ExceptionInfo info = names.getExceptionInfo();
        add(headers, isKey ? info.getKeyExceptionFqcn() : info.getExceptionFqcn(), failure.getClass().getName());
        if (!isKey && failure.getCause() != null) {
            add(headers, info.getExceptionCauseFqcn(), failure.getCause().getClass().getName());
        }
        add(headers, isKey ? info.getKeyExceptionMessage() : info.getExceptionMessage(),
                bounded(redactor.redactText(String.valueOf(failure.getMessage())), MAX_MESSAGE_CHARS));
        if (failure.getStackTrace().length > 0) {
            StringWriter trace = new StringWriter();
            failure.printStackTrace(new PrintWriter(trace));
            add(headers, isKey ? info.getKeyExceptionStacktrace() : info.getExceptionStacktrace(),
                    bounded(redactor.redactText(trace.toString()), MAX_STACKTRACE_CHARS));
        }
    }

    private static void add(Headers headers, String name, String value) {
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }

    private static String bounded(String text, int max) {
        return text.length() > max ? text.substring(0, max) + "..." : text;
    }
}
