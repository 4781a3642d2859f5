package dev.submitworker.core;

/** What a task's body is, with Dinky's spelling. */
public enum Dialect {
    FlinkSql,
    FlinkJar
}
