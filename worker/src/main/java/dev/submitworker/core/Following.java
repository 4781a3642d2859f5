package dev.submitworker.core;

import java.time.Instant;

/**
 * What the worker knows of a submitted job it follows to its end, kept with the request's first answer in its DONE
 * entry, so that whoever owns the partition next goes on from there: the last status published and its sequence.
 *
 * @param cluster          the cluster entry the job runs on
 * @param mode             the entry's run mode
 * @param clusterId        the application cluster deployed for the job, or null
 * @param status           the last status published, or null before the first
 * @param sequence         the sequence of that event (0 before the first); the next is one more
 * @param terminal         the job has ended (or can no longer be observed): nothing is published after it
 * @param unreachableSince since when its cluster could not be asked, or null
 * @param released         what was deployed for the job has been removed (an application cluster), after its end
 */
public record Following(String cluster, RunMode mode, String clusterId, String status, int sequence,
                        boolean terminal, Instant unreachableSince, boolean released) {

    /** A job just submitted: nothing published yet. */
    public static Following start(ClusterTarget target, String clusterId) {
        return new Following(target.entry(), target.mode(), clusterId, null, 0, false, null, false);
    }

    public ClusterTarget target() {
        return new ClusterTarget(cluster, mode);
    }

    /** Nothing more to do for it: its end was published and what was deployed for it is gone. */
    public boolean settled() {
        return terminal && (released || clusterId == null);
    }

    Following published(String status, boolean terminal) {
        return new Following(cluster, mode, clusterId, status, sequence + 1, terminal, null, released);
    }

    Following unreachable(Instant since) {
        return new Following(cluster, mode, clusterId, status, sequence, terminal, since, released);
    }

    Following releasedNow() {
        return new Following(cluster, mode, clusterId, status, sequence, terminal, unreachableSince, true);
    }
}
