package dev.submitworker.dinky;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.submitworker.testing.KafkaTestClient;
import dev.submitworker.testing.WorkerTest;
import dev.submitworker.testing.WorkerTestInitializer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One record of each kind of bad input, on the real worker: each is dead-lettered (original topic, partition, offset,
 * exception class and a readable reason in the headers) and/or answered with code 6 naming the field (on its
 * requestId, or on its record key when it has no usable requestId), and a valid command sent right behind it on the
 * same partition is still answered.
 */
@WorkerTest
class HostileInputTest {

    private static final KafkaTestClient kafka = KafkaTestClient.shared();
    private static final AtomicInteger partitions = new AtomicInteger();

    /** What the worker must do with a record. */
    enum Expect { DEAD_LETTER, ANSWER, BOTH }

    /** A bad record: its value is built around the requestId of the case ({@code %s}). */
    record Case(String name, Expect expect, String reason, Value value) {
        @Override
        public String toString() {
            return name;
        }
    }

    interface Value {
        byte[] of(String requestId);
    }

    private static Value json(String template) {
        return requestId -> template.replace("%s", requestId).getBytes(StandardCharsets.UTF_8);
    }

    static Stream<Arguments> cases() {
        String manyVariables = IntStream.range(0, 101).mapToObj(i -> "\"v" + i + "\":\"x\"")
                .collect(Collectors.joining(","));
        return Stream.of(
                new Case("not JSON", Expect.BOTH, "the value is not valid JSON", json("not json {")),
                new Case("empty value", Expect.BOTH, "the record has no value", requestId -> new byte[0]),
                new Case("null value (tombstone)", Expect.BOTH, "the record has no value", requestId -> null),
                new Case("JSON array", Expect.BOTH, "a JSON array, not an object", json("[\"%s\", 101]")),
                new Case("JSON null", Expect.BOTH, "not an object", json("null")),
                new Case("byte order mark", Expect.BOTH, "byte order mark",
                        json("\uFEFF{\"requestId\":\"%s\",\"id\":101}")),
                new Case("UTF-16", Expect.BOTH, "the value is not valid JSON",
                        requestId -> ("{\"requestId\":\"" + requestId + "\",\"id\":101}")
                                .getBytes(StandardCharsets.UTF_16BE)),
                new Case("Latin-1 after the requestId", Expect.BOTH, "not valid UTF-8 (invalid byte sequence at byte",
                        requestId -> ("{\"requestId\":\"" + requestId + "\",\"id\":101,\"variables\":{\"city\":\"K\u00f6ln\"}}")
                                .getBytes(StandardCharsets.ISO_8859_1)),
                new Case("truncated command", Expect.BOTH, "the value is not valid JSON",
                        json("{\"requestId\":\"%s\",\"id\":10")),
                new Case("duplicate key", Expect.BOTH, "Duplicate field 'id'",
                        json("{\"requestId\":\"%s\",\"id\":101,\"id\":102}")),
                new Case("oversized record", Expect.BOTH, "more than the limit of 65536 bytes",
                        json("{\"requestId\":\"%s\",\"id\":101,\"variables\":{\"x\":\"" + "y".repeat(70_000) + "\"}}")),
                new Case("deep nesting", Expect.BOTH, "nesting depth",
                        json("{\"requestId\":\"%s\",\"id\":101,\"variables\":" + "{\"a\":".repeat(2000) + "1"
                                + "}".repeat(2000) + "}")),
                new Case("requestId missing", Expect.BOTH, "field 'requestId': is missing",
                        json("{\"id\":101,\"note\":\"%s\"}")),
                new Case("requestId not a string", Expect.BOTH, "field 'requestId': array found, string expected",
                        json("{\"requestId\":[\"%s\"],\"id\":101}")),
                new Case("requestId too long", Expect.BOTH, "field 'requestId': is 300 characters long",
                        json("{\"requestId\":\"" + "r".repeat(300) + "\",\"id\":101,\"note\":\"%s\"}")),
                new Case("requestId with control characters", Expect.BOTH, "field 'requestId': has a control character",
                        json("{\"requestId\":\"%s \\u202e\\u0000\",\"id\":101}")),
                new Case("id as a string", Expect.ANSWER, "field 'id': string found, integer expected",
                        json("{\"requestId\":\"%s\",\"id\":\"101\"}")),
                new Case("id out of range", Expect.ANSWER, "field 'id': must have a maximum value of 2147483647",
                        json("{\"requestId\":\"%s\",\"id\":9999999999}")),
                new Case("id missing", Expect.ANSWER, "field 'id': is missing", json("{\"requestId\":\"%s\"}")),
                new Case("unknown field", Expect.ANSWER, "field 'savepointPath': is not a field of the command",
                        json("{\"requestId\":\"%s\",\"id\":101,\"savepointPath\":\"/x\"}")),
                new Case("variable not a string", Expect.ANSWER, "field 'variables.day': object found, string expected",
                        json("{\"requestId\":\"%s\",\"id\":101,\"variables\":{\"day\":{\"a\":\"b\"}}}")),
                new Case("too many variables", Expect.ANSWER, "field 'variables': 101 variables, more than the limit of 100",
                        json("{\"requestId\":\"%s\",\"id\":101,\"variables\":{" + manyVariables + "}}")),
                new Case("variable value too long", Expect.ANSWER,
                        "field 'variables.day': the value is 4097 characters long, more than the limit of 4096",
                        json("{\"requestId\":\"%s\",\"id\":101,\"variables\":{\"day\":\"" + "d".repeat(4097) + "\"}}")),
                new Case("variable name too long", Expect.ANSWER, "the name is 129 characters long",
                        json("{\"requestId\":\"%s\",\"id\":101,\"variables\":{\"" + "n".repeat(129) + "\":\"x\"}}")),
                new Case("unpaired surrogate", Expect.ANSWER, "field 'variables.day': the value is not valid Unicode",
                        json("{\"requestId\":\"%s\",\"id\":101,\"variables\":{\"day\":\"\\udc00x\"}}")))
                .map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void badRecordIsDeadLetteredOrAnsweredAndThePartitionFlows(Case bad) {
        String requestId = "hostile-" + UUID.randomUUID();
        int partition = partitions.getAndIncrement() % 4;
        RecordMetadata sent = kafka.sendRaw(partition, requestId, bad.value().of(requestId));
        String next = "after-hostile-" + UUID.randomUUID();
        kafka.sendRaw(partition, next, ("{\"requestId\":\"" + next + "\",\"id\":101}").getBytes(StandardCharsets.UTF_8));

        // the valid command behind it is answered: the partition flows, and the bad record's outcome is committed
        JsonNode after = kafka.awaitEnvelope(next);
        assertThat(after.get("code").asInt()).as(after.toPrettyString()).isZero();

        if (bad.expect() == Expect.ANSWER) {
            assertThat(deadLetter(requestId)).as("dead letter").isEmpty();
        } else {
            await().atMost(Duration.ofSeconds(30)).until(() -> deadLetter(requestId).isPresent());
            ConsumerRecord<String, byte[]> record = deadLetter(requestId).orElseThrow();
            assertThat(record.value()).isEqualTo(bad.value().of(requestId));
            assertThat(header(record, "kafka_dlt-original-topic")).isEqualTo(WorkerTestInitializer.COMMANDS);
            // Spring Kafka writes these two as big-endian int and long
            assertThat(ByteBuffer.wrap(rawHeader(record, "kafka_dlt-original-partition")).getInt()).isEqualTo(partition);
            assertThat(ByteBuffer.wrap(rawHeader(record, "kafka_dlt-original-offset")).getLong())
                    .isEqualTo(sent.offset());
            assertThat(header(record, "kafka_dlt-exception-fqcn")).isEqualTo(MalformedCommandException.class.getName());
            assertThat(header(record, "kafka_dlt-exception-message"))
                    .startsWith("Record " + WorkerTestInitializer.COMMANDS + "-" + partition + "@" + sent.offset()
                            + " is not a usable command: ")
                    .contains(bad.reason())
                    .hasSizeLessThan(2_100);
            assertThat(record.headers().lastHeader("kafka_dlt-exception-stacktrace")).isNull();
        }
        if (bad.expect() == Expect.DEAD_LETTER) {
            assertThat(kafka.envelopes(requestId)).as("answers").isEmpty();
        } else {
            JsonNode answer = kafka.awaitEnvelope(requestId);
            assertThat(answer.get("code").asInt()).isEqualTo(6);
            assertThat(answer.get("success").asBoolean()).isFalse();
            assertThat(answer.get("msg").asText()).startsWith("Invalid command: ").contains(bad.reason());
            assertThat(kafka.envelopes(requestId)).as("answers").hasSize(1);
        }
    }

    @Test
    void aRecordWithNeitherKeyNorRequestIdIsDeadLetteredOnly() {
        String marker = "no-key-" + UUID.randomUUID();
        byte[] value = ("not json " + marker).getBytes(StandardCharsets.UTF_8);
        kafka.sendRaw(0, null, value);
        String next = "after-no-key-" + UUID.randomUUID();
        kafka.sendRaw(0, next, ("{\"requestId\":\"" + next + "\",\"id\":101}").getBytes(StandardCharsets.UTF_8));

        assertThat(kafka.awaitEnvelope(next).get("code").asInt()).isZero();
        await().atMost(Duration.ofSeconds(30)).until(() -> kafka.deadLetters().stream()
                .anyMatch(record -> Arrays.equals(record.value(), value)));
        assertThat(kafka.allEnvelopes().keySet()).noneMatch(key -> key != null && key.contains(marker));
    }

    /**
     * A command just under Kafka's record size is refused for its size; its dead letter, the record plus headers,
     * would not fit a record: it is written with the start of its value and a header saying so, and nothing behind
     * it waits.
     */
    @Test
    void aDeadLetterTooLargeForARecordIsWrittenCutAndThePartitionFlows() {
        String requestId = "hostile-huge-" + UUID.randomUUID();
        String head = "{\"requestId\":\"" + requestId + "\",\"id\":101,\"variables\":{\"x\":\"";
        byte[] value = (head + "y".repeat(1_048_400 - head.length() - 3) + "\"}}").getBytes(StandardCharsets.UTF_8);
        RecordMetadata sent = kafka.sendRaw(1, requestId, value);
        String next = "after-huge-" + UUID.randomUUID();
        kafka.sendRaw(1, next, ("{\"requestId\":\"" + next + "\",\"id\":101}").getBytes(StandardCharsets.UTF_8));

        assertThat(kafka.awaitEnvelope(next).get("code").asInt()).isZero();
        JsonNode answer = kafka.awaitEnvelope(requestId);
        assertThat(answer.get("code").asInt()).isEqualTo(6);
        assertThat(answer.get("msg").asText()).contains("more than the limit of 65536 bytes");
        await().atMost(Duration.ofSeconds(30)).until(() -> deadLetter(requestId).isPresent());
        ConsumerRecord<String, byte[]> letter = deadLetter(requestId).orElseThrow();
        assertThat(header(letter, "submit-worker-dlt-truncated-from")).isEqualTo(Integer.toString(value.length));
        assertThat(letter.value().length).isLessThan(value.length).isGreaterThan(1_000_000);
        assertThat(new String(letter.value(), 0, head.length(), StandardCharsets.UTF_8)).isEqualTo(head);
        assertThat(ByteBuffer.wrap(rawHeader(letter, "kafka_dlt-original-offset")).getLong()).isEqualTo(sent.offset());
    }

    private static Optional<ConsumerRecord<String, byte[]>> deadLetter(String key) {
        return kafka.deadLetters().stream().filter(record -> key.equals(record.key())).findFirst();
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        return new String(rawHeader(record, name), StandardCharsets.UTF_8);
    }

    private static byte[] rawHeader(ConsumerRecord<String, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        assertThat(header).as("header " + name).isNotNull();
        return header.value();
    }
}
