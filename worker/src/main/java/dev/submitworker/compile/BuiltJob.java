package dev.submitworker.compile;

import dev.submitworker.core.JobDescription;
import java.util.Map;
import org.apache.flink.api.common.JobID;
import org.apache.flink.runtime.jobgraph.JobGraph;

/**
 * A job ready to be submitted: the JobGraph (not executed anywhere yet) and what the answer reports about it.
 *
 * @param statement     the script as it was compiled (variables applied); not yet redacted
 * @param configuration the Flink options of the job: task fields, configJson and SET statements merged
 * @param variables     the variables the script was compiled with (empty for jar tasks)
 * @param savepointPath the savepoint the job restores from, or null
 * @param note          something the submitter should know although the job was built (e.g. no savepoint found)
 * @param optimizedPlan Flink's explanation of a SQL job's INSERT statements, when it was asked for (an explain); else
 *                      null
 */
public record BuiltJob(JobGraph jobGraph, JobID jobId, String jobName, String statement,
                       Map<String, String> configuration, Map<String, String> variables, String savepointPath,
                       String note, String optimizedPlan) {

    public BuiltJob(JobGraph jobGraph, JobID jobId, String jobName, String statement,
                    Map<String, String> configuration) {
        this(jobGraph, jobId, jobName, statement, configuration, Map.of(), null, null, null);
    }

    /** What the answer reports about the job. */
    public JobDescription description() {
        return new JobDescription(jobName, statement, configuration, variables, savepointPath, note);
    }

    BuiltJob with(Map<String, String> variables, String savepointPath, String note) {
        return new BuiltJob(jobGraph, jobId, jobName, statement, configuration, variables, savepointPath, note,
                optimizedPlan);
    }
}
