package dev.submitworker.core;

/** Dinky's savepoint strategies: which savepoint, if any, a submission restores from. */
public enum SavePointStrategy {
    NONE,
    LATEST,
    EARLIEST,
    CUSTOM
}
