package dev.submitworker.openapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import dev.submitworker.dinky.CommandLimits;
import dev.submitworker.dinky.CommandReader;
import dev.submitworker.secrets.Redactor;
import dev.submitworker.testing.FlinkTestClient;
import dev.submitworker.testing.KafkaTestClient;
import dev.submitworker.testing.OpenApiClient;
import dev.submitworker.testing.OpenApiClient.Response;
import dev.submitworker.testing.Schemas;
import dev.submitworker.testing.SharedInfrastructure;
import dev.submitworker.testing.TestJars;
import dev.submitworker.testing.WorkerTest;
import dev.submitworker.testing.WorkerTestInitializer;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;

/**
 * Dinky's OpenAPI served by the shared worker's front, over HTTP, against the real broker and MiniCluster: a replay of
 * DolphinScheduler's DINKY task (V1 path) call for call, idempotency keys, the pending answer, tokens, redaction, and
 * every response checked against schemas/dinky/.
 */
@WorkerTest
class OpenApiEndToEndTest {

    private static final FlinkTestClient flink = FlinkTestClient.shared();
    /** DolphinScheduler polls every 3 s (DinkyTaskConstants.SLEEP_MILLIS); shorter here. */
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Set<String> DS_TERMINAL = Set.of("FINISHED", "FAILED", "CANCELED", "UNKNOWN");

    private final List<String> startedJobs = new ArrayList<>();

    @Autowired
    private FrontPort frontPort;
    @Autowired
    private Environment environment;

    @BeforeAll
    static void buildJars() throws IOException {
        TestJars.slowJobsJar(Files.createDirectories(Path.of("target", "test-jars")));
    }

    @AfterEach
    void cancelStartedJobs() throws Exception {
        flink.cancelUnended(startedJobs);
    }

    private Response call(String method, String path, String body, String... headers) {
        return front().call(method, path, body, headers);
    }

    private Response call(int port, String method, String path, String body, String... headers) {
        return new OpenApiClient(port, null, "openapi-replay").call(method, path, body, headers);
    }

    /** One call with the shared worker's token (DolphinScheduler sends none: see docs/openapi.md). */
    private Response dinky(String method, String path, String body, JsonSchema shape, String... headers) {
        return front().dinky(method, path, body, shape, headers);
    }

    private OpenApiClient front() {
        return new OpenApiClient(frontPort.getAsInt(), WorkerTestInitializer.OPENAPI_TOKEN, "openapi-replay");
    }

    /**
     * DolphinScheduler's DinkyTask: version, submitTask {"id": "<string>", "isOnline", "variables"} without a key,
     * then getJobInstance with data.jobInstanceId as text until a status it takes as final; returns that last data.
     */
    private JsonNode dolphinScheduler(int task, String variables, Runnable whileRunning) throws Exception {
        JsonNode version = dinky("GET", "/openapi/version", null, Schemas.DINKY_VERSION).body();
        assertThat(version.path("data").asText()).as("a version starting with 0 selects the old API")
                .doesNotStartWith("0");
        JsonNode submitted = dinky("POST", "/openapi/submitTask", "{\"id\":\"" + task
                + "\",\"isOnline\":false,\"variables\":" + variables + "}", Schemas.DINKY_JOB_RESULT).body();
        assertThat(submitted.path("success").asBoolean()).as(submitted.toString()).isTrue();
        String jobInstanceId = submitted.path("data").path("jobInstanceId").asText();
        assertThat(jobInstanceId).as("null would be reported successful at once").isNotEqualTo("null");
        startedJobs.add(submitted.path("data").path("jobId").asText());
        AtomicReference<JsonNode> last = new AtomicReference<>();
        boolean[] actedOn = {false};
        await().atMost(Duration.ofSeconds(90)).pollInterval(POLL).until(() -> {
            JsonNode poll = dinky("GET", "/openapi/getJobInstance?id=" + jobInstanceId, null,
                    Schemas.DINKY_JOB_INSTANCE).body();
            assertThat(poll.path("success").asBoolean()).as("DolphinScheduler fails on success=false").isTrue();
            last.set(poll.path("data"));
            String status = poll.at("/data/status").asText();
            if ("RUNNING".equals(status) && whileRunning != null && !actedOn[0]) {
                actedOn[0] = true;
                whileRunning.run();
            }
            return DS_TERMINAL.contains(status);
        });
        assertThat(last.get().path("id").asText()).isEqualTo(jobInstanceId);
        assertThat(last.get().path("jid").asText()).isEqualTo(submitted.at("/data/jobId").asText());
        return last.get();
    }

    @Test
    void dolphinSchedulersBoundedTaskFinishes() throws Exception {
        JsonNode instance = dolphinScheduler(200, "{}", null);
        assertThat(instance.path("status").asText()).isEqualTo("FINISHED");
        assertThat(instance.path("error").isNull()).isTrue();
        assertThat(instance.path("finishTime").isTextual()).isTrue();
    }

    @Test
    void dolphinSchedulersFailingTaskFailsWithItsErrorMasked() throws Exception {
        JsonNode instance = dolphinScheduler(202, "{\"pw\":\"planted-openapi-variable-91b3\"}", null);
        assertThat(instance.path("status").asText()).isEqualTo("FAILED");
        assertThat(instance.path("error").asText()).contains("NumberFormatException")
                .doesNotContain("planted-openapi-secret-7c4a");
    }

    @Test
    void dolphinSchedulersCancelOfAStreamingTaskEndsItCanceled() throws Exception {
        JsonNode instance = dolphinScheduler(201, "{}", () -> {
            // DolphinScheduler's cancelApplication: its response is ignored; checked here all the same
            JsonNode cancel = dinky("POST", "/openapi/savepointTask", "{\"taskId\":\"201\",\"type\":\"cancel\"}",
                    Schemas.DINKY_BOOLEAN).body();
            assertThat(cancel.path("data").asBoolean()).as(cancel.toString()).isTrue();
        });
        assertThat(instance.path("status").asText()).isEqualTo("CANCELED");
        JsonNode latest = dinky("GET", "/openapi/getJobInstanceByTaskId?id=201", null, Schemas.DINKY_JOB_INSTANCE)
                .body();
        assertThat(latest.at("/data/id").asLong()).isEqualTo(instance.path("id").asLong());
    }

    @Test
    void theSameIdempotencyKeyIsOneJobAndAnotherBodyUnderItIsRefused() throws Exception {
        String key = KafkaTestClient.newRequestId("openapi-idem");
        JsonNode first = dinky("POST", "/openapi/submitTask", "{\"id\":200}", Schemas.DINKY_JOB_RESULT,
                OpenApiController.IDEMPOTENCY_KEY, key).body();
        JsonNode again = dinky("POST", "/openapi/submitTask", "{\"id\":200}", Schemas.DINKY_JOB_RESULT,
                OpenApiController.IDEMPOTENCY_KEY, key).body();
        assertThat(first.path("code").asInt()).as(first.toString()).isZero();
        startedJobs.add(first.at("/data/jobId").asText());
        assertThat(again.at("/data/jobInstanceId")).isEqualTo(first.at("/data/jobInstanceId"));
        assertThat(again.at("/data/jobId")).isEqualTo(first.at("/data/jobId"));
        assertThat(first.at("/data/jobInstanceId").asLong()).isEqualTo(InstanceIds.of(key));
        assertThat(flink.jobs().stream().filter(job -> job.getJobId().toHexString()
                .equals(first.at("/data/jobId").asText()))).hasSize(1);

        JsonNode other = dinky("POST", "/openapi/submitTask", "{\"id\":201}", Schemas.DINKY_JOB_RESULT,
                OpenApiController.IDEMPOTENCY_KEY, key).body();
        assertThat(other.path("code").asInt()).as(other.toString()).isEqualTo(6);
        assertThat(other.path("msg").asText()).contains("already used for a different command");

        JsonNode unkeyed = dinky("POST", "/openapi/submitTask", "{\"id\":200}", Schemas.DINKY_JOB_RESULT).body();
        startedJobs.add(unkeyed.at("/data/jobId").asText());
        assertThat(unkeyed.at("/data/jobId")).as("without a key each call is a new request")
                .isNotEqualTo(first.at("/data/jobId"));
    }

    /**
     * Several fronts behind one load balancer: a second front (built here, its own view and producer on the same
     * topics) answers a retry, an instance and a task's latest instance as the worker's front does.
     */
    @Test
    void aSecondFrontAgreesWithTheFirstOnEveryAnswer() throws Exception {
        Map<String, Object> kafka = Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG,
                SharedInfrastructure.kafkaBootstrap());
        try (InstanceView view = new InstanceView(kafka, kafka, WorkerTestInitializer.RESULTS,
                WorkerTestInitializer.STATUS).start();
             KafkaProducer<String, String> producer = new KafkaProducer<>(kafka, new StringSerializer(),
                     new StringSerializer())) {
            DinkyFront other = new DinkyFront(view, producer, WorkerTestInitializer.COMMANDS, Duration.ofSeconds(30),
                    new DinkyResults(Redactor.withDefaults(), Clock.systemUTC()),
                    new CommandReader(CommandLimits.DEFAULTS));

            String key = KafkaTestClient.newRequestId("openapi-fronts");
            JsonNode first = dinky("POST", "/openapi/submitTask", "{\"id\":200}", Schemas.DINKY_JOB_RESULT,
                    OpenApiController.IDEMPOTENCY_KEY, key).body();
            startedJobs.add(first.at("/data/jobId").asText());
            JsonNode retried = valid(Schemas.DINKY_JOB_RESULT, other.submitTask(key, "{\"id\":200}",
                    Duration.ofSeconds(30)));
            assertThat(retried.path("code").asInt()).as(retried.toString()).isZero();
            assertThat(retried.at("/data/jobInstanceId")).isEqualTo(first.at("/data/jobInstanceId"));
            assertThat(retried.at("/data/jobId")).isEqualTo(first.at("/data/jobId"));

            // submitted through the second front, asked of the first at once
            String otherKey = KafkaTestClient.newRequestId("openapi-fronts");
            JsonNode submitted = valid(Schemas.DINKY_JOB_RESULT, other.submitTask(otherKey, "{\"id\":\"200\"}",
                    Duration.ofSeconds(30)));
            startedJobs.add(submitted.at("/data/jobId").asText());
            JsonNode instance = dinky("GET", "/openapi/getJobInstance?id=" + submitted.at("/data/jobInstanceId")
                    .asText(), null, Schemas.DINKY_JOB_INSTANCE).body();
            assertThat(instance.path("code").asInt()).as(instance.toString()).isZero();
            assertThat(instance.at("/data/jid")).isEqualTo(submitted.at("/data/jobId"));

            for (String asked : List.of(first.at("/data/jobInstanceId").asText(),
                    submitted.at("/data/jobInstanceId").asText())) {
                JsonNode mine = dinky("GET", "/openapi/getJobInstance?id=" + asked, null, Schemas.DINKY_JOB_INSTANCE)
                        .body();
                JsonNode theirs = valid(Schemas.DINKY_JOB_INSTANCE, other.getJobInstance(asked));
                for (String field : List.of("/data/id", "/data/jid", "/data/taskId", "/data/name",
                        "/data/createTime")) {
                    assertThat(theirs.at(field)).as(field).isEqualTo(mine.at(field));
                }
            }
            JsonNode latest = dinky("GET", "/openapi/getJobInstanceByTaskId?id=200", null,
                    Schemas.DINKY_JOB_INSTANCE).body();
            assertThat(valid(Schemas.DINKY_JOB_INSTANCE, other.getJobInstanceByTaskId("200")).at("/data/id"))
                    .isEqualTo(latest.at("/data/id"));
        }
    }

    private static JsonNode valid(JsonSchema shape, JsonNode response) {
        Schemas.assertValid(shape, response);
        return response;
    }

    @Test
    void aCallPastItsWaitIsPendingAndTheSameKeyLaterGetsTheAnswer() throws Exception {
        String key = KafkaTestClient.newRequestId("openapi-pending");
        Response pending = dinky("POST", "/openapi/submitTask", "{\"id\":203}", Schemas.DINKY_JOB_RESULT,
                OpenApiController.IDEMPOTENCY_KEY, key, "Prefer", "wait=1");
        assertThat(pending.body().path("code").asInt()).as(pending.body().toString()).isEqualTo(5);
        assertThat(pending.body().path("msg").asText()).contains("pending").contains(key);
        assertThat(pending.millis()).isLessThan(5_000);

        JsonNode answer = dinky("POST", "/openapi/submitTask", "{\"id\":203}", Schemas.DINKY_JOB_RESULT,
                OpenApiController.IDEMPOTENCY_KEY, key).body();
        assertThat(answer.path("code").asInt()).as(answer.toString()).isZero();
        startedJobs.add(answer.at("/data/jobId").asText());
        assertThat(answer.at("/data/jobInstanceId").asLong()).isEqualTo(InstanceIds.of(key));
    }

    @Test
    void callsWithoutAnAcceptedTokenAreRefusedAndThePortsStayApart() throws Exception {
        Response none = call("GET", "/openapi/version", null);
        Response wrong = call("GET", "/openapi/version", null, AccessFilter.TOKEN_HEADER, "not-the-token");
        for (Response refused : List.of(none, wrong)) {
            assertThat(refused.status()).isEqualTo(401);
            assertThat(refused.body().path("code").asInt()).isEqualTo(7);
            Schemas.assertValid(Schemas.DINKY_RESULT, refused.body());
        }
        assertThat(wrong.body().toString()).doesNotContain("not-the-token");
        assertThat(call("GET", "/openapi/version", null, AccessFilter.TOKEN_HEADER,
                WorkerTestInitializer.OPENAPI_TOKEN).status()).isEqualTo(200);

        int management = Integer.parseInt(environment.getProperty("local.server.port"));
        assertThat(call(management, "GET", "/openapi/version", null, AccessFilter.TOKEN_HEADER,
                WorkerTestInitializer.OPENAPI_TOKEN).status()).isEqualTo(404);
        assertThat(call("GET", "/actuator/health", null, AccessFilter.TOKEN_HEADER,
                WorkerTestInitializer.OPENAPI_TOKEN).status()).isEqualTo(404);
        assertThat(call(management, "GET", "/actuator/health/liveness", null).status()).isEqualTo(200);
    }

    /**
     * A savepoint (savepointTask, its type left to Dinky's default, trigger), another by its JobID (savepoint), a
     * restart (restartTask) and a cancel (cancel?id=, a task id in Dinky 1.x) of a streaming task, each on the task's
     * latest instance.
     */
    @Test
    void theControlPathsActOnTheTasksLatestInstance() throws Exception {
        JsonNode submitted = dinky("POST", "/openapi/submitTask", "{\"id\":201}", Schemas.DINKY_JOB_RESULT).body();
        String first = submitted.at("/data/jobId").asText();
        startedJobs.add(first);
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> flink.allTasksRunning(first));

        JsonNode savepoint = dinky("POST", "/openapi/savepointTask", "{\"taskId\":201}",
                Schemas.DINKY_BOOLEAN).body();
        assertThat(savepoint.path("data").asBoolean()).as(savepoint.toString()).isTrue();
        assertThat(savepoint.path("msg").asText()).contains("Savepoint of job " + first);

        JsonNode byJob = dinky("POST", "/openapi/savepoint", "{\"jobId\":\"" + first + "\",\"savePointType\":\"trigger\","
                + "\"address\":\"ignored:8081\"}", Schemas.DINKY_SAVEPOINT).body();
        assertThat(byJob.path("code").asInt()).as(byJob.toString()).isZero();
        assertThat(byJob.at("/data/success").asBoolean()).isTrue();
        assertThat(byJob.at("/data/sucess").asBoolean()).as("Dinky's misspelt getter, as its clients read it").isTrue();
        assertThat(byJob.at("/data/jobInfos/0/jobId").asText()).isEqualTo(first);
        assertThat(byJob.at("/data/jobInfos/0/status").asText()).isEqualTo("RUN");
        assertThat(byJob.at("/data/jobInfos/0/savePoint").asText()).isNotBlank()
                .isNotEqualTo(savepoint.path("msg").asText());
        JsonNode unknownJob = dinky("POST", "/openapi/savepoint", "{\"jobId\":\"" + "0".repeat(32) + "\"}",
                Schemas.DINKY_SAVEPOINT).body();
        assertThat(unknownJob.path("code").asInt()).as(unknownJob.toString()).isEqualTo(1);

        JsonNode restarted = dinky("GET", "/openapi/restartTask?id=201", null, Schemas.DINKY_JOB_RESULT).body();
        assertThat(restarted.path("code").asInt()).as(restarted.toString()).isZero();
        String second = restarted.at("/data/jobId").asText();
        startedJobs.add(second);
        assertThat(second).isNotEqualTo(first);
        assertThat(flink.awaitEnd(first).name()).isEqualTo("FINISHED");
        long instance = restarted.at("/data/jobInstanceId").asLong();
        JsonNode latest = dinky("GET", "/openapi/getJobInstanceByTaskId?id=201", null, Schemas.DINKY_JOB_INSTANCE)
                .body();
        assertThat(latest.at("/data/id").asLong()).isEqualTo(instance);

        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> flink.allTasksRunning(second));
        JsonNode cancelled = dinky("GET", "/openapi/cancel?id=201&withSavePoint=false", null,
                Schemas.DINKY_BOOLEAN).body();
        assertThat(cancelled.path("data").asBoolean()).as(cancelled.toString()).isTrue();
        assertThat(flink.awaitEnd(second).name()).isEqualTo("CANCELED");
        await().atMost(Duration.ofSeconds(30)).pollInterval(POLL).until(() -> "CANCELED".equals(dinky("GET",
                "/openapi/getJobInstance?id=" + instance, null, Schemas.DINKY_JOB_INSTANCE).body()
                .at("/data/status").asText()));

        // a cancelled job restarted from a savepoint of its own choosing, then stopped with a savepoint by cancel
        String path = byJob.at("/data/jobInfos/0/savePoint").asText();
        JsonNode fromPath = dinky("GET", "/openapi/restartTask?id=201&savePointPath="
                + URLEncoder.encode(path, StandardCharsets.UTF_8), null, Schemas.DINKY_JOB_RESULT).body();
        assertThat(fromPath.path("code").asInt()).as(fromPath.toString()).isZero();
        assertThat(fromPath.at("/data/jobConfig/savePointPath").asText()).isEqualTo(path);
        String third = fromPath.at("/data/jobId").asText();
        startedJobs.add(third);
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> flink.allTasksRunning(third));
        JsonNode stopped = dinky("GET", "/openapi/cancel?id=201&withSavePoint=true", null, Schemas.DINKY_BOOLEAN)
                .body();
        assertThat(stopped.path("data").asBoolean()).as(stopped.toString()).isTrue();
        assertThat(stopped.path("msg").asText()).contains("stopped with savepoint");
        assertThat(flink.awaitEnd(third).name()).isEqualTo("FINISHED");

        JsonNode dispose = dinky("POST", "/openapi/savepointTask", "{\"taskId\":201,\"type\":\"dispose\"}",
                Schemas.DINKY_BOOLEAN).body();
        assertThat(dispose.path("code").asInt()).isEqualTo(6);
    }

    /** explainSql and getJobPlan: the explain action's plan in Dinky's shapes, and no job on the cluster. */
    @Test
    void explainSqlAndGetJobPlanAnswerThePlanAndSubmitNothing() throws Exception {
        Set<String> jobsBefore = jobIds();
        // Dinky's APIExplainSqlDTO fields that do not change the task's plan are taken (and ignored)
        JsonNode explained = dinky("POST", "/openapi/explainSql", "{\"id\":\"101\",\"variables\":{},\"envId\":1,"
                + "\"fragment\":false,\"useStatementSet\":false,\"statement\":null,\"configuration\":{}}",
                Schemas.DINKY_EXPLAIN_SQL).body();
        assertThat(explained.path("code").asInt()).as(explained.toString()).isZero();
        assertThat(explained.at("/data/correct").asBoolean()).isTrue();
        assertThat(explained.at("/data/total").asInt()).isEqualTo(1);
        assertThat(explained.at("/data/sqlExplainResults")).hasSize(1);
        JsonNode explanation = explained.at("/data/sqlExplainResults/0");
        assertThat(explanation.path("explainTrue").asBoolean()).isTrue();
        assertThat(explanation.path("sql").asText()).contains("INSERT INTO snk");
        assertThat(explanation.path("explain").asText()).contains("== Optimized Execution Plan ==");

        JsonNode plan = dinky("POST", "/openapi/getJobPlan", "{\"id\":101}", Schemas.DINKY_JOB_PLAN).body();
        assertThat(plan.path("code").asInt()).as(plan.toString()).isZero();
        JsonNode nodes = plan.at("/data/nodes");
        assertThat(nodes).hasSize(2);
        assertThat(nodes.get(0).path("operator").asText()).startsWith("Source: src");
        assertThat(nodes.get(1).at("/inputs/0/id")).isEqualTo(nodes.get(0).path("id"));
        assertThat(plan.at("/data/type").asText()).isEqualTo("STREAMING");

        JsonNode broken = dinky("POST", "/openapi/explainSql", "{\"id\":103}", Schemas.DINKY_EXPLAIN_SQL).body();
        assertThat(broken.path("code").asInt()).as(broken.toString()).isEqualTo(1);
        assertThat(broken.at("/data/correct").asBoolean()).isFalse();
        assertThat(broken.at("/data/sqlExplainResults/0/explainTrue").asBoolean()).isFalse();
        assertThat(broken.at("/data/sqlExplainResults/0/error").asText()).isNotBlank();
        JsonNode noPlan = dinky("POST", "/openapi/getJobPlan", "{\"id\":103}", Schemas.DINKY_JOB_PLAN).body();
        assertThat(noPlan.path("code").asInt()).isEqualTo(1);
        assertThat(noPlan.path("data").isNull()).isTrue();
        for (String field : List.of("\"statement\":\"SELECT 1\"", "\"parallelism\":4",
                "\"configuration\":{\"parallelism.default\":\"4\"}")) {
            JsonNode refused = dinky("POST", "/openapi/explainSql", "{\"id\":101," + field + "}",
                    Schemas.DINKY_EXPLAIN_SQL).body();
            assertThat(refused.path("code").asInt()).isEqualTo(6);
            assertThat(refused.path("msg").asText()).startsWith("Invalid explainSql: field '"
                    + field.substring(1, field.indexOf('"', 1)) + "' is not taken: the worker explains the tasks");
        }
        JsonNode refused = dinky("POST", "/openapi/getJobPlan", "{\"id\":101,\"sql\":\"x\"}",
                Schemas.DINKY_JOB_PLAN).body();
        assertThat(refused.path("code").asInt()).isEqualTo(6);

        assertThat(jobIds()).as("an explain submits nothing").isEqualTo(jobsBefore);
    }

    private static Set<String> jobIds() throws Exception {
        return flink.jobs().stream().map(job -> job.getJobId().toHexString()).collect(Collectors.toSet());
    }

    @Test
    void secretVariablesAreMaskedInTheAnswer() throws Exception {
        JsonNode answer = dinky("POST", "/openapi/submitTask",
                "{\"id\":202,\"variables\":{\"pw\":\"planted-openapi-variable-2f8d\"}}", Schemas.DINKY_JOB_RESULT)
                .body();
        startedJobs.add(answer.at("/data/jobId").asText());
        assertThat(answer.toString()).doesNotContain("planted-openapi-variable-2f8d");
        assertThat(answer.at("/data/jobConfig/variables/pw").asText()).isEqualTo("******");
    }
}
