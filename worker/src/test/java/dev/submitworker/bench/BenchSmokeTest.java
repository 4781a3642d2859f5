package dev.submitworker.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Keeps make bench from rotting: its in-JVM routes (the floor and Flink's SQL Gateway over REST) on 2 jobs each, on the
 * suite's shared broker and cluster. Checks only that every job reached the cluster; timings are make bench's job.
 */
class BenchSmokeTest {

    @Test
    void floorAndSqlGatewayRoutesPutEveryJobOnTheCluster() throws Exception {
        List<Stats> stats = new SubmitBenchmark(2, 0, 1).inJvmRoutes();

        assertThat(stats).extracting(Stats::route).containsExactly("floor", "floor", "sql-gateway", "sql-gateway");
        assertThat(stats).allSatisfy(route -> {
            assertThat(route.failure()).isNull();
            assertThat(route.jobsSeen()).isEqualTo(2);
        });
    }
}
