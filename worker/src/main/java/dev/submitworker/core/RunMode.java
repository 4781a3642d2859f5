package dev.submitworker.core;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Dinky's run modes (a task's {@code type}) with their exact spelling. Every mode is recognised so that a task naming
 * one the worker cannot serve yet is refused with a precise message instead of failing to load.
 */
public enum RunMode {
    LOCAL("local", true),
    STANDALONE("standalone", true),
    KUBERNETES_SESSION("kubernetes-session", true),
    KUBERNETES_APPLICATION("kubernetes-application", true),
    YARN_SESSION("yarn-session", false),
    YARN_PER_JOB("yarn-per-job", false),
    YARN_APPLICATION("yarn-application", false);

    private final String value;
    private final boolean supported;

    RunMode(String value, boolean supported) {
        this.value = value;
        this.supported = supported;
    }

    public String value() {
        return value;
    }

    public boolean supported() {
        return supported;
    }

    public static RunMode of(String value) {
        for (RunMode mode : values()) {
            if (mode.value.equalsIgnoreCase(value)) {
                return mode;
            }
        }
        throw new IllegalArgumentException("unknown run mode '" + value + "' (known: " + known() + ")");
    }

    public static String supportedModes() {
        return Arrays.stream(values()).filter(RunMode::supported).map(RunMode::value).collect(Collectors.joining(", "));
    }

    private static String known() {
        return Arrays.stream(values()).map(RunMode::value).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return value;
    }
}
