package dev.submitworker.core.port;

import dev.submitworker.core.JobDescription;

/**
 * A job ready for its cluster, not running anywhere yet. What it holds (a JobGraph, or a prepared script for an
 * application cluster) is the business of the compiler and the gateways; the core only passes it on.
 */
public interface CompiledJob extends AutoCloseable {

    /** The Flink JobID, 32 hex characters: the request's. */
    String jobId();

    JobDescription description();

    /** Releases what was staged for the job (jars copied for it); once the submission is over. */
    @Override
    void close();
}
