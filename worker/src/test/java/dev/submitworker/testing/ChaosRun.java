package dev.submitworker.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.submitworker.core.RequestId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.flink.runtime.client.JobStatusMessage;

/**
 * A stream of commands for one or more tasks, a share of them duplicates of earlier ones, and the invariants of
 * exactly-once submission checked against what really happened: the jobs on the Flink cluster and every envelope on
 * the results topic.
 */
public final class ChaosRun {

    /**
     * A task the run's commands are for.
     *
     * @param jobName the task's job name, used by no other test: every job with it on the cluster belongs to this run
     * @param share   its share of the run's requestIds
     */
    public record Kind(int taskId, String jobName, double share) {}

    private final Set<String> jobNames;
    private final List<String> commands = new ArrayList<>();
    private final List<String> requestIds = new ArrayList<>();
    private final Set<String> distinct = new LinkedHashSet<>();
    private final Map<String, Integer> taskOf = new HashMap<>();
    private final Map<String, Integer> sent = new HashMap<>();

    public ChaosRun(String label, int taskId, String jobName, int count, double duplicateShare, long seed) {
        this(label, List.of(new Kind(taskId, jobName, 1.0)), count, duplicateShare, seed);
    }

    public ChaosRun(String label, List<Kind> kinds, int count, double duplicateShare, long seed) {
        this.jobNames = kinds.stream().map(Kind::jobName).collect(Collectors.toSet());
        Random random = new Random(seed);
        String runId = UUID.randomUUID().toString().substring(0, 8);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String requestId;
            if (!ids.isEmpty() && random.nextDouble() < duplicateShare) {
                requestId = ids.get(random.nextInt(ids.size()));
            } else {
                requestId = label + "-" + runId + "-" + i;
                taskOf.put(requestId, pick(kinds, random).taskId());
            }
            ids.add(requestId);
            requestIds.add(requestId);
            distinct.add(requestId);
            sent.merge(requestId, 1, Integer::sum);
            commands.add("{\"requestId\":\"" + requestId + "\",\"id\":" + taskOf.get(requestId) + "}");
        }
    }

    /** A kind drawn by the shares; one kind draws nothing, so a seed gives a one-task run the stream it always did. */
    private static Kind pick(List<Kind> kinds, Random random) {
        if (kinds.size() == 1) {
            return kinds.get(0);
        }
        double at = random.nextDouble() * kinds.stream().mapToDouble(Kind::share).sum();
        for (Kind kind : kinds) {
            at -= kind.share();
            if (at < 0) {
                return kind;
            }
        }
        return kinds.get(kinds.size() - 1);
    }

    public List<String> commands() {
        return commands;
    }

    /** The requestId of each command, in the order of {@link #commands()}. */
    public List<String> requestIds() {
        return requestIds;
    }

    public Set<String> distinctRequestIds() {
        return distinct;
    }

    /** How many of the distinct requestIds are for the task. */
    public long distinctFor(int taskId) {
        return distinct.stream().filter(id -> taskOf.get(id) == taskId).count();
    }

    /** The task a requestId's commands name. */
    public int taskOf(String requestId) {
        return taskOf.get(requestId);
    }

    public boolean allAnswered(KafkaTestClient client) {
        return answered(client) == distinct.size();
    }

    public int answered(KafkaTestClient client) {
        Map<String, List<JsonNode>> envelopes = client.allEnvelopes();
        return (int) distinct.stream().filter(envelopes::containsKey).count();
    }

    /** The violated invariants, empty when exactly-once held. */
    public List<String> violations(KafkaTestClient client, FlinkTestClient flink) throws Exception {
        List<String> violations = new ArrayList<>();
        Map<String, List<JsonNode>> envelopes = client.allEnvelopes();
        List<JobStatusMessage> jobs = jobs(flink);
        Set<String> expectedJobIds = distinct.stream().map(id -> new RequestId(id).jobId())
                .collect(Collectors.toSet());
        Set<String> jobIds = new HashSet<>();
        for (JobStatusMessage job : jobs) {
            String jobId = job.getJobId().toHexString();
            if (!jobIds.add(jobId)) {
                violations.add("job " + jobId + " is on the cluster twice");
            }
            if (!expectedJobIds.contains(jobId)) {
                violations.add("job " + jobId + " belongs to no requestId of this run");
            }
        }
        if (jobs.size() != distinct.size()) {
            violations.add(jobs.size() + " jobs on the cluster for " + distinct.size() + " distinct requestIds");
        }
        for (String requestId : distinct) {
            List<JsonNode> answers = envelopes.getOrDefault(requestId, List.of());
            if (answers.isEmpty()) {
                violations.add(requestId + " has no answer");
                continue;
            }
            long first = answers.stream().filter(e -> !e.get("duplicate").asBoolean()).count();
            if (first != 1) {
                violations.add(requestId + " got " + first + " first answers (not flagged duplicate)");
            }
            if (answers.size() != sent.get(requestId)) {
                violations.add(requestId + " got " + answers.size() + " answers for " + sent.get(requestId)
                        + " commands");
            }
            Set<String> outcomes = answers.stream()
                    .map(e -> e.get("code").asInt() + "/" + e.at("/data/jobId").asText())
                    .collect(Collectors.toSet());
            if (outcomes.size() != 1) {
                violations.add(requestId + " got different answers: " + outcomes);
            }
            if (answers.stream().anyMatch(e -> e.get("code").asInt() != 0)) {
                violations.add(requestId + " was not submitted successfully: " + answers.get(0).get("msg"));
            }
            for (JsonNode answer : answers) {
                if (!Schemas.violations(Schemas.ENVELOPE, answer).isEmpty()) {
                    violations.add(requestId + " got an envelope that breaks the schema");
                }
            }
        }
        envelopes.keySet().stream().filter(requestId -> !distinct.contains(requestId))
                .forEach(requestId -> violations.add("an answer for " + requestId + ", which was never sent"));
        return violations;
    }

    private List<JobStatusMessage> jobs(FlinkTestClient flink) throws Exception {
        return flink.jobs().stream().filter(job -> jobNames.contains(job.getJobName())).toList();
    }

    public String summary(String name, KafkaTestClient client, FlinkTestClient flink, int kills,
                          List<String> violations) throws Exception {
        return summary(name, client, flink, kills, violations, Map.of());
    }

    /** @param faults more fault counts, printed after the violations in their map's order */
    public String summary(String name, KafkaTestClient client, FlinkTestClient flink, int kills,
                          List<String> violations, Map<String, ? extends Number> faults) throws Exception {
        StringBuilder line = new StringBuilder(name + ": commands=" + commands.size() + " distinct=" + distinct.size()
                + " jobs=" + jobs(flink).size() + " answered=" + answered(client) + " kills=" + kills
                + " violations=" + violations.size());
        faults.forEach((fault, count) -> line.append(' ').append(fault).append('=').append(count));
        return line.toString();
    }
}
