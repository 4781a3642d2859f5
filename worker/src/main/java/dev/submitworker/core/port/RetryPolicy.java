package dev.submitworker.core.port;

import java.time.Duration;

/** How long to wait before trying something again. */
public interface RetryPolicy {

    /** The wait before the given retry (1 for the first). */
    Duration delay(int retry);
}
