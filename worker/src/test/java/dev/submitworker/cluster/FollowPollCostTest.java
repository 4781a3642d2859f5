package dev.submitworker.cluster;

import static dev.submitworker.cluster.FlinkRestStub.errors;
import static dev.submitworker.cluster.FlinkRestStub.flink;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.submitworker.app.SubmitWorkerApplication;
import dev.submitworker.core.Following;
import dev.submitworker.core.RequestId;
import dev.submitworker.core.RunMode;
import dev.submitworker.kafka.LedgerFiller;
import dev.submitworker.kafka.Topics;
import dev.submitworker.testing.KafkaTestClient;
import dev.submitworker.testing.SharedInfrastructure;
import dev.submitworker.testing.WorkerProcess;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.runtime.messages.webmonitor.MultipleJobsDetails;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;

/**
 * The poll cost of following: a worker process with four consumers restores 1,000 running jobs to follow on one
 * session cluster (a stand-in JobManager that counts the calls) and asks it once per interval about all of them, not
 * once per job nor once per consumer; the jobs that end then get their terminal event, and only those.
 */
class FollowPollCostTest {

    private static final int JOBS = 1000;
    private static final int PARTITIONS = 4;
    private static final Duration INTERVAL = Duration.ofSeconds(1);
    private static final String OVERVIEW = "GET /v1/jobs/overview";

    /** The jobs that have finished on the cluster; the others run. */
    private final Set<JobID> finished = ConcurrentHashMap.newKeySet();

    @Test
    void thousandFollowedJobsOnOneClusterCostOneCallPerInterval() throws Exception {
        String prefix = "poll-cost-" + UUID.randomUUID().toString().substring(0, 8);
        List<String> requestIds = IntStream.range(0, JOBS).mapToObj(i -> prefix + "-" + i).toList();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                SharedInfrastructure.kafkaBootstrap()))) {
            new Topics(prefix + ".commands", prefix + ".results", prefix + ".commands.DLT", prefix + ".ledger",
                    prefix + ".status", PARTITIONS, Optional.empty()).provision(admin, Duration.ofDays(7));
        }
        // each job answered and seen RUNNING (event 1) before the worker starts: it has 1,000 jobs to follow
        new LedgerFiller().fill(SharedInfrastructure.kafkaBootstrap(), prefix + ".ledger", PARTITIONS, prefix, JOBS,
                Instant.now(), new Following("session", RunMode.STANDALONE, null, "RUNNING", 1, false, null, false));
        List<JobID> jobIds = requestIds.stream().map(id -> JobID.fromHexString(new RequestId(id).jobId())).toList();

        try (FlinkRestStub cluster = FlinkRestStub.reading(request -> request.getPath().equals("/v1/jobs/overview")
                     ? flink(new MultipleJobsDetails(jobIds.stream()
                             .map(jobId -> FlinkRestStub.job(jobId, "it-poll-cost",
                                     finished.contains(jobId) ? JobStatus.FINISHED : JobStatus.RUNNING)).toList()))
                     : errors(404, "Checkpointing has not been enabled."));
             KafkaTestClient kafka = KafkaTestClient.withStatus(prefix + ".commands", prefix + ".results",
                     prefix + ".commands.DLT", prefix + ".status");
             WorkerProcess worker = WorkerProcess.start(SubmitWorkerApplication.class.getName(), prefix + "-worker",
                     properties(prefix, cluster), List.of())) {

            await().atMost(Duration.ofMinutes(2)).until(() -> overviewReads(cluster).size() >= 6);

            Map<Long, Long> readsPerInterval = overviewReads(cluster).stream()
                    .collect(Collectors.groupingBy(at -> at / INTERVAL.toMillis(), Collectors.counting()));
            System.out.printf("poll cost: jobs=%d consumers=%d intervals=%d restCalls=%d maxPerInterval=%d%n", JOBS,
                    PARTITIONS, readsPerInterval.size(), cluster.requests().size(),
                    readsPerInterval.values().stream().mapToLong(Long::longValue).max().orElse(0));
            // one read per interval for all 1,000 jobs and 4 consumers, give or take the jitter of one schedule:
            // a read per consumer (or per job) would be 4 (or 1,000) times as many over the same span. Counted from
            // the second read: the first observation after start-up is sometimes read twice, milliseconds apart
            List<Long> all = overviewReads(cluster);
            List<Long> reads = all.subList(1, all.size());
            long span = reads.get(reads.size() - 1) - reads.get(0);
            assertThat((long) reads.size()).as("jobs overview reads in %d ms: %s", span, reads)
                    .isLessThanOrEqualTo(span / INTERVAL.toMillis() + 2);
            assertThat(cluster.requests()).as("no call but the overview while no job changes").containsOnly(OVERVIEW);

            // every tenth job ends: those, and only those, get their terminal event
            List<String> ending = IntStream.range(0, JOBS).filter(i -> i % 10 == 0).mapToObj(requestIds::get).toList();
            ending.forEach(id -> finished.add(JobID.fromHexString(new RequestId(id).jobId())));
            await().atMost(Duration.ofMinutes(1)).until(() -> kafka.allStatusEvents().keySet().containsAll(ending));
            assertThat(kafka.allStatusEvents().keySet()).containsExactlyInAnyOrderElementsOf(ending);
            for (String requestId : ending) {
                List<JsonNode> events = kafka.statusEvents(requestId);
                assertThat(events).hasSize(1);
                assertThat(events.get(0).get("status").asText()).isEqualTo("FINISHED");
                assertThat(events.get(0).get("previousStatus").asText()).isEqualTo("RUNNING");
                assertThat(events.get(0).get("sequence").asInt()).isEqualTo(2);
            }
        }
    }

    /** When each jobs overview read came, epoch millis. */
    private static List<Long> overviewReads(FlinkRestStub cluster) {
        return cluster.timedRequests().stream().filter(request -> request.line().equals(OVERVIEW))
                .map(FlinkRestStub.Request::at).toList();
    }

    private static Map<String, String> properties(String prefix, FlinkRestStub cluster) {
        Map<String, String> properties = new HashMap<>(WorkerProcess.properties(prefix));
        properties.put("worker.clusters.session.address", cluster.address().toString());
        properties.put("worker.consumers", String.valueOf(PARTITIONS));
        properties.put("worker.topics.partitions", String.valueOf(PARTITIONS));
        properties.put("worker.status.interval", INTERVAL.toString());
        return properties;
    }
}
