package dev.submitworker.submit;


import org.apache.flink.api.common.JobID;

/**
 * Told about each job the moment the cluster has accepted it, before the answer is written. Metrics hang here; the
 * crash tests use it to stop a worker at exactly the point where a job exists but its answer does not.
 */
public interface SubmissionObserver {

    void submitted(String requestId, JobID jobId);

    SubmissionObserver NONE = (requestId, jobId) -> {};
}
