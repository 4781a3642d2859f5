package dev.submitworker.core;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * What the worker last found out about each cluster entry. While an entry is down, one waiting request at a time
 * tries it (the probe); the others wait without paying for a failed try of their own, so that the work done for an
 * unreachable cluster does not grow with the number of requests waiting for it, and each of them is answered at its
 * deadline. Used from the engine's thread only.
 */
final class ClusterHealth {

    private static final class Entry {
        private boolean down;
        private RequestId probe;
        private Outcome.Unreachable lastFailure;
    }

    private final Map<String, Entry> entries = new HashMap<>();

    private Entry entry(String cluster) {
        return entries.computeIfAbsent(cluster, c -> new Entry());
    }

    boolean isDown(String cluster) {
        return entry(cluster).down;
    }

    /** Whether a request may try the cluster now: always while it is up; while it is down, if nobody else does. */
    boolean mayTry(String cluster) {
        Entry entry = entry(cluster);
        return !entry.down || entry.probe == null;
    }

    /** A request starts trying the cluster; while the cluster is down, it is the probe. */
    void trying(String cluster, RequestId requestId) {
        Entry entry = entry(cluster);
        if (entry.down && entry.probe == null) {
            entry.probe = requestId;
        }
    }

    /** @return true when the cluster had been down: the requests waiting for it need not wait any longer */
    boolean reached(String cluster, RequestId requestId) {
        Entry entry = entry(cluster);
        boolean wasDown = entry.down;
        entry.down = false;
        entry.probe = null;
        entry.lastFailure = null;
        return wasDown;
    }

    void unreachable(String cluster, RequestId requestId, Outcome.Unreachable failure, Instant now) {
        Entry entry = entry(cluster);
        entry.down = true;
        entry.lastFailure = failure;
        if (requestId.equals(entry.probe)) {
            entry.probe = null;
        }
    }

    /** A request stopped trying without finding anything out (its partition was revoked, say). */
    void gaveUpTrying(String cluster, RequestId requestId) {
        Entry entry = entry(cluster);
        if (requestId.equals(entry.probe)) {
            entry.probe = null;
        }
    }

    /** The entries requests have tried, each with whether it was reachable at the last try. */
    Map<String, Boolean> reachable() {
        Map<String, Boolean> reachable = new HashMap<>();
        entries.forEach((cluster, entry) -> reachable.put(cluster, !entry.down));
        return Map.copyOf(reachable);
    }

    /** The failure the cluster was last found down with, or null. */
    Outcome.Unreachable lastFailure(String cluster) {
        return entry(cluster).lastFailure;
    }
}
