package dev.submitworker.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.submitworker.testing.KafkaTestClient;
import dev.submitworker.testing.WorkerTest;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** The readiness that make run waits for before it prints its banner. */
@WorkerTest
class ReadinessTest {

    private static final KafkaTestClient kafka = KafkaTestClient.shared();

    @Autowired
    private CommandConsumers consumers;

    @Test
    void onceTheConsumersAreReadyACommandIsAnswered() throws Exception {
        consumers.firstReady().get(2, TimeUnit.MINUTES);

        String requestId = "readiness-" + UUID.randomUUID();
        kafka.sendCommand("{\"requestId\":\"" + requestId + "\",\"id\":987654}");

        await().atMost(Duration.ofSeconds(30)).until(() -> !kafka.envelopes(requestId).isEmpty());
        List<JsonNode> answers = kafka.envelopes(requestId);
        assertThat(answers).singleElement().satisfies(answer -> assertThat(answer.get("code").asInt()).isEqualTo(1));
    }
}
