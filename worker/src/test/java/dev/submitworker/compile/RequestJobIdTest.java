package dev.submitworker.compile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.submitworker.core.Dialect;
import dev.submitworker.core.RequestId;
import dev.submitworker.core.RunMode;
import dev.submitworker.core.SavePointStrategy;
import dev.submitworker.core.Task;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.IntStream;
import org.apache.flink.api.common.JobID;
import org.junit.jupiter.api.Test;

/** The JobID of a request's job is the one {@link RequestId#jobId()} derives, in Flink's own reading and writing. */
class RequestJobIdTest {

    private static final List<String> REQUEST_IDS =
            List.of("order-42", "", " ", "a", "A", "ünïcødé-✓", "with/odd:chars?&", "x".repeat(1000));

    @Test
    void isPinned() {
        // a change of the derivation would give redelivered commands of running workers a second job
        // (the MD5 name-based UUID of "submit-worker/request/order-42", computed independently)
        assertThat(new RequestId("order-42").jobId()).isEqualTo("5d37c51c211c3f4c8d98fa97594eef17");
    }

    @Test
    void flinkWritesAndReadsTheHexThatRequestIdDerives() {
        for (String value : REQUEST_IDS) {
            UUID uuid = UUID.nameUUIDFromBytes(("submit-worker/request/" + value).getBytes(StandardCharsets.UTF_8));
            JobID flinks = new JobID(uuid.getMostSignificantBits(), uuid.getLeastSignificantBits());
            String jobId = new RequestId(value).jobId();

            assertThat(jobId).as(value).hasSize(32).isEqualTo(flinks.toHexString());
            assertThat(JobID.fromHexString(jobId)).as(value).isEqualTo(flinks);
        }
    }

    @Test
    void theCompiledJobGraphCarriesIt() {
        Task task = new Task(1, "job-id", Dialect.FlinkSql, RunMode.LOCAL, null, null, 0, SavePointStrategy.NONE,
                null, false, null, true, false, null, null, null);
        SqlJobBuilder builder = new SqlJobBuilder();
        for (String value : List.of("order-42", "ünïcødé-✓", " ")) {
            BuiltJob job = builder.build(task, value, """
                    CREATE TEMPORARY TABLE src (id BIGINT) WITH ('connector' = 'datagen', 'number-of-rows' = '1');
                    CREATE TEMPORARY TABLE snk (id BIGINT) WITH ('connector' = 'blackhole');
                    INSERT INTO snk SELECT id FROM src;
                    """, null, false);

            assertThat(job.jobGraph().getJobID()).isEqualTo(JobID.fromHexString(new RequestId(value).jobId()));
            assertThat(job.jobGraph().getJobID().toHexString()).isEqualTo(new RequestId(value).jobId());
        }
    }

    @Test
    void isDistinctForDistinctRequestIds() {
        Set<String> ids = new HashSet<>();
        IntStream.range(0, 10_000).forEach(i -> ids.add(new RequestId("request-" + i).jobId()));
        assertThat(ids).hasSize(10_000);
        assertThat(REQUEST_IDS.stream().map(id -> new RequestId(id).jobId()).distinct()).hasSize(REQUEST_IDS.size());
    }
}
