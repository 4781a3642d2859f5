package dev.submitworker.kafka;

import dev.submitworker.dinky.MalformedCommandException;

import static org.assertj.core.api.Assertions.assertThat;

import dev.submitworker.secrets.Redactor;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer.HeaderNames;
import org.springframework.kafka.listener.ListenerExecutionFailedException;
import org.springframework.kafka.support.KafkaHeaders;

class DeadLetterHeadersTest {

    private static final HeaderNames NAMES = HeaderNames.Builder.original()
            .offsetHeader(KafkaHeaders.DLT_ORIGINAL_OFFSET)
            .timestampHeader(KafkaHeaders.DLT_ORIGINAL_TIMESTAMP)
            .timestampTypeHeader(KafkaHeaders.DLT_ORIGINAL_TIMESTAMP_TYPE)
            .topicHeader(KafkaHeaders.DLT_ORIGINAL_TOPIC)
            .partitionHeader(KafkaHeaders.DLT_ORIGINAL_PARTITION)
            .consumerGroupHeader(KafkaHeaders.DLT_ORIGINAL_CONSUMER_GROUP)
            .exception()
            .keyExceptionFqcn(KafkaHeaders.DLT_KEY_EXCEPTION_FQCN)
            .exceptionFqcn(KafkaHeaders.DLT_EXCEPTION_FQCN)
            .exceptionCauseFqcn(KafkaHeaders.DLT_EXCEPTION_CAUSE_FQCN)
            .keyExceptionMessage(KafkaHeaders.DLT_KEY_EXCEPTION_MESSAGE)
            .exceptionMessage(KafkaHeaders.DLT_EXCEPTION_MESSAGE)
            .keyExceptionStacktrace(KafkaHeaders.DLT_KEY_EXCEPTION_STACKTRACE)
            .exceptionStacktrace(KafkaHeaders.DLT_EXCEPTION_STACKTRACE)
            .build();

    private final DeadLetterHeaders creator = new DeadLetterHeaders(Redactor.withDefaults());

    private static String header(Headers headers, String name) {
        return new String(headers.lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    @Test
    void anUnexpectedFailureIsUnwrappedRedactedAndBounded() {
        IllegalStateException cause = new IllegalStateException("SET 'db.password' = 'hunter2' failed; "
                + "x".repeat(10_000));
        RuntimeException failure = new RuntimeException("wrapped --token hunter3", cause);
        // one frame each, so that the cause's text comes before the bound
        StackTraceElement[] frame = {new StackTraceElement("dev.submitworker.X", "run", "X.java", 1)};
        failure.setStackTrace(frame);
        cause.setStackTrace(frame);
        Headers headers = new RecordHeaders();
        creator.create(headers, new ListenerExecutionFailedException("Listener failed", failure), false, NAMES);

        assertThat(header(headers, KafkaHeaders.DLT_EXCEPTION_FQCN)).isEqualTo(RuntimeException.class.getName());
        assertThat(header(headers, KafkaHeaders.DLT_EXCEPTION_CAUSE_FQCN))
                .isEqualTo(IllegalStateException.class.getName());
        assertThat(header(headers, KafkaHeaders.DLT_EXCEPTION_MESSAGE)).isEqualTo("wrapped --token ******");
        String trace = header(headers, KafkaHeaders.DLT_EXCEPTION_STACKTRACE);
        assertThat(trace).contains("'db.password' = '******'").doesNotContain("hunter2").doesNotContain("hunter3")
                .hasSizeLessThanOrEqualTo(DeadLetterHeaders.MAX_STACKTRACE_CHARS + 3);
    }

    @Test
    void aRejectedRecordHasItsReasonAndNoStackTrace() {
        Headers headers = new RecordHeaders();
        creator.create(headers, new MalformedCommandException("the value is not valid JSON: " + "y".repeat(5_000)),
                false, NAMES);

        assertThat(header(headers, KafkaHeaders.DLT_EXCEPTION_FQCN)).isEqualTo(MalformedCommandException.class.getName());
        assertThat(header(headers, KafkaHeaders.DLT_EXCEPTION_MESSAGE)).startsWith("the value is not valid JSON: ")
                .hasSize(DeadLetterHeaders.MAX_MESSAGE_CHARS + 3);
        assertThat(headers.lastHeader(KafkaHeaders.DLT_EXCEPTION_STACKTRACE)).isNull();
        assertThat(headers.lastHeader(KafkaHeaders.DLT_EXCEPTION_CAUSE_FQCN)).isNull();
    }
}
