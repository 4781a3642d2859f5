package dev.submitworker.dinky;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.submitworker.core.Answer;
import dev.submitworker.core.Control;
import dev.submitworker.core.JobDescription;
import dev.submitworker.core.JobPlan;
import dev.submitworker.core.Outcome;
import dev.submitworker.core.RunMode;
import dev.submitworker.core.Task;
import dev.submitworker.secrets.Redactor;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.runtime.util.EnvironmentInformation;

/**
 * The core's answers as Dinky's {@code Result<JobResult>} envelope, and back. Dinky's numeric codes live here and
 * nowhere else. Secrets are masked on the way out; text fields are bounded, so an envelope always fits a Kafka record.
 */
public class Envelopes {

    public static final int SUCCESS = 0;
    public static final int ERROR = 1;
    public static final int EXCEPTION = 5;
    public static final int BAD_PARAMETERS = 6;

    /** Statements and error texts beyond this are cut: the answer must stay well within Kafka's 1 MiB record. */
    static final int MAX_TEXT = 64 * 1024;
    /** An explain lists at most this many vertices, each name cut at {@link #MAX_NAME}: a plan fits the record too. */
    static final int MAX_VERTICES = 500;
    static final int MAX_NAME = 512;

    private static final String FLINK_VERSION = EnvironmentInformation.getVersion();
    private static final byte[] FIRST = ",\"duplicate\":false,".getBytes(StandardCharsets.UTF_8);
    private static final byte[] AGAIN = ",\"duplicate\":true,".getBytes(StandardCharsets.UTF_8);

    private final Redactor redactor;
    private final ObjectMapper json = new ObjectMapper();

    public Envelopes(Redactor redactor) {
        this.redactor = redactor;
    }

    /** Dinky's code of an outcome: 0 success, 1 error, 5 exception (a dependency failed), 6 bad parameters. */
    public static int code(Outcome outcome) {
        if (outcome instanceof Outcome.Submitted || outcome instanceof Outcome.Controlled
                || outcome instanceof Outcome.Explained) {
            return SUCCESS;
        }
        if (outcome instanceof Outcome.Refused || outcome instanceof Outcome.Failed) {
            return ERROR;
        }
        if (outcome instanceof Outcome.GaveUp) {
            return EXCEPTION;
        }
        if (outcome instanceof Outcome.BadCommand || outcome instanceof Outcome.Conflict) {
            return BAD_PARAMETERS;
        }
        throw new IllegalArgumentException("Not an answer: " + outcome);
    }

    public ResultEnvelope envelope(Answer answer) {
        int code = code(answer.outcome());
        boolean success = code == SUCCESS;
        JobDescription job = answer.job();
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("cluster", answer.target() == null ? null : answer.target().entry());
        result.put("clusterId", answer.clusterId());
        // a jar program may name its job after its arguments
        result.put("jobName", job == null ? null : redactor.redactText(job.jobName()));
        // the status stream follows the job from here; the answer does not wait to read its state back
        result.put("jobStatus", null);
        Control control = answer.command() == null ? null : answer.command().control();
        // a control command that compiled nothing (all but a restart and an explain) reports its target's job, and
        // no task config
        boolean acted = control != null && !control.action().takesTask();
        // an explain submitted nothing: it reports no job
        boolean explain = control != null && control.action() == Control.Action.EXPLAIN;
        String jobId = acted ? control.target().jobId() : job == null || explain ? null : answer.requestId().jobId();
        String statement = job != null ? job.statement() : answer.task() == null || acted ? null
                : answer.task().statement();
        JobResult data = new JobResult(
                answer.taskId(),
                acted ? null : jobConfig(answer, jobId),
                null,
                answer.jobManagerAddress(),
                bounded(redactor.redactText(answer.outcome().detail())),
                result,
                jobId,
                success,
                bounded(redactor.redactText(statement)),
                answer.startTime().toString(),
                answer.time().toString(),
                List.of(),
                success ? JobResult.STATUS_SUCCESS : JobResult.STATUS_FAILED,
                control == null || explain ? null : new JobResult.ControlResult(control.action().value(),
                        control.target().value(), control.target().jobId(),
                        redactor.redactText(answer.outcome() instanceof Outcome.Controlled done
                                ? done.savepointPath() : job == null ? null : job.savepointPath())),
                answer.outcome() instanceof Outcome.Explained explained ? plan(explained.plan()) : null);
        return new ResultEnvelope(answer.requestId().value(), answer.taskId(), code,
                bounded(redactor.redactText(answer.outcome().message())), success, false, answer.time().toString(),
                data);
    }

    public byte[] serialize(ResultEnvelope envelope) {
        try {
            return json.writeValueAsBytes(envelope);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot serialise the envelope of request " + envelope.requestId(), e);
        }
    }

    /**
     * The same envelope, flagged as a duplicate's, byte for byte otherwise. The flag is the first top-level field
     * after the strings requestId and msg, whose quotes are escaped, so its first occurrence is the field itself.
     */
    public static byte[] asDuplicate(byte[] first) {
        int at = indexOf(first, FIRST);
        if (at < 0) {
            throw new IllegalArgumentException("Not a first answer: no top-level \"duplicate\":false");
        }
        byte[] again = new byte[first.length - FIRST.length + AGAIN.length];
        System.arraycopy(first, 0, again, 0, at);
        System.arraycopy(AGAIN, 0, again, at, AGAIN.length);
        System.arraycopy(first, at + FIRST.length, again, at + AGAIN.length, first.length - at - FIRST.length);
        return again;
    }

    private static int indexOf(byte[] data, byte[] part) {
        outer:
        for (int i = 0; i <= data.length - part.length; i++) {
            for (int j = 0; j < part.length; j++) {
                if (data[i + j] != part[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static String bounded(String text) {
        return bounded(text, MAX_TEXT);
    }

    private static String bounded(String text, int max) {
        return text == null || text.length() <= max ? text
                : text.substring(0, max) + "... (" + (text.length() - max) + " more characters)";
    }

    /** The plan, secrets masked and texts bounded. */
    private JobResult.PlanResult plan(JobPlan plan) {
        List<JobResult.VertexResult> vertices = plan.vertices().stream().limit(MAX_VERTICES)
                .map(vertex -> new JobResult.VertexResult(vertex.id(), bounded(redactor.redactText(vertex.name()),
                        MAX_NAME), vertex.parallelism(), vertex.inputs()))
                .toList();
        return new JobResult.PlanResult(bounded(redactor.redactText(plan.optimizedPlan())), vertices);
    }

    /** @param jobId the job the answer reports, or null */
    private JobConfig jobConfig(Answer answer, String jobId) {
        Task task = answer.task();
        if (task == null) {
            return null;
        }
        JobDescription job = answer.job();
        String jobName = job == null ? task.name() : redactor.redactText(job.jobName());
        Map<String, String> configuration = job == null ? null : redactor.redact(job.configuration());
        String savepoint = job == null ? null : job.savepointPath();
        Map<String, String> variables = job != null ? job.variables()
                : answer.command() == null ? Map.of() : answer.command().variables();
        JobConfig.GatewayConfig gateway = new JobConfig.GatewayConfig(task.type().value(), task.id(),
                new JobConfig.FlinkConfig(jobName, jobId, configuration, redactor.redactText(savepoint), "START",
                        FLINK_VERSION));
        return new JobConfig(
                task.type().value(),
                task.checkpoint(),
                task.savePointStrategy().name(),
                redactor.redactText(savepoint),
                task.parallelism(),
                null,
                null,
                null,
                redactor.redact(task.configJson()),
                false,
                false,
                false,
                task.type() != RunMode.LOCAL,
                answer.jobManagerAddress(),
                task.id(),
                List.of(),
                List.of(),
                jobName,
                task.fragment(),
                task.statementSet(),
                task.batchModel(),
                null,
                gateway,
                redactor.redactVariables(variables, job != null ? job.statement() : task.statement()));
    }
}
