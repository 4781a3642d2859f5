package dev.submitworker.core;

import java.util.Map;

/**
 * What a compiled job is, as its answer reports it. Values are as compiled: secrets are masked only where the answer
 * leaves the worker.
 *
 * @param jobName       the Flink job's name
 * @param statement     the script as compiled (variables applied), or a one-line description of a jar program
 * @param configuration the job's Flink options: task fields, configJson and SET statements merged
 * @param variables     the variables the script was compiled with (empty for jar programs)
 * @param savepointPath the savepoint the job restores from, or null
 * @param note          something the requester should know although the job was built (e.g. no savepoint found)
 */
public record JobDescription(String jobName, String statement, Map<String, String> configuration,
                             Map<String, String> variables, String savepointPath, String note) {

    public JobDescription {
        configuration = configuration == null ? Map.of() : configuration;
        variables = variables == null ? Map.of() : variables;
    }
}
