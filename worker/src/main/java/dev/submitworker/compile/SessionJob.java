package dev.submitworker.compile;

import dev.submitworker.core.JobDescription;
import dev.submitworker.core.port.CompiledJob;
import org.apache.flink.runtime.jobgraph.JobGraph;

/**
 * A job compiled on the worker for a session cluster: its JobGraph, with the request's JobID, not executed anywhere.
 *
 * @param release deletes what was staged for the job (jars copied for it); runs once, when the job is closed
 */
public record SessionJob(JobGraph jobGraph, JobDescription description, Runnable release) implements CompiledJob {

    @Override
    public String jobId() {
        return jobGraph.getJobID().toHexString();
    }

    @Override
    public void close() {
        release.run();
    }
}
