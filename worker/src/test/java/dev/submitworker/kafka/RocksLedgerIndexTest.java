package dev.submitworker.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.submitworker.core.LedgerEntry;
import dev.submitworker.core.RequestId;
import dev.submitworker.core.StoredAnswer;
import dev.submitworker.core.SubmitCommand;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ledger's local store on a real RocksDB: what it keeps, what it reflects, and that it is never trusted blindly. */
class RocksLedgerIndexTest {

    private static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");

    @TempDir
    Path dir;

    private final RocksLedgerIndex.Resources resources = new RocksLedgerIndex.Resources(8L << 20);

    @AfterEach
    void release() {
        resources.close();
    }

    private static SubmitCommand command(String requestId) {
        return new SubmitCommand(new RequestId(requestId), 7, null, Map.of("day", "1"));
    }

    private static LedgerEntry done(String requestId, Instant at) {
        return LedgerEntry.done(command(requestId), new StoredAnswer(("{\"requestId\":\"" + requestId
                + "\",\"duplicate\":false,\"x\":\"\u00e9\"}").getBytes(StandardCharsets.UTF_8)), at);
    }

    @Test
    void itKeepsTheLatestEntryOfEachRequestAndItsPendingOnes() {
        try (RocksLedgerIndex index = RocksLedgerIndex.open(dir, "topic-a", resources)) {
            index.put(LedgerEntry.pending(command("r-1"), T0, null, 0), 0);
            index.put(LedgerEntry.pending(command("r-2"), T0.plusSeconds(1), T0, 2), 1);
            index.put(done("r-1", T0.plusSeconds(2)), 2);

            assertThat(index.get(new RequestId("r-1"))).contains(done("r-1", T0.plusSeconds(2)));
            assertThat(index.get(new RequestId("r-3"))).isEmpty();
            assertThat(index.pending()).extracting(LedgerEntry::requestId).containsExactly(new RequestId("r-2"));
            assertThat(index.pending().get(0).waitingDuplicates()).isEqualTo(2);
            assertThat(index.nextOffset()).isEqualTo(3);
        }
    }

    @Test
    void reopenedItReflectsTheLedgerUpToWhereItStood() {
        try (RocksLedgerIndex index = RocksLedgerIndex.open(dir, "topic-a", resources)) {
            index.put(done("r-1", T0), 41);
        }
        try (RocksLedgerIndex index = RocksLedgerIndex.open(dir, "topic-a", resources)) {
            assertThat(index.nextOffset()).isEqualTo(42);
            assertThat(index.get(new RequestId("r-1"))).contains(done("r-1", T0));
            assertThat(index.get(new RequestId("r-1")).orElseThrow().answer().content())
                    .isEqualTo(done("r-1", T0).answer().content());
        }
    }

    @Test
    void aStoreOfAnotherLedgerTopicIsRebuiltNotTrusted() {
        try (RocksLedgerIndex index = RocksLedgerIndex.open(dir, "topic-a", resources)) {
            index.put(done("r-1", T0), 41);
        }
        try (RocksLedgerIndex index = RocksLedgerIndex.open(dir, "topic-b", resources)) {
            assertThat(index.nextOffset()).isZero();
            assertThat(index.get(new RequestId("r-1"))).isEmpty();
        }
    }

    @Test
    void aCorruptStoreIsRebuiltFromScratch() throws IOException {
        try (RocksLedgerIndex index = RocksLedgerIndex.open(dir, "topic-a", resources)) {
            for (int i = 0; i < 1000; i++) {
                index.put(done("r-" + i, T0), i);
            }
            index.restoring();
            index.restored(); // flushed to table files
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.getFileName().toString().matches("CURRENT|.*\\.sst")).toList()) {
                Files.write(file, "garbage".getBytes(StandardCharsets.UTF_8));
            }
        }
        try (RocksLedgerIndex index = RocksLedgerIndex.open(dir, "topic-a", resources)) {
            assertThat(index.nextOffset()).isZero();
            assertThat(index.get(new RequestId("r-1"))).isEmpty();
            index.put(done("r-1", T0), 0);
            assertThat(index.get(new RequestId("r-1"))).isPresent();
        }
    }

    @Test
    void aStoreOpenElsewhereIsNeverDeleted() {
        try (RocksLedgerIndex index = RocksLedgerIndex.open(dir, "topic-a", resources)) {
            index.put(done("r-1", T0), 0);
            assertThatThrownBy(() -> RocksLedgerIndex.open(dir, "topic-a", resources))
                    .hasMessageContaining("in use");
            assertThat(index.get(new RequestId("r-1"))).isPresent();
        }
    }

    @Test
    void entriesPastTheRetentionLeaveAndNewerWritesOfTheSameRequestStay() {
        try (RocksLedgerIndex index = RocksLedgerIndex.open(dir, "topic-a", resources)) {
            index.restoring();
            index.put(LedgerEntry.pending(command("r-1"), T0, null, 0), 0);
            index.put(done("r-1", T0.plusSeconds(100)), 1); // same batch: the old time key stays behind, stale
            index.put(done("r-2", T0.plusSeconds(10)), 2);
            index.restored();

            index.expire(T0.plusSeconds(50));

            assertThat(index.get(new RequestId("r-1"))).isPresent();
            assertThat(index.get(new RequestId("r-2"))).isEmpty();
            assertThat(index.pending()).isEmpty();
            index.expire(T0.plusSeconds(200));
            assertThat(index.get(new RequestId("r-1"))).isEmpty();
        }
    }

    @Test
    void clearedItStartsFromTheBeginning() {
        try (RocksLedgerIndex index = RocksLedgerIndex.open(dir, "topic-a", resources)) {
            index.put(done("r-1", T0), 9);
            index.clear();
            assertThat(index.nextOffset()).isZero();
            assertThat(index.get(new RequestId("r-1"))).isEmpty();
        }
    }
}
