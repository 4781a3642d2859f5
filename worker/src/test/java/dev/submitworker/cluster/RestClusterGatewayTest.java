package dev.submitworker.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.submitworker.compile.BuiltJob;
import dev.submitworker.compile.SqlJobBuilder;
import dev.submitworker.core.Dialect;
import dev.submitworker.core.RunMode;
import dev.submitworker.core.SavePointStrategy;
import dev.submitworker.core.Task;
import dev.submitworker.testing.SharedInfrastructure;
import java.net.URI;
import java.util.Map;
import java.util.UUID;
import org.apache.flink.api.common.JobID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The gateway against a real session cluster: the answers the idempotency layer relies on. */
class RestClusterGatewayTest {

    private static RestClusterGateway gateway;

    @BeforeAll
    static void connect() {
        gateway = new RestClusterGateway("session", SharedInfrastructure.flinkRestAddress(), Map.of());
    }

    @AfterAll
    static void disconnect() {
        gateway.close();
    }

    private static BuiltJob job(String requestId) {
        Task task = new Task(1, "gateway-test", Dialect.FlinkSql, RunMode.STANDALONE, "session", 1, 0,
                SavePointStrategy.NONE, null, true, null, true, false, null, null, null);
        return new SqlJobBuilder().build(task, requestId, """
                CREATE TEMPORARY TABLE src (id BIGINT) WITH ('connector' = 'datagen', 'number-of-rows' = '1');
                CREATE TEMPORARY TABLE snk (id BIGINT) WITH ('connector' = 'blackhole');
                INSERT INTO snk SELECT id FROM src;
                """, null, false);
    }

    @Test
    void aJobTheClusterDoesNotKnowHasNoStatus() {
        assertThat(gateway.status(new JobID())).isEmpty();
    }

    @Test
    void submittingTheSameJobTwiceLeavesOneJobAndSaysSo() {
        String requestId = "gateway-" + UUID.randomUUID();
        BuiltJob first = job(requestId);
        BuiltJob second = job(requestId);

        assertThat(gateway.submit(first.jobGraph())).isTrue();
        assertThat(gateway.submit(second.jobGraph())).isFalse();
        assertThat(gateway.status(first.jobId())).isPresent();
    }

    @Test
    void anUnreachableClusterIsTransient() {
        try (RestClusterGateway closed = new RestClusterGateway("closed", URI.create("http://127.0.0.1:1"), Map.of())) {
            assertThatThrownBy(() -> closed.status(new JobID())).isInstanceOf(ClusterUnavailableException.class)
                    .hasMessageContaining("closed");
        }
    }
}
