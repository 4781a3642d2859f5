package dev.submitworker.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.submitworker.secrets.Redactor;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * Dinky's response shapes: the {@code Result<T>} envelope ({@code data, code, msg, time, success}, the time as
 * {@code yyyy-MM-dd HH:mm:ss}, here in UTC) and the {@code JobInstance}, made from the worker's answers and status
 * events. Every response is redacted as a whole on its way out: a string under a secret-looking key is masked, any
 * other string is redacted as text.
 */
public final class DinkyResults {

    static final int SUCCESS = 0;
    static final int ERROR = 1;
    static final int EXCEPTION = 5;
    static final int BAD_PARAMETERS = 6;
    static final int NOT_AUTHORISED = 7;
    /** Dinky's status of an instance whose job the worker has not observed yet. */
    static final String NOT_OBSERVED = "INITIALIZING";

    static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
            .withZone(ZoneOffset.UTC);

    private final Redactor redactor;
    private final Clock clock;

    public DinkyResults(Redactor redactor, Clock clock) {
        this.redactor = redactor;
        this.clock = clock;
    }

    /** {@code Result<T>}: success is code 0. */
    ObjectNode result(int code, String msg, JsonNode data) {
        ObjectNode result = JSON.createObjectNode();
        result.set("data", data == null ? JSON.nullNode() : data);
        result.put("code", code);
        result.put("msg", msg);
        result.put("time", TIME.format(clock.instant()));
        result.put("success", code == SUCCESS);
        return (ObjectNode) redact(result);
    }

    /**
     * The worker's answer as Dinky's {@code Result<JobResult>}: its code, msg and data, with {@code jobInstanceId}
     * set when the answer started a job.
     */
    ObjectNode jobResult(String requestId, JsonNode answer) {
        JsonNode data = answer.path("data");
        if (data.isObject()) {
            ObjectNode copy = ((ObjectNode) data).deepCopy();
            boolean started = answer.path("code").asInt() == SUCCESS && data.path("jobId").isTextual();
            if (started) {
                copy.put("jobInstanceId", InstanceIds.of(requestId));
            } else {
                copy.putNull("jobInstanceId");
            }
            data = copy;
        }
        return result(answer.path("code").asInt(ERROR), answer.path("msg").asText(), data.isMissingNode() ? null
                : data);
    }

    /**
     * An explain answer as Dinky's {@code Result<ExplainResult>}: {@code correct}, {@code total} and one explanation
     * ({@code SqlExplainResult}) of the task's script (its INSERT statements' plan as Flink explains them, null for a
     * jar program), or of why it does not compile.
     */
    ObjectNode explanations(JsonNode answer) {
        return reshaped(answer, (done, data) -> {
            JsonNode plan = data.path("plan").path("optimizedPlan");
            ObjectNode explanation = JSON.createObjectNode();
            explanation.put("index", 1);
            explanation.put("type", plan.isTextual() ? "INSERT" : null);
            explanation.set("sql", data.path("statement").isTextual() ? data.path("statement") : JSON.nullNode());
            explanation.putNull("parse");
            explanation.set("explain", plan.isTextual() ? plan : JSON.nullNode());
            explanation.put("error", done ? null : whyNot(data, answer));
            explanation.put("parseTrue", done);
            explanation.put("explainTrue", done);
            explanation.put("explainTime", format(instant(answer.path("time"))));
            explanation.put("invalid", false);
            ObjectNode result = JSON.createObjectNode().put("correct", done).put("total", 1);
            result.putArray("sqlExplainResults").add(explanation);
            return result;
        });
    }

    /**
     * An explain answer as Dinky's {@code getJobPlan}: Flink's JSON plan of the JobGraph ({@code jid, name, type,
     * nodes}, each node {@code id, parallelism, operator, description, inputs}), -1 for a parallelism left to the
     * cluster, as Flink writes it; null data when the task does not compile.
     */
    ObjectNode jobPlan(JsonNode answer) {
        return reshaped(answer, (done, data) -> {
            if (!done || !data.path("plan").isObject()) {
                return null;
            }
            ObjectNode plan = JSON.createObjectNode();
            plan.putNull("jid");
            plan.set("name", data.path("result").path("jobName").isTextual() ? data.path("result").path("jobName")
                    : JSON.nullNode());
            plan.put("type", data.path("jobConfig").path("batchModel").asBoolean() ? "BATCH" : "STREAMING");
            ArrayNode nodes = plan.putArray("nodes");
            for (JsonNode vertex : data.path("plan").path("vertices")) {
                ObjectNode node = nodes.addObject();
                node.put("id", vertex.path("id").asText());
                node.put("parallelism", vertex.path("parallelism").isInt() ? vertex.path("parallelism").asInt() : -1);
                node.put("operator", vertex.path("name").asText());
                node.put("description", vertex.path("name").asText());
                ArrayNode inputs = node.putArray("inputs");
                int num = 0;
                for (JsonNode input : vertex.path("inputs")) {
                    inputs.addObject().put("num", num++).put("id", input.asText());
                }
            }
            return plan;
        });
    }

    /**
     * A control command's answer as Dinky's {@code Result<SavePointResult>} as Jackson writes that gateway result from
     * its getters: {@code type, startTime, endTime, success, sucess} (sic, {@code GatewayResult.isSucess()}), {@code
     * exceptionMsg, error, appId, id, webURL, jids, jobInfos}, each job info {@code jobId, savePoint, status} with
     * status RUN after a savepoint, STOP after a stop, CANCEL after a cancel, FAIL when it was not carried out.
     */
    ObjectNode savePointResult(JsonNode answer) {
        return reshaped(answer, (done, data) -> {
            JsonNode control = data.path("control");
            ObjectNode savepoint = JSON.createObjectNode();
            savepoint.putNull("type");
            savepoint.put("startTime", format(instant(data.path("startTime"))));
            savepoint.put("endTime", format(instant(data.path("endTime"))));
            savepoint.put("success", done);
            savepoint.put("sucess", done);
            savepoint.put("exceptionMsg", done ? null : whyNot(data, answer));
            savepoint.set("error", savepoint.get("exceptionMsg"));
            savepoint.putNull("appId");
            savepoint.putNull("id");
            savepoint.putNull("webURL");
            savepoint.putNull("jids");
            ObjectNode job = savepoint.putArray("jobInfos").addObject();
            job.set("jobId", data.path("jobId").isTextual() ? data.path("jobId") : JSON.nullNode());
            job.set("savePoint", control.path("savepointPath").isTextual() ? control.path("savepointPath")
                    : JSON.nullNode());
            job.put("status", !done ? "FAIL" : switch (control.path("action").asText()) {
                case "stop" -> "STOP";
                case "cancel" -> "CANCEL";
                default -> "RUN";
            });
            return savepoint;
        });
    }

    /**
     * The worker's answer with its code and msg, and its data in another shape: {@code shape} gets whether the
     * answer is a success and the answer's data; data is null when the answer has none.
     */
    private ObjectNode reshaped(JsonNode answer, BiFunction<Boolean, JsonNode, JsonNode> shape) {
        int code = answer.path("code").asInt(ERROR);
        JsonNode data = answer.path("data");
        return result(code, answer.path("msg").asText(), data.isObject() ? shape.apply(code == SUCCESS, data) : null);
    }

    /** Why an answer is not a success: its {@code data.error}, else its msg. */
    private static String whyNot(JsonNode data, JsonNode answer) {
        return data.path("error").isTextual() ? data.path("error").asText() : answer.path("msg").asText();
    }

    /** Dinky's {@code JobInstance} of an instance in the view: its last status event, or INITIALIZING before one. */
    ObjectNode jobInstance(InstanceView.Instance instance) {
        JsonNode event = instance.lastEvent();
        ObjectNode job = JSON.createObjectNode();
        job.put("id", instance.instanceId());
        job.putNull("tenantId");
        job.put("name", instance.jobName());
        job.put("taskId", instance.taskId());
        job.putNull("step");
        job.putNull("clusterId");
        job.put("jid", instance.jobId());
        job.put("status", event == null ? NOT_OBSERVED : event.path("status").asText());
        job.putNull("historyId");
        job.put("error", event == null ? null : error(event));
        Instant created = instance.created() != null ? instance.created()
                : event == null ? null : instant(event.path("startTime"));
        job.put("createTime", format(created));
        job.put("updateTime", format(event == null ? created : instant(event.path("observedAt"))));
        job.put("finishTime", event == null ? null : format(instant(event.path("endTime"))));
        // Dinky counts seconds
        job.set("duration", event == null || !event.path("duration").isNumber() ? JSON.nullNode()
                : JSON.getNodeFactory().numberNode(event.path("duration").asLong() / 1000));
        job.putNull("failedRestartCount");
        job.putNull("creator");
        job.putNull("updater");
        job.putNull("operator");
        job.putNull("count");
        return job;
    }

    /** A FAILED job's root cause, an UNKNOWN job's reason; null otherwise. */
    private static String error(JsonNode event) {
        JsonNode failure = event.path("failure");
        if (failure.isObject()) {
            String type = failure.path("class").isTextual() ? failure.path("class").asText() + ": " : "";
            return type + failure.path("message").asText();
        }
        return event.path("reason").isTextual() ? event.path("reason").asText() : null;
    }

    private static Instant instant(JsonNode node) {
        if (!node.isTextual()) {
            return null;
        }
        try {
            return Instant.parse(node.asText());
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static String format(Instant instant) {
        return instant == null ? null : TIME.format(instant);
    }

    /** The node with every secret masked: values of secret-looking keys whole, other strings as text. */
    JsonNode redact(JsonNode node) {
        if (node instanceof ObjectNode object) {
            Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                JsonNode value = field.getValue();
                if (value.isTextual()) {
                    field.setValue(new TextNode(redactor.isSecretKey(field.getKey()) ? Redactor.MASK
                            : redactor.redactText(value.asText())));
                } else {
                    redact(value);
                }
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                JsonNode element = array.get(i);
                if (element.isTextual()) {
                    array.set(i, new TextNode(redactor.redactText(element.asText())));
                } else {
                    redact(element);
                }
            }
        }
        return node;
    }
}
