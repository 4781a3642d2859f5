package dev.submitworker.core.port;

import dev.submitworker.core.StatusEvent;

/** Where followed jobs' status changes go, keyed by requestId. Writes are part of the current unit of work. */
public interface StatusEvents {

    void publish(StatusEvent event);
}
