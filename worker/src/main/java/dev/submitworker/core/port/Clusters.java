package dev.submitworker.core.port;

import dev.submitworker.core.ClusterTarget;
import dev.submitworker.core.Task;

/** The worker's configured cluster entries. */
public interface Clusters {

    /**
     * The entry a task runs on.
     *
     * @throws RefusedException the task's run mode is not supported, or it names no entry, an unknown one, or one of
     *                          another run mode
     */
    ClusterTarget resolve(Task task);

    /**
     * The gateway to an entry's cluster, made on first use and kept; one per run mode's way of reaching it.
     *
     * @throws ClusterUnreachableException the cluster cannot be found now (its Kubernetes Service cannot be read)
     */
    ClusterGateway gateway(ClusterTarget target);
}
