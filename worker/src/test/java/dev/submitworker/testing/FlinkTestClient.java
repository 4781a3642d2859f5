package dev.submitworker.testing;

import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.client.deployment.StandaloneClusterId;
import org.apache.flink.client.program.rest.RestClusterClient;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.client.JobStatusMessage;
import org.apache.flink.runtime.execution.ExecutionState;
import org.apache.flink.runtime.jobgraph.JobType;
import org.apache.flink.runtime.rest.messages.EmptyRequestBody;
import org.apache.flink.runtime.rest.messages.JobConfigHeaders;
import org.apache.flink.runtime.rest.messages.JobMessageParameters;
import org.apache.flink.runtime.rest.messages.checkpoints.CheckpointConfigHeaders;
import org.apache.flink.runtime.rest.messages.checkpoints.CheckpointConfigInfo;
import org.apache.flink.runtime.rest.messages.checkpoints.CheckpointingStatistics.RestoredCheckpointStatistics;
import org.apache.flink.runtime.rest.messages.checkpoints.CheckpointingStatisticsHeaders;
import org.apache.flink.runtime.rest.messages.job.JobDetailsInfo;
import org.apache.flink.runtime.rest.util.RestMapperUtils;

/** Reads a cluster's jobs through Flink's REST API, as an operator would, to check what the worker really did. */
public final class FlinkTestClient implements AutoCloseable {

    private final RestClusterClient<StandaloneClusterId> client;

    public FlinkTestClient(URI restAddress) {
        Configuration configuration = new Configuration();
        configuration.set(RestOptions.ADDRESS, restAddress.getHost());
        configuration.set(RestOptions.PORT, restAddress.getPort());
        try {
            this.client = new RestClusterClient<>(configuration, StandaloneClusterId.getInstance());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A client of the shared session cluster. */
    private static FlinkTestClient shared;

    /** One client of the shared session cluster for all in-process tests; it lives as long as the test JVM. */
    public static synchronized FlinkTestClient shared() {
        if (shared == null) {
            shared = session();
        }
        return shared;
    }

    /**
     * The job of a successful answer, once it has FINISHED on the cluster.
     */
    public String awaitFinished(com.fasterxml.jackson.databind.JsonNode envelope) {
        org.assertj.core.api.Assertions.assertThat(envelope.get("code").asInt()).as(envelope.toPrettyString())
                .isZero();
        String jobId = envelope.at("/data/jobId").asText();
        org.assertj.core.api.Assertions.assertThat(awaitEnd(jobId)).isEqualTo(JobStatus.FINISHED);
        return jobId;
    }

    public static FlinkTestClient session() {
        return new FlinkTestClient(SharedInfrastructure.flinkRestAddress());
    }

    public JobStatus status(String jobId) throws Exception {
        return client.getJobStatus(JobID.fromHexString(jobId)).get(30, TimeUnit.SECONDS);
    }

    public Collection<JobStatusMessage> jobs() throws Exception {
        return client.listJobs().get(30, TimeUnit.SECONDS);
    }

    public boolean hasJob(String jobId) throws Exception {
        return jobs().stream().anyMatch(job -> job.getJobId().toHexString().equals(jobId));
    }

    /** Waits until the job has ended, whichever way, and returns how. */
    public JobStatus awaitEnd(String jobId) {
        AtomicReference<JobStatus> status = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(90)).ignoreExceptions().until(() -> {
            status.set(status(jobId));
            return status.get().isGloballyTerminalState();
        });
        return status.get();
    }

    public String jobName(String jobId) throws Exception {
        return details(jobId).getName();
    }

    public JobDetailsInfo details(String jobId) throws Exception {
        return client.getJobDetails(JobID.fromHexString(jobId)).get(30, TimeUnit.SECONDS);
    }

    /** The job's global job parameters, as the cluster's job config endpoint shows them ("user-config"). */
    public Map<String, String> userConfig(String jobId) throws Exception {
        JobMessageParameters parameters = JobConfigHeaders.getInstance().getUnresolvedMessageParameters();
        parameters.jobPathParameter.resolve(JobID.fromHexString(jobId));
        return client.sendRequest(JobConfigHeaders.getInstance(), parameters, EmptyRequestBody.getInstance())
                .get(30, TimeUnit.SECONDS).getExecutionConfigInfo().getGlobalJobParameters();
    }

    /** The parallelism of each of the job's vertices. */
    public List<Integer> vertexParallelisms(String jobId) throws Exception {
        return details(jobId).getJobVertexInfos().stream().map(JobDetailsInfo.JobVertexDetailsInfo::getParallelism)
                .toList();
    }

    public List<String> vertexNames(String jobId) throws Exception {
        return details(jobId).getJobVertexInfos().stream().map(JobDetailsInfo.JobVertexDetailsInfo::getName).toList();
    }

    public JobType jobType(String jobId) throws Exception {
        return details(jobId).getJobType();
    }

    /** Whether every task of the job runs: only then does Flink take a savepoint. */
    public boolean allTasksRunning(String jobId) throws Exception {
        JobDetailsInfo details = details(jobId);
        return details.getJobStatus() == JobStatus.RUNNING && details.getJobVertexInfos().stream()
                .allMatch(vertex -> vertex.getExecutionState() == ExecutionState.RUNNING);
    }

    /** The checkpoint interval in ms, as the cluster's checkpoint config endpoint reports it. */
    public long checkpointInterval(String jobId) throws Exception {
        JobMessageParameters parameters = CheckpointConfigHeaders.getInstance().getUnresolvedMessageParameters();
        parameters.jobPathParameter.resolve(JobID.fromHexString(jobId));
        CheckpointConfigInfo config = client.sendRequest(CheckpointConfigHeaders.getInstance(), parameters,
                EmptyRequestBody.getInstance()).get(30, TimeUnit.SECONDS);
        // CheckpointConfigInfo has no getters: read it as the REST API serialises it
        return RestMapperUtils.getStrictObjectMapper().valueToTree(config)
                .get(CheckpointConfigInfo.FIELD_NAME_CHECKPOINT_INTERVAL).asLong();
    }

    /** The checkpoint or savepoint the job restored its state from, as the cluster's checkpoint statistics say. */
    public Optional<RestoredCheckpointStatistics> restoredFrom(String jobId) throws Exception {
        JobMessageParameters parameters = CheckpointingStatisticsHeaders.getInstance().getUnresolvedMessageParameters();
        parameters.jobPathParameter.resolve(JobID.fromHexString(jobId));
        return Optional.ofNullable(client.sendRequest(CheckpointingStatisticsHeaders.getInstance(), parameters,
                        EmptyRequestBody.getInstance()).get(30, TimeUnit.SECONDS)
                .getLatestCheckpoints().getRestoredCheckpointStatistics());
    }

    /** Stops the job with a canonical savepoint in the directory; returns the savepoint's path. */
    public String stopWithSavepoint(String jobId, String directory) throws Exception {
        return client.stopWithSavepoint(JobID.fromHexString(jobId), false, directory, SavepointFormatType.CANONICAL)
                .get(120, TimeUnit.SECONDS);
    }

    public void cancel(String jobId) throws Exception {
        client.cancel(JobID.fromHexString(jobId)).get(30, TimeUnit.SECONDS);
    }

    /**
     * Cancels those of the jobs on the cluster that have not ended: streaming jobs hold its slots until they do. A job
     * that ends between the look and the cancel is left as it ended.
     */
    public void cancelUnended(Iterable<String> jobIds) throws Exception {
        for (String jobId : jobIds) {
            if (hasJob(jobId) && !status(jobId).isGloballyTerminalState()) {
                try {
                    cancel(jobId);
                } catch (ExecutionException e) {
                    if (!status(jobId).isGloballyTerminalState()) {
                        throw e;
                    }
                }
            }
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
