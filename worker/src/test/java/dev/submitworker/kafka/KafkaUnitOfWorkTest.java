package dev.submitworker.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.submitworker.core.port.UnitOfWork;
import dev.submitworker.testing.SharedInfrastructure;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/** The unit of work on the real broker: what a failed transaction blames. */
class KafkaUnitOfWorkTest {

    @Test
    void aCommitFencedByTheGroupBlamesNoWrite() throws Exception {
        String name = topic();
        String bootstrap = SharedInfrastructure.kafkaBootstrap();
        TopicPartition partition = new TopicPartition(name, 0);
        // the metadata of a member that has left its group since: as a consumer whose session expired holds it
        ConsumerGroupMetadata stale;
        try (KafkaConsumer<byte[], byte[]> member = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, name + "-group",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class))) {
            member.subscribe(List.of(name));
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                member.poll(Duration.ofMillis(100));
                return !member.assignment().isEmpty();
            });
            stale = member.groupMetadata();
        }
        // a long linger keeps the write in the producer when the group refuses the offsets, as a write sent just
        // before them may be
        try (Producer<byte[], byte[]> producer = producer(name, ProducerConfig.LINGER_MS_CONFIG, 60_000)) {
            KafkaUnitOfWork unitOfWork = new KafkaUnitOfWork(() -> producer,
                    () -> Map.of(partition, new OffsetAndMetadata(0)), () -> stale, () -> {});
            unitOfWork.attribute("an innocent command");
            unitOfWork.write(new ProducerRecord<>(name, "key".getBytes(), "answer".getBytes()));

            assertThatThrownBy(unitOfWork::commit)
                    .isInstanceOf(UnitOfWork.CommitFailedException.class)
                    .hasRootCauseInstanceOf(org.apache.kafka.clients.consumer.CommitFailedException.class)
                    .satisfies(e -> assertThat(((UnitOfWork.CommitFailedException) e).blamed())
                            .as("the group fenced the transaction; the write is not at fault").isNull());
        }
    }

    @Test
    void aWriteKafkaRefusesForItselfIsBlamed() throws Exception {
        String name = topic();
        try (Producer<byte[], byte[]> producer = producer(name, ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 1024)) {
            KafkaUnitOfWork unitOfWork = new KafkaUnitOfWork(() -> producer,
                    () -> Map.of(new TopicPartition(name, 0), new OffsetAndMetadata(0)),
                    () -> new ConsumerGroupMetadata(name + "-group"), () -> {});
            unitOfWork.attribute("a command with a huge answer");
            unitOfWork.write(new ProducerRecord<>(name, "key".getBytes(), new byte[4096]));

            assertThatThrownBy(unitOfWork::commit)
                    .isInstanceOf(UnitOfWork.CommitFailedException.class)
                    .satisfies(e -> assertThat(((UnitOfWork.CommitFailedException) e).blamed())
                            .isEqualTo("a command with a huge answer"));
        }
    }

    private static String topic() throws Exception {
        String name = "uow-" + UUID.randomUUID().toString().substring(0, 8);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                SharedInfrastructure.kafkaBootstrap()))) {
            admin.createTopics(List.of(new NewTopic(name, 1, (short) 1))).all().get();
        }
        return name;
    }

    /** A transactional producer of its own, with one setting of the test's. */
    private static Producer<byte[], byte[]> producer(String name, String setting, Object value) {
        Producer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedInfrastructure.kafkaBootstrap(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, name + "-tx",
                setting, value,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class));
        producer.initTransactions();
        return producer;
    }
}
