package dev.submitworker.core.port;

import dev.submitworker.core.Outcome;
import java.time.Duration;

/**
 * What the engine reports of its work, for metrics. Counts are reported once the unit of work that wrote them has
 * committed (a round that is aborted and read again counts nothing); times are reported as they are measured, on
 * whatever thread measured them, so an implementation must be thread-safe.
 */
public interface Telemetry {

    /** The steps of a submission that are timed. */
    enum Phase { COMPILE, SUBMIT, COMMIT }

    /** Reports nothing. */
    Telemetry NONE = new Telemetry() {};

    /** A first answer was written. @param cluster the cluster entry it was for, or null when none was resolved */
    default void answered(Outcome outcome, String cluster) {}

    /** A command repeated a request already answered or under way: answered with the first answer. */
    default void duplicate() {}

    /** A record went to the dead-letter topic. */
    default void deadLettered() {}

    /** A try found its cluster unreachable; the request waits for another. */
    default void retry(String cluster) {}

    /** A followed job's status event was written. */
    default void statusEvent(String status) {}

    /** @param duration how long a compile, a submission to the cluster or a round's commit took */
    default void timed(Phase phase, Duration duration) {}
}
