package dev.submitworker.core.port;

import dev.submitworker.core.ClusterTarget;
import dev.submitworker.core.JobDescription;
import dev.submitworker.core.JobPlan;
import dev.submitworker.core.SubmitCommand;
import dev.submitworker.core.Task;

/** Turns a task and a command into a job for the task's cluster, without running anything on a cluster. */
public interface JobCompiler {

    /**
     * @throws BadParametersException the command's variables or savepoint path do not fit the task
     * @throws RefusedException       the task cannot be compiled (a SQL error, a missing jar, a bad option, a
     *                                program that fails); any other exception is a failure of the task's own code
     */
    CompiledJob compile(Task task, SubmitCommand command, ClusterTarget target);

    /**
     * Compiles the task exactly as {@link #compile} does for a submit of the command, and keeps nothing of it but what
     * it is: nothing is staged afterwards, nothing goes to a cluster.
     *
     * @throws BadParametersException as {@link #compile}
     * @throws RefusedException       as {@link #compile}; also when the task's jobs are compiled by its cluster
     *                                (kubernetes-application), where the worker has no plan to show
     */
    Explanation explain(Task task, SubmitCommand command, ClusterTarget target);

    /** An explained job: what a submit's answer would report of it, and its plan. */
    record Explanation(JobDescription job, JobPlan plan) {}

    /**
     * Where savepoints of the task's jobs are written, so that its LATEST and EARLIEST strategies find them: its
     * directory under the worker's savepoint directory, or null when none is configured (the cluster's default).
     */
    String savepointDirectory(Task task);
}
