package dev.submitworker.core;

/**
 * The cluster entry of the worker's configuration that a task runs on.
 *
 * @param entry the entry's name ({@code worker.clusters.<entry>})
 * @param mode  its run mode, which is the task's
 */
public record ClusterTarget(String entry, RunMode mode) {}
