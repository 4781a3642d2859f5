package dev.submitworker.kafka;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.submitworker.core.RequestId;
import dev.submitworker.testing.BrokerProcess;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.IntFunction;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;

/**
 * {@code make bench-ledger}: the ledger at scale. For each size, fills a ledger topic (a broker in a process of its
 * own, so this JVM's heap holds only what the ledger's indexes hold) with DONE entries of sample task 1, then
 * measures a new owner's restore of all four partitions (as a worker restores them, in parallel), the heap after it,
 * a restart on the local stores, their size on disk, and duplicate look-ups. Prints one {@code ledger:} line per size
 * and adds the figures to target/bench/results.json under {@code ledger}.
 */
public final class LedgerBenchmark {

    private static final int PARTITIONS = 4;
    private static final Path OUT = Path.of("target", "bench");

    public static void main(String[] args) throws Exception {
        List<Integer> sizes = Arrays.stream(System.getProperty("bench.ledger.entries", "100000,1000000").split(","))
                .map(String::strip).map(Integer::parseInt).toList();
        boolean onHeap = "heap".equals(System.getProperty("bench.ledger.store", "rocksdb"));
        List<Map<String, Object>> figures = new ArrayList<>();
        try (BrokerProcess broker = BrokerProcess.start(List.of("-Xmx1g", "-XX:+UseParallelGC"))) {
            for (int size : sizes) {
                figures.add(measure(broker.bootstrap(), size, onHeap));
            }
        }
        Files.createDirectories(OUT);
        Path results = OUT.resolve("results.json");
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode all = Files.exists(results) ? (ObjectNode) json.readTree(results.toFile()) : json.createObjectNode();
        all.set("ledger", json.valueToTree(figures));
        json.writeValue(results.toFile(), all);
    }

    private static Map<String, Object> measure(String bootstrap, int entries, boolean onHeap) throws Exception {
        String prefix = "bench-ledger-" + entries + "-" + Long.toString(System.nanoTime(), 36);
        String ledger = prefix + ".ledger";
        Topics topics = new Topics(prefix + ".commands", prefix + ".results", prefix + ".DLT", ledger,
                prefix + ".status", PARTITIONS, Optional.empty());
        String topicId;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            topics.provision(admin, Duration.ofDays(7));
            topicId = topics.ledgerTopicId(admin);
        }
        long fill = System.nanoTime();
        new LedgerFiller().fill(bootstrap, ledger, PARTITIONS, prefix, entries, Instant.now());
        System.out.printf("ledger: filled %d entries in %.1f s%n", entries, (System.nanoTime() - fill) / 1e9);

        Path stores = Files.createTempDirectory(prefix);
        long heapBefore = usedHeap();
        try (RocksLedgerIndex.Resources rocks = new RocksLedgerIndex.Resources(64L << 20)) {
            IntFunction<LedgerIndex> open = onHeap ? partition -> new MemoryLedgerIndex()
                    : partition -> RocksLedgerIndex.open(stores.resolve("p" + partition), topicId, rocks);
            LedgerRestorer restorer = new LedgerRestorer(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                    ledger, Duration.ofDays(7), Clock.systemUTC(), open);

            long restoreStart = System.nanoTime();
            long cpuStart = processCpuNanos();
            List<LedgerIndex> indexes = restoreAll(restorer);
            double restoreNewOwner = (System.nanoTime() - restoreStart) / 1e9;
            // on a shared machine the wall time varies with the load; the CPU it took does much less
            double restoreCpu = (processCpuNanos() - cpuStart) / 1e9;
            long heapAfter = usedHeap();
            // the whole heap in use after the restore, which must stay within a small budget, and what the restore added
            double heapMb = heapAfter / 1e6;
            double heapGrowthMb = (heapAfter - heapBefore) / 1e6;
            long[] lookups = lookups(indexes, prefix, entries);
            long disk = onHeap ? 0 : diskBytes(stores);
            indexes.forEach(LedgerIndex::close);

            long restartStart = System.nanoTime();
            List<LedgerIndex> reopened = restoreAll(restorer);
            double restart = (System.nanoTime() - restartStart) / 1e9;
            reopened.forEach(LedgerIndex::close);

            Map<String, Object> result = new LinkedHashMap<>();
            result.put("store", onHeap ? "heap" : "rocksdb");
            result.put("entries", entries);
            result.put("restoreNewOwnerS", round(restoreNewOwner));
            result.put("restoreNewOwnerCpuS", round(restoreCpu));
            result.put("restartS", round(restart));
            result.put("heapMB", round(heapMb));
            result.put("heapGrowthMB", round(heapGrowthMb));
            result.put("diskBytesPerEntry", entries == 0 ? 0 : disk / entries);
            result.put("lookupP50Us", lookups[0]);
            result.put("lookupP99Us", lookups[1]);
            System.out.printf("ledger: entries=%d restoreNewOwnerS=%s restartS=%s heapMB=%s diskBytesPerEntry=%d "
                            + "lookupP99Us=%d%n", entries, result.get("restoreNewOwnerS"), result.get("restartS"),
                    result.get("heapMB"), result.get("diskBytesPerEntry"), lookups[1]);
            System.out.printf("ledger: entries=%d restoreNewOwnerCpuS=%s heapGrowthMB=%s lookupP50Us=%d (this process, "
                    + "all threads; load average %.1f)%n", entries, result.get("restoreNewOwnerCpuS"),
                    result.get("heapGrowthMB"), lookups[0],
                    ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            return result;
        } finally {
            delete(stores);
        }
    }

    /** All partitions at once, one restore thread each, as a worker given them all does. */
    private static List<LedgerIndex> restoreAll(LedgerRestorer restorer) {
        ExecutorService threads = Executors.newFixedThreadPool(PARTITIONS);
        try {
            List<CompletableFuture<LedgerIndex>> restores = new ArrayList<>();
            for (int p = 0; p < PARTITIONS; p++) {
                int partition = p;
                restores.add(CompletableFuture.supplyAsync(() -> restorer.restore(partition), threads));
            }
            return restores.stream().map(CompletableFuture::join).toList();
        } finally {
            threads.shutdown();
        }
    }

    /** p50 and p99 in microseconds of looking up random known requestIds, as a duplicate does. */
    private static long[] lookups(List<LedgerIndex> indexes, String prefix, int entries) {
        Random random = new Random(7);
        int count = Math.min(100_000, entries);
        long[] micros = new long[count];
        for (int warm = 0; warm < 2; warm++) {
            for (int i = 0; i < count; i++) {
                RequestId requestId = new RequestId(prefix + "-" + random.nextInt(entries));
                long start = System.nanoTime();
                boolean found = indexes.get(CommandRecords.partitionOf(requestId, PARTITIONS)).get(requestId)
                        .isPresent();
                micros[i] = (System.nanoTime() - start) / 1_000;
                if (!found) {
                    throw new IllegalStateException(requestId + " is missing from the restored ledger");
                }
            }
        }
        Arrays.sort(micros);
        return new long[] {micros[count / 2], micros[(int) (count * 0.99)]};
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** Heap in use after a full collection: what the restored indexes hold. */
    private static long usedHeap() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static long diskBytes(Path directory) throws IOException {
        try (Stream<Path> files = Files.walk(directory)) {
            return files.filter(Files::isRegularFile).mapToLong(file -> file.toFile().length()).sum();
        }
    }

    private static void delete(Path directory) throws IOException {
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    private static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }
}
