package dev.submitworker.build;

import java.util.Map;
import org.apache.flink.api.common.JobID;
import org.apache.flink.runtime.jobgraph.JobGraph;

/**
 * A job ready to be submitted: the JobGraph (not executed anywhere yet) and what the answer reports about it.
 *
 * @param statement     the script as it was compiled (variables applied); not yet redacted
 * @param configuration the Flink options of the job: task fields, configJson and SET statements merged
 */
public record BuiltJob(JobGraph jobGraph, JobID jobId, String jobName, String statement, Map<String, String> configuration) {}
