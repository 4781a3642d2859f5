package dev.submitworker.core;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.UUID;

/**
 * The idempotency key of a command, chosen by its producer. Everything the worker does for a command hangs on it: the
 * ledger entry, the answer's record key, and the Flink JobID, which is derived from it here and nowhere else.
 */
public record RequestId(String value) {

    private static final String JOB_ID_NAMESPACE = "submit-worker/request/";
    private static final String TRIGGER_ID_NAMESPACE = "submit-worker/trigger/";

    public RequestId {
        Objects.requireNonNull(value, "requestId");
    }

    /**
     * The Flink JobID of this request, 32 hex characters: a name-based UUID of the requestId. Being a function of the
     * requestId alone, a second submission of the same request collides at Flink's dispatcher instead of starting a
     * second job. (Flink's {@code JobID(upper, lower).toHexString()} of the UUID's two halves is this same text.)
     */
    public String jobId() {
        return nameBased(JOB_ID_NAMESPACE);
    }

    /**
     * The Flink trigger id of this request's savepoint operation (a control command's), 32 hex characters, derived
     * like the JobID: Flink's dispatcher takes one savepoint per job and trigger id however often it is asked while it
     * remembers the operation, so a trigger sent again (a retry, a new owner after a crash) joins the first.
     */
    public String triggerId() {
        return nameBased(TRIGGER_ID_NAMESPACE);
    }

    private String nameBased(String namespace) {
        UUID uuid = UUID.nameUUIDFromBytes((namespace + value).getBytes(StandardCharsets.UTF_8));
        return uuid.toString().replace("-", "");
    }

    @Override
    public String toString() {
        return value;
    }
}
