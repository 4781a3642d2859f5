package dev.submitworker.core.port;

import dev.submitworker.core.ClusterTarget;
import dev.submitworker.core.JobDescription;
import dev.submitworker.core.JobPlan;
import dev.submitworker.core.SubmitCommand;
import dev.submitworker.core.Task;
import java.util.Optional;

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
     * Where a savepoint of the task's job taken under this trigger id is written: a directory of the trigger's in the
     * task's directory under the worker's savepoint directory, where its LATEST and EARLIEST strategies find it too;
     * null when none is configured (the cluster's default is used).
     */
    String savepointDirectory(Task task, String triggerId);

    /**
     * The complete savepoint taken under this trigger id, found in its directory: what a control command asks for
     * once the cluster has forgotten the trigger. Empty when there is none, or no savepoint directory.
     *
     * @throws ClusterUnreachableException the directory cannot be read now
     */
    Optional<String> savepointOf(Task task, String triggerId);
}
