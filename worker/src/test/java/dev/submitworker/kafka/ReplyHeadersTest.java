package dev.submitworker.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.submitworker.core.RequestId;
import dev.submitworker.testing.FlinkTestClient;
import dev.submitworker.testing.KafkaTestClient;
import dev.submitworker.testing.SharedInfrastructure;
import dev.submitworker.testing.WorkerTest;
import dev.submitworker.testing.WorkerTestInitializer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.KafkaMessageListenerContainer;
import org.springframework.kafka.requestreply.ReplyingKafkaTemplate;
import org.springframework.kafka.support.KafkaHeaders;

/**
 * Request/reply for services: Spring Kafka's own {@code ReplyingKafkaTemplate} sends a command and gets its answer on
 * its reply topic, matched by correlation id; a duplicate is replied to as well; a reply topic the allow-list does
 * not match, or that does not exist, is refused, on the results topic, naming the header.
 */
@WorkerTest
class ReplyHeadersTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final KafkaTestClient kafka = KafkaTestClient.shared();
    private static final FlinkTestClient flink = FlinkTestClient.shared();
    /** Matches the worker's default allow-list: the results topic's name, ".replies." and a name of its own. */
    private static final String REPLY_TOPIC = WorkerTestInitializer.RESULTS + ".replies." + UUID.randomUUID();

    private static DefaultKafkaProducerFactory<String, String> producers;
    private static ReplyingKafkaTemplate<String, String, String> template;

    @BeforeAll
    static void startTemplate() throws Exception {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(REPLY_TOPIC, Optional.of(1), Optional.empty())))
                    .all().get(30, TimeUnit.SECONDS);
        }
        producers = new DefaultKafkaProducerFactory<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedInfrastructure.kafkaBootstrap(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class));
        KafkaMessageListenerContainer<String, String> replies = new KafkaMessageListenerContainer<>(
                new DefaultKafkaConsumerFactory<>(Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedInfrastructure.kafkaBootstrap(),
                        ConsumerConfig.GROUP_ID_CONFIG, "reply-test-" + UUID.randomUUID(),
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                        ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class)),
                new ContainerProperties(REPLY_TOPIC));
        template = new ReplyingKafkaTemplate<>(producers, replies);
        template.setDefaultReplyTimeout(Duration.ofSeconds(60));
        template.start();
        assertThat(template.waitForAssignment(Duration.ofSeconds(30))).isTrue();
    }

    @AfterAll
    static void stopTemplate() {
        template.stop();
        producers.destroy();
    }

    private static Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, SharedInfrastructure.kafkaBootstrap()));
    }

    private static ProducerRecord<String, String> command(String requestId, int task) {
        return new ProducerRecord<>(WorkerTestInitializer.COMMANDS, requestId,
                "{\"requestId\":\"" + requestId + "\",\"id\":" + task + "}");
    }

    private static JsonNode sendAndReceive(ProducerRecord<String, String> command) throws Exception {
        ConsumerRecord<String, String> reply = template.sendAndReceive(command).get(60, TimeUnit.SECONDS);
        assertThat(reply.topic()).isEqualTo(REPLY_TOPIC);
        assertThat(reply.key()).isEqualTo(command.key());
        return JSON.readTree(reply.value());
    }

    @Test
    void aReplyingKafkaTemplateGetsTheAnswerOnItsReplyTopicAndADuplicateGetsItAgain() throws Exception {
        String requestId = KafkaTestClient.newRequestId("reply-round-trip");

        JsonNode reply = sendAndReceive(command(requestId, 101));

        assertThat(reply.get("requestId").asText()).isEqualTo(requestId);
        assertThat(reply.get("code").asInt()).as(reply.toPrettyString()).isZero();
        assertThat(reply.get("duplicate").asBoolean()).isFalse();
        assertThat(reply.at("/data/jobId").asText()).isEqualTo(new RequestId(requestId).jobId());
        // the results topic has it too, the same document
        assertThat(kafka.awaitEnvelope(requestId)).isEqualTo(reply);

        JsonNode again = sendAndReceive(command(requestId, 101));

        assertThat(again.get("duplicate").asBoolean()).isTrue();
        assertThat(again.at("/data/jobId")).isEqualTo(reply.at("/data/jobId"));
        assertThat(flink.jobs()).filteredOn(job -> job.getJobId().toHexString()
                .equals(new RequestId(requestId).jobId())).hasSize(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"not-a-reply-topic-", WorkerTestInitializer.RESULTS + ".replies.missing-"})
    void aReplyTopicOutsideTheAllowListOrMissingIsRefusedOnTheResultsTopicNamingTheHeader(String prefix)
            throws Exception {
        String requestId = KafkaTestClient.newRequestId("reply-refused");
        String elsewhere = prefix + UUID.randomUUID();
        ProducerRecord<String, String> command = command(requestId, 101);
        command.headers().add(KafkaHeaders.REPLY_TOPIC, elsewhere.getBytes(StandardCharsets.UTF_8));
        command.headers().add(KafkaHeaders.CORRELATION_ID, UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));

        template.send(command).get(30, TimeUnit.SECONDS);
        JsonNode answer = kafka.awaitEnvelope(requestId);

        assertThat(answer.get("code").asInt()).as(answer.toPrettyString()).isEqualTo(6);
        assertThat(answer.at("/data/error").asText()).contains("kafka_replyTopic").contains(elsewhere);
        assertThat(flink.hasJob(new RequestId(requestId).jobId())).isFalse();
        try (Admin admin = admin()) {
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() ->
                    !admin.listTopics().names().get(10, TimeUnit.SECONDS).contains(elsewhere));
        }
    }
}
