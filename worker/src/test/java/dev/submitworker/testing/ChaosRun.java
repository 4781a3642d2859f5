package dev.submitworker.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.submitworker.core.RequestId;
import java.util.ArrayList;
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
 * A stream of commands for one task, a share of them duplicates of earlier ones, and the invariants of exactly-once
 * submission checked against what really happened: the jobs on the Flink cluster and every envelope on the results
 * topic.
 */
public final class ChaosRun {

    private final String jobName;
    private final List<String> commands = new ArrayList<>();
    private final Set<String> distinct = new LinkedHashSet<>();

    /**
     * @param jobName the task's job name, used by no other test: every job with it on the cluster belongs to this run
     */
    public ChaosRun(String label, int taskId, String jobName, int count, double duplicateShare, long seed) {
        this.jobName = jobName;
        Random random = new Random(seed);
        String runId = UUID.randomUUID().toString().substring(0, 8);
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String requestId = !sent.isEmpty() && random.nextDouble() < duplicateShare
                    ? sent.get(random.nextInt(sent.size()))
                    : label + "-" + runId + "-" + i;
            sent.add(requestId);
            distinct.add(requestId);
            commands.add("{\"requestId\":\"" + requestId + "\",\"id\":" + taskId + "}");
        }
    }

    public List<String> commands() {
        return commands;
    }

    public Set<String> distinctRequestIds() {
        return distinct;
    }

    public boolean allAnswered(KafkaTestClient client) {
        Map<String, List<JsonNode>> envelopes = client.allEnvelopes();
        return distinct.stream().allMatch(envelopes::containsKey);
    }

    public int answered(KafkaTestClient client) {
        Map<String, List<JsonNode>> envelopes = client.allEnvelopes();
        return (int) distinct.stream().filter(envelopes::containsKey).count();
    }

    /** The violated invariants, empty when exactly-once held. */
    public List<String> violations(KafkaTestClient client, FlinkTestClient flink) throws Exception {
        List<String> violations = new ArrayList<>();
        Map<String, List<JsonNode>> envelopes = client.allEnvelopes();
        List<JobStatusMessage> jobs = flink.jobs().stream().filter(job -> job.getJobName().equals(jobName)).toList();
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

    public String summary(String name, KafkaTestClient client, FlinkTestClient flink, int kills,
                          List<String> violations) throws Exception {
        long jobs = flink.jobs().stream().filter(job -> job.getJobName().equals(jobName)).count();
        return name + ": commands=" + commands.size() + " distinct=" + distinct.size() + " jobs=" + jobs
                + " answered=" + answered(client) + " kills=" + kills + " violations=" + violations.size();
    }
}
