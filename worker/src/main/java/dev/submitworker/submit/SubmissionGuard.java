package dev.submitworker.submit;


import org.apache.flink.api.common.JobID;

/** How the idempotency layer takes part in one submission (see the ledger package). */
public interface SubmissionGuard {

    /** Called right before the job is sent to the cluster; returns only once the intent is durably recorded. */
    void beforeSubmit(JobID jobId);

    /** True when an earlier attempt of this request may already have reached the cluster. */
    boolean mayHaveBeenSubmitted();

    /** No idempotency layer: for callers that submit directly (benchmarks, tools). */
    SubmissionGuard NONE = new SubmissionGuard() {
        @Override
        public void beforeSubmit(JobID jobId) {}

        @Override
        public boolean mayHaveBeenSubmitted() {
            return false;
        }
    };
}
