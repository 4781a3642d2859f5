package dev.submitworker.openapi;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.submitworker.dinky.CommandReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Dinky's OpenAPI over the worker's topics: each call becomes a command on the commands topic, keyed by its requestId
 * (the {@code Idempotency-Key} header, else a new one per call), and is answered with the worker's answer once it is
 * published, within a bound; job instances are answered from the {@link InstanceView}. Nothing here submits anything
 * to Flink: the front is a Kafka client like any other producer of commands.
 */
public final class DinkyFront {

    /** The Dinky OpenAPI version whose shapes are served; DolphinScheduler takes a version starting "0" for Dinky 0.x. */
    public static final String DINKY_API_VERSION = "1.2.0";

    private static final Set<String> SUBMIT_FIELDS = Set.of("id", "isOnline", "variables", "savePointPath");
    /** The task's id and variables, and the fields of Dinky's {@code APIExplainSqlDTO} (see {@link #explain}). */
    private static final Set<String> EXPLAIN_FIELDS = Set.of("id", "variables", "statement", "envId", "fragment",
            "useStatementSet", "parallelism", "configuration");
    /** Fields of Dinky's {@code APIExplainSqlDTO} that would make the plan another than the task's. */
    private static final List<String> NOT_THE_TASKS = List.of("statement", "parallelism", "configuration");
    private static final Set<String> SAVEPOINT_FIELDS = Set.of("jobId", "savePointType", "address",
            "gatewayConfig");
    private static final Set<String> SAVEPOINT_TASK_FIELDS = Set.of("taskId", "type");
    private static final Duration VIEW_LAG = Duration.ofSeconds(2);

    private final InstanceView view;
    private final Producer<String, String> producer;
    private final String commandsTopic;
    private final Duration answerTimeout;
    private final DinkyResults results;
    private final CommandReader reader;

    public DinkyFront(InstanceView view, Producer<String, String> producer, String commandsTopic, Duration answerTimeout,
               DinkyResults results, CommandReader reader) {
        this.reader = reader;
        this.view = view;
        this.producer = producer;
        this.commandsTopic = commandsTopic;
        this.answerTimeout = answerTimeout;
        this.results = results;
    }

    ObjectNode version() {
        return results.result(DinkyResults.SUCCESS, "Dinky OpenAPI " + DINKY_API_VERSION + " served by submit-worker",
                DinkyResults.JSON.getNodeFactory().textNode(DINKY_API_VERSION));
    }

    /**
     * {@code POST /openapi/submitTask {"id", "isOnline", "variables", "savePointPath"}}: the submit command, answered
     * with the worker's answer as {@code Result<JobResult>}.
     */
    ObjectNode submitTask(String idempotencyKey, String body, Duration wait) throws InterruptedException {
        Request request = Request.parse(body, SUBMIT_FIELDS, "submitTask");
        if (request.problem() != null) {
            return results.result(DinkyResults.BAD_PARAMETERS, request.problem(), null);
        }
        Integer task = request.integer("id");
        if (task == null) {
            return results.result(DinkyResults.BAD_PARAMETERS, "Invalid submitTask: field 'id' must be the task's id "
                    + "(an integer, or a string of digits)", null);
        }
        ObjectNode command = DinkyResults.JSON.createObjectNode().put("id", task);
        JsonNode savePointPath = request.fields().get("savePointPath");
        if (savePointPath != null && !savePointPath.isNull()) {
            command.set("savePointPath", savePointPath);
        }
        JsonNode variables = request.fields().get("variables");
        if (variables != null && !variables.isNull()) {
            command.set("variables", variables);
        }
        return send(idempotencyKey, command, wait, ofTask(task), answer -> results.jobResult(answer.requestId(),
                answer.body()));
    }

    /** A conflict (code 6) or an invalid command names no task of the call; any other answer must be of its task. */
    private static Predicate<JsonNode> ofTask(int task) {
        return answer -> answer.path("code").asInt() == DinkyResults.BAD_PARAMETERS
                || !answer.path("taskId").isInt() || answer.path("taskId").asInt() == task;
    }

    /**
     * {@code POST /openapi/explainSql {"id", "variables"}}: the explain command; Dinky's {@code ExplainResult}, here
     * with one statement explanation ({@code SqlExplainResult}), of the task's script. Nothing is submitted.
     */
    ObjectNode explainSql(String idempotencyKey, String body, Duration wait) throws InterruptedException {
        return explain(idempotencyKey, body, wait, "explainSql", results::explanations);
    }

    /**
     * {@code POST /openapi/getJobPlan {"id", "variables"}}: the explain command; the job's plan as Flink's JSON plan
     * ({@code jid, name, type, nodes}). Nothing is submitted.
     */
    ObjectNode getJobPlan(String idempotencyKey, String body, Duration wait) throws InterruptedException {
        return explain(idempotencyKey, body, wait, "getJobPlan", results::jobPlan);
    }

    /**
     * Dinky's body ({@code APIExplainSqlDTO}) is read, but the plan is always the task's: a script, parallelism or
     * configuration of the call's own is refused, naming the field; its {@code envId}, {@code fragment} and
     * {@code useStatementSet} are ignored (the task's cluster entry and script decide them).
     */
    private ObjectNode explain(String idempotencyKey, String body, Duration wait, String call,
                               Function<JsonNode, ObjectNode> shape) throws InterruptedException {
        Request request = Request.parse(body, EXPLAIN_FIELDS, call);
        if (request.problem() != null) {
            return results.result(DinkyResults.BAD_PARAMETERS, request.problem(), null);
        }
        for (String field : NOT_THE_TASKS) {
            JsonNode value = request.fields().get(field);
            if (value != null && !value.isNull() && !(value.isContainerNode() && value.isEmpty())) {
                return results.result(DinkyResults.BAD_PARAMETERS, "Invalid " + call + ": field '" + field + "' is "
                        + "not taken: the worker explains the tasks of its catalog as they would be submitted; name "
                        + "the task in 'id'", null);
            }
        }
        Integer task = request.integer("id");
        if (task == null) {
            return results.result(DinkyResults.BAD_PARAMETERS, "Invalid " + call + ": field 'id' must be the task's "
                    + "id (an integer, or a string of digits)", null);
        }
        ObjectNode command = DinkyResults.JSON.createObjectNode().put("action", "explain").put("id", task);
        JsonNode variables = request.fields().get("variables");
        if (variables != null && !variables.isNull()) {
            command.set("variables", variables);
        }
        return send(idempotencyKey, command, wait, ofTask(task), answer -> shape.apply(answer.body()));
    }

    /** {@code GET /openapi/getJobInstance?id=}: the instance of that jobInstanceId. */
    ObjectNode getJobInstance(String id) throws InterruptedException {
        long instanceId;
        try {
            instanceId = Long.parseLong(id.strip());
        } catch (NumberFormatException e) {
            return results.result(DinkyResults.BAD_PARAMETERS, "Invalid getJobInstance: 'id' must be a jobInstanceId",
                    null);
        }
        List<InstanceView.Instance> found = view.byInstanceId(instanceId);
        if (found.isEmpty() && view.catchUp(VIEW_LAG)) {
            found = view.byInstanceId(instanceId);
        }
        if (found.isEmpty()) {
            return results.result(DinkyResults.ERROR, "Job instance " + instanceId + " is not known: no job was "
                    + "submitted under it, or its request is older than the worker's topics keep", null);
        }
        if (found.size() > 1) {
            return results.result(DinkyResults.ERROR, "Job instance " + instanceId + " is ambiguous: requests "
                    + found.stream().map(InstanceView.Instance::requestId).sorted().toList()
                    + " share it; ask the status topic by requestId", null);
        }
        return results.result(DinkyResults.SUCCESS, "Job instance " + instanceId + " of request "
                + found.get(0).requestId(), results.jobInstance(found.get(0)));
    }

    /** {@code GET /openapi/getJobInstanceByTaskId?id=}: the task's latest instance. */
    ObjectNode getJobInstanceByTaskId(String id) throws InterruptedException {
        Integer task = taskId(id);
        if (task == null) {
            return results.result(DinkyResults.BAD_PARAMETERS, "Invalid getJobInstanceByTaskId: 'id' must be a task "
                    + "id", null);
        }
        view.catchUp(VIEW_LAG);
        InstanceView.Instance latest = view.latestOfTask(task);
        return latest == null
                ? results.result(DinkyResults.ERROR, "Task " + task + " has no job instance known to the worker",
                        null)
                : results.result(DinkyResults.SUCCESS, "Latest job instance of task " + task + ": request "
                        + latest.requestId(), results.jobInstance(latest));
    }

    /**
     * {@code POST /openapi/savepointTask {"taskId", "type"}}: trigger (a savepoint), stop (with savepoint) or cancel
     * the task's latest instance; {@code Result<Boolean>}.
     */
    ObjectNode savepointTask(String idempotencyKey, String body, Duration wait) throws InterruptedException {
        Request request = Request.parse(body, SAVEPOINT_TASK_FIELDS, "savepointTask");
        if (request.problem() != null) {
            return results.result(DinkyResults.BAD_PARAMETERS, request.problem(), null);
        }
        Integer task = request.integer("taskId");
        // Dinky's APISavePointTaskDTO: type defaults to trigger
        String type = request.fields().path("type").asText("trigger");
        String action = action(type);
        if (task == null || action == null) {
            return results.result(DinkyResults.BAD_PARAMETERS, "Invalid savepointTask: 'taskId' must be a task id "
                    + "and 'type' one of trigger, stop, cancel" + ("dispose".equals(type)
                    ? " (dispose is not served: savepoints are kept in the task's savepoint directory)" : ""), null);
        }
        return control(idempotencyKey, task, DinkyResults.JSON.createObjectNode().put("action", action), wait);
    }

    /** Dinky's savepoint types (trigger, stop, cancel; any case) as control actions; null for any other. */
    private static String action(String type) {
        return switch (type.toLowerCase(Locale.ROOT)) {
            case "trigger" -> "savepoint";
            case "stop" -> "stop";
            case "cancel" -> "cancel";
            default -> null;
        };
    }

    /**
     * {@code POST /openapi/savepoint {"jobId", "savePointType", "address", "gatewayConfig"}}: trigger (a savepoint),
     * stop (with savepoint) or cancel the instance of that Flink job; Dinky's {@code Result<SavePointResult>}.
     * {@code address} and {@code gatewayConfig} are ignored: the worker knows the job's cluster.
     */
    ObjectNode savepoint(String idempotencyKey, String body, Duration wait) throws InterruptedException {
        Request request = Request.parse(body, SAVEPOINT_FIELDS, "savepoint");
        if (request.problem() != null) {
            return results.result(DinkyResults.BAD_PARAMETERS, request.problem(), null);
        }
        String jobId = request.fields().path("jobId").asText("");
        String action = action(request.fields().path("savePointType").asText("trigger"));
        if (!jobId.matches("[0-9a-f]{32}") || action == null) {
            return results.result(DinkyResults.BAD_PARAMETERS, "Invalid savepoint: 'jobId' must be a Flink JobID "
                    + "and 'savePointType' one of trigger, stop, cancel", null);
        }
        InstanceView.Instance instance = view.byJobId(jobId);
        if (instance == null && view.catchUp(VIEW_LAG)) {
            instance = view.byJobId(jobId);
        }
        if (instance == null) {
            return results.result(DinkyResults.ERROR, "Job " + jobId + " is not a job instance known to the worker: "
                    + "nothing to " + action, null);
        }
        return send(idempotencyKey, DinkyResults.JSON.createObjectNode().put("action", action)
                .put("target", instance.requestId()), wait, answer -> true,
                answer -> results.savePointResult(answer.body()));
    }

    /**
     * {@code GET /openapi/cancel?id=&withSavePoint=}: cancel (or stop with a savepoint) the latest instance of task
     * {@code id}, as Dinky's {@code cancelTaskJob(task, withSavePoint, forceCancel)}; {@code Result<Boolean>}.
     */
    ObjectNode cancel(String idempotencyKey, String id, boolean withSavePoint, Duration wait)
            throws InterruptedException {
        Integer task = taskId(id);
        if (task == null) {
            return results.result(DinkyResults.BAD_PARAMETERS, "Invalid cancel: 'id' must be a task id", null);
        }
        return control(idempotencyKey, task, DinkyResults.JSON.createObjectNode()
                .put("action", withSavePoint ? "stop" : "cancel"), wait);
    }

    /**
     * {@code GET /openapi/restartTask?id=&savePointPath=}: stop the task's latest instance with a savepoint and submit
     * the task again from it (or from {@code savePointPath}); {@code Result<JobResult>} of the new instance.
     */
    ObjectNode restartTask(String idempotencyKey, String id, String savePointPath, Duration wait)
            throws InterruptedException {
        Integer task = taskId(id);
        if (task == null) {
            return results.result(DinkyResults.BAD_PARAMETERS, "Invalid restartTask: 'id' must be a task id", null);
        }
        ObjectNode command = DinkyResults.JSON.createObjectNode().put("action", "restart").put("id", task);
        if (savePointPath != null && !savePointPath.isBlank()) {
            command.put("savePointPath", savePointPath);
        }
        return targetLatest(task, command, target -> send(idempotencyKey, target, wait, answer -> true,
                answer -> results.jobResult(answer.requestId(), answer.body())));
    }

    private ObjectNode control(String idempotencyKey, int task, ObjectNode command, Duration wait)
            throws InterruptedException {
        return targetLatest(task, command, target -> send(idempotencyKey, target, wait, answer -> true,
                answer -> booleanResult(answer.body())));
    }

    private interface Send {
        ObjectNode apply(ObjectNode command) throws InterruptedException;
    }

    private ObjectNode targetLatest(int task, ObjectNode command, Send send) throws InterruptedException {
        view.catchUp(VIEW_LAG);
        InstanceView.Instance latest = view.latestOfTask(task);
        if (latest == null) {
            return results.result(DinkyResults.ERROR, "Task " + task + " has no job instance known to the worker: "
                    + "nothing to " + command.path("action").asText(), null);
        }
        command.put("target", latest.requestId());
        return send.apply(command);
    }

    /** Dinky's {@code Result<Boolean>} of a control command's answer: data true when done. */
    private ObjectNode booleanResult(JsonNode answer) {
        int code = answer.path("code").asInt();
        return results.result(code, answer.path("msg").asText(), DinkyResults.JSON.getNodeFactory().booleanNode(
                code == DinkyResults.SUCCESS));
    }

    /** The worker's answer to a request. */
    private record Answer(String requestId, JsonNode body) {}

    /**
     * Sends the command under the call's requestId and waits for its answer, at most the front's bound (or the
     * caller's shorter {@code Prefer: wait}); past it, code 5: pending, and the same call with the same key answers.
     */
    private ObjectNode send(String idempotencyKey, ObjectNode body, Duration wait, Predicate<JsonNode> ours,
                            Function<Answer, ObjectNode> shape) throws InterruptedException {
        String requestId = idempotencyKey == null ? "openapi-" + UUID.randomUUID() : idempotencyKey;
        ObjectNode command = DinkyResults.JSON.createObjectNode().put("requestId", requestId);
        command.setAll(body);
        // refused here as the worker would refuse it (the same schema), and never sent
        if (reader.read(command.toString().getBytes(StandardCharsets.UTF_8))
                instanceof CommandReader.Rejected rejected) {
            return results.result(DinkyResults.BAD_PARAMETERS, "Invalid command: " + rejected.reason(), null);
        }
        Duration bound = wait == null || wait.compareTo(answerTimeout) > 0 ? answerTimeout : wait;
        long deadline = System.nanoTime() + bound.toNanos();
        CompletableFuture<JsonNode> answer = null;
        boolean sent = false;
        try {
            view.ready().get(left(deadline), TimeUnit.NANOSECONDS);
            answer = view.awaitAnswer(requestId, ours);
            producer.send(new ProducerRecord<>(commandsTopic, requestId, command.toString()))
                    .get(left(deadline), TimeUnit.NANOSECONDS);
            sent = true;
            return shape.apply(new Answer(requestId, answer.get(left(deadline), TimeUnit.NANOSECONDS)));
        } catch (TimeoutException e) {
            return pending(requestId, bound, sent);
        } catch (ExecutionException e) {
            return results.result(DinkyResults.EXCEPTION, "Request " + requestId + " could not be sent to the "
                    + "worker: " + e.getCause().getMessage() + "; send the same call again with Idempotency-Key: "
                    + requestId, null);
        } finally {
            if (answer != null) {
                answer.cancel(false);
            }
        }
    }

    private ObjectNode pending(String requestId, Duration bound, boolean sent) {
        return results.result(DinkyResults.EXCEPTION, "Request " + requestId + (sent
                ? " is still pending: the worker has not answered within " + bound.toMillis() + " ms"
                : " was not sent within " + bound.toMillis() + " ms (the front is starting, or Kafka is slow)")
                + ". It may be polled: send the same call again with Idempotency-Key: " + requestId
                + " to get its answer; nothing is submitted twice", null);
    }

    private static long left(long deadline) {
        return Math.max(0, deadline - System.nanoTime());
    }

    private static Integer taskId(String text) {
        try {
            return text == null ? null : Integer.valueOf(text.strip());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** A JSON body with only the fields allowed, or the problem with it. */
    private record Request(ObjectNode fields, String problem) {

        static Request parse(String body, Set<String> allowed, String call) {
            JsonNode tree;
            try {
                tree = body == null || body.isBlank() ? null : DinkyResults.JSON.readTree(body);
            } catch (JsonProcessingException e) {
                return new Request(null, "Invalid " + call + ": the body is not JSON: " + e.getOriginalMessage());
            }
            if (!(tree instanceof ObjectNode object)) {
                return new Request(null, "Invalid " + call + ": the body must be a JSON object");
            }
            for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (!allowed.contains(name)) {
                    return new Request(null, "Invalid " + call + ": field '" + name + "' is not one of "
                            + allowed.stream().sorted().toList());
                }
            }
            return new Request(object, null);
        }

        /** An integer field, also as a string of digits (DolphinScheduler sends the task id as a string). */
        Integer integer(String name) {
            JsonNode value = fields.get(name);
            if (value != null && value.isInt()) {
                return value.asInt();
            }
            return value != null && value.isTextual() ? taskId(value.asText()) : null;
        }
    }
}
