package dev.submitworker.compile;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.apache.flink.api.common.JobID;

/**
 * The Flink JobID of a request: a name-based UUID of the requestId. Being a pure function of the requestId, it makes
 * a second submission of the same request collide at Flink's dispatcher instead of starting a second job.
 */
public final class JobIds {

    private static final String NAMESPACE = "submit-worker/request/";

    private JobIds() {}

    public static JobID forRequest(String requestId) {
        UUID uuid = UUID.nameUUIDFromBytes((NAMESPACE + requestId).getBytes(StandardCharsets.UTF_8));
        return new JobID(uuid.getMostSignificantBits(), uuid.getLeastSignificantBits());
    }
}
