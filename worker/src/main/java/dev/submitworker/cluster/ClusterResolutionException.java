package dev.submitworker.cluster;

/** A task names a run mode or cluster entry the worker cannot serve. Permanent: configuration must change. */
public class ClusterResolutionException extends RuntimeException {

    public ClusterResolutionException(String message) {
        super(message);
    }
}
