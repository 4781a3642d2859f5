package dev.submitworker.openapi;

import dev.submitworker.core.RequestId;

/**
 * Dinky's {@code jobInstanceId} of a request: a number derived from the requestId alone, so every front, and every
 * retry, names a request's instance with the same number. It is the first 53 bits of the request's JobID (itself an
 * MD5 name-based UUID of the requestId): a positive integer that JSON readers holding numbers as doubles (JavaScript,
 * older jq) keep exactly. Two requestIds share one with a probability of about n²/2⁵⁴ for n requests in the view (one
 * in 18,000 for a million); a shared number is detected and answered as ambiguous, never with the other's job.
 */
final class InstanceIds {

    static final long MAX = (1L << 53) - 1;

    private InstanceIds() {}

    static long of(String requestId) {
        long first56 = Long.parseUnsignedLong(new RequestId(requestId).jobId().substring(0, 14), 16);
        long id = first56 >>> 3;
        return id == 0 ? 1 : id;
    }
}
