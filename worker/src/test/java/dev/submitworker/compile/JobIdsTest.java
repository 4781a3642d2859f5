package dev.submitworker.compile;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class JobIdsTest {

    @Test
    void isStableForARequestId() {
        assertThat(JobIds.forRequest("order-42")).isEqualTo(JobIds.forRequest("order-42"));
        // pinned: a change of the derivation would give redelivered commands of running workers a second job
        // (the MD5 name-based UUID of "submit-worker/request/order-42", computed independently)
        assertThat(JobIds.forRequest("order-42").toHexString()).isEqualTo("5d37c51c211c3f4c8d98fa97594eef17");
    }

    @Test
    void isDistinctForDistinctRequestIds() {
        Set<String> ids = new HashSet<>();
        IntStream.range(0, 10_000).forEach(i -> ids.add(JobIds.forRequest("request-" + i).toHexString()));
        assertThat(ids).hasSize(10_000);
        assertThat(JobIds.forRequest("a")).isNotEqualTo(JobIds.forRequest("A"));
        assertThat(JobIds.forRequest("")).isNotEqualTo(JobIds.forRequest(" "));
    }
}
