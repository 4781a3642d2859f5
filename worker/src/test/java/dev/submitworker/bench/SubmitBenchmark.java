package dev.submitworker.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.submitworker.compile.BuiltJob;
import dev.submitworker.compile.JarJobBuilder;
import dev.submitworker.core.RequestId;
import dev.submitworker.compile.SqlJobBuilder;
import dev.submitworker.compile.TaskCompiler;
import dev.submitworker.catalog.DirectoryTaskCatalog;
import dev.submitworker.core.Task;
import dev.submitworker.testing.SharedInfrastructure;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.flink.client.deployment.StandaloneClusterId;
import org.apache.flink.client.program.rest.RestClusterClient;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.runtime.client.JobStatusMessage;

/**
 * {@code make bench}: the worker against the floor (the same builder and Flink's RestClusterClient, in-process, no
 * Kafka, no ledger) and a peer (Flink's SQL Gateway), on N distinct bounded SQL jobs (datagen → blackhole, distinct
 * table names), all on one embedded broker and one MiniCluster in this JVM. Also duplicates, cold start and memory.
 * Every route checks that its jobs are on the cluster, by JobID; a route with jobs missing reports failure, no time.
 * Prints a table and writes target/bench/results.json. See BENCHMARKS.md for the method.
 */
public final class SubmitBenchmark {

    private static final Path OUT = Path.of("target", "bench");
    private static final int TASK_ID = 1;
    private static final Duration ANSWER_TIMEOUT = Duration.ofMinutes(5);

    private final int n;
    private final int duplicates;
    private final int duplicatesRate = Integer.getInteger("bench.duplicatesRate", 5_000);
    private final int warmUp;
    private final List<String> workerJvm = List.of(System.getProperty("bench.worker.jvm",
            "-Xms1g -Xmx1g -XX:+AlwaysPreTouch -XX:TieredStopAtLevel=1 -XX:+UseParallelGC").trim().split("\\s+"));
    private final String workerClasspath = System.getProperty("bench.worker.classpath",
            System.getProperty("java.class.path"));
    /** Extra --key=value arguments for the measured worker (experiments; empty = its default configuration). */
    private final List<String> workerArgs = List.of(System.getProperty("bench.worker.args", "").trim().split("\\s+"))
            .stream().filter(arg -> !arg.isEmpty()).toList();
    private final String run = Long.toString(System.currentTimeMillis() % 1_000_000, 36);

    private String bootstrap;
    private URI flinkRest;
    private RestClusterClient<StandaloneClusterId> flink;
    private Path catalog;
    private final List<Stats> stats = new ArrayList<>();
    private final Map<String, Object> results = new LinkedHashMap<>();

    SubmitBenchmark(int n, int duplicates, int warmUp) {
        this.n = n;
        this.duplicates = duplicates;
        this.warmUp = warmUp;
    }

    public static void main(String[] args) {
        int status = 0;
        try {
            new SubmitBenchmark(Integer.getInteger("bench.n", 200), Integer.getInteger("bench.duplicates", 10_000),
                    Integer.getInteger("bench.warmup", 10)).run();
        } catch (Exception e) {
            e.printStackTrace();
            status = 1;
        }
        // the broker, MiniCluster and gateway leave non-daemon threads behind: end the JVM either way
        System.exit(status);
    }

    private void setUp() throws Exception {
        Files.createDirectories(OUT);
        catalog = writeCatalog(OUT);
        log("starting the embedded broker and MiniCluster");
        bootstrap = SharedInfrastructure.kafkaBootstrap();
        flinkRest = SharedInfrastructure.flinkRestAddress();
        flink = restClient(flinkRest);
    }

    /** The in-JVM routes only (floor, SQL Gateway), for the smoke test of make test: no worker process, no timing. */
    List<Stats> inJvmRoutes() throws Exception {
        setUp();
        try {
            floor();
            sqlGateway();
            return List.copyOf(stats);
        } finally {
            flink.close();
        }
    }

    private void run() throws Exception {
        long benchStart = System.nanoTime();
        setUp();
        results.put("n", n);
        results.put("date", Instant.now().toString());
        results.put("machine", Map.of("cores", Runtime.getRuntime().availableProcessors(),
                "java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
                "os", System.getProperty("os.name") + " " + System.getProperty("os.version")));
        results.put("benchJvmFlags", ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(arg -> !arg.startsWith("-Dbench.worker.classpath")).toList());
        results.put("workerJvmFlags", workerJvm);
        results.put("workerArgs", workerArgs);

        floor();
        sqlGateway();
        Map<String, Object> coldStart = coldStart();
        worker();
        results.put("coldStart", coldStart);
        results.put("routes", stats.stream().map(Stats::toJson).toList());
        results.put("ratios", ratios());
        results.put("benchWallSeconds", Stats.round((System.nanoTime() - benchStart) / 1e9));
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(OUT.resolve("results.json").toFile(),
                results);
        printTable();
        flink.close();
    }

    // ---- the jobs -------------------------------------------------------------------------------------------------

    /** One task with the table names as variables: every job gets tables no other job has used. */
    /** The benchmark's one task, its table names variables, in {@code <out>/tasks}; returns that directory. */
    static Path writeCatalog(Path out) throws Exception {
        Path dir = out.resolve("tasks");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("1-bench.yaml"), """
                id: 1
                name: bench-job
                dialect: FlinkSql
                type: standalone
                cluster: bench
                parallelism: 1
                variables: { src: null, snk: null }
                statement: |
                %s""".formatted(indent(sql("${src}", "${snk}"))));
        return dir.toAbsolutePath();
    }

    private static String indent(String sql) {
        return sql.lines().map(line -> "  " + line).collect(Collectors.joining("\n")) + "\n";
    }

    static String sql(String src, String snk) {
        return String.join("\n", ddl(src, snk)) + "\n" + insert(src, snk) + ";\n";
    }

    static List<String> ddl(String src, String snk) {
        return List.of(
                "CREATE TEMPORARY TABLE " + src + " (id BIGINT, note STRING) WITH ('connector' = 'datagen', "
                        + "'number-of-rows' = '5', 'fields.note.length' = '3');",
                "CREATE TEMPORARY TABLE " + snk + " (id BIGINT, note STRING) WITH ('connector' = 'blackhole');");
    }

    static String insert(String src, String snk) {
        return "INSERT INTO " + snk + " SELECT id, UPPER(note) FROM " + src;
    }

    static Map<String, String> tables(String route, int i) {
        return Map.of("src", route + "_src_" + i, "snk", route + "_snk_" + i);
    }

    // ---- floor ----------------------------------------------------------------------------------------------------

    private void floor() throws Exception {
        Task task = DirectoryTaskCatalog.load(catalog).find(TASK_ID).orElseThrow();
        TaskCompiler compiler = new TaskCompiler(new SqlJobBuilder(),
                new JarJobBuilder(OUT.resolve("jars").toAbsolutePath()), null);
        RestClusterClient<StandaloneClusterId> client = restClient(flinkRest);
        log("floor: warm-up (%d jobs)", warmUp);
        long warm = System.nanoTime();
        floorRun(compiler, client, task, "fw" + run, warmUp, 1);
        results.put("benchPlannerWarmUpMs", Stats.round((System.nanoTime() - warm) / 1e6));
        for (int c : new int[] {1, 2}) {
            log("floor: c=%d, %d jobs", c, n);
            stats.add(floorRun(compiler, client, task, "f" + c + run, n, c));
        }
        client.close();
    }

    private Stats floorRun(TaskCompiler compiler, RestClusterClient<StandaloneClusterId> client, Task task,
                           String route, int count, int concurrency) throws Exception {
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        List<String> requestIds = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            requestIds.add(route + "-" + i);
        }
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        long start = System.nanoTime();
        List<Future<?>> workers = new ArrayList<>();
        for (int t = 0; t < concurrency; t++) {
            workers.add(pool.submit(() -> {
                for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                    long t0 = System.nanoTime();
                    BuiltJob job = compiler.compile(task, requestIds.get(i), null, tables(route, i));
                    client.submitJob(job.jobGraph()).get(60, TimeUnit.SECONDS);
                    latencies.add(System.nanoTime() - t0);
                }
                return null;
            }));
        }
        for (Future<?> worker : workers) {
            worker.get();
        }
        long wall = System.nanoTime() - start;
        pool.shutdown();
        return Stats.of("floor", String.valueOf(concurrency), count, jobsSeen(requestIdsToJobIds(requestIds)), wall,
                latencies);
    }

    // ---- peer: SQL Gateway ----------------------------------------------------------------------------------------

    private void sqlGateway() throws Exception {
        log("sql-gateway: starting");
        try (SqlGatewayPeer gateway = SqlGatewayPeer.start(flinkRest)) {
            gatewayRun(gateway, "gw" + run, warmUp, 2);
            for (int sessions : new int[] {1, 2}) {
                log("sql-gateway: %d session(s), %d jobs", sessions, n);
                stats.add(gatewayRun(gateway, "g" + sessions + run, n, sessions));
            }
        }
    }

    private Stats gatewayRun(SqlGatewayPeer gateway, String route, int count, int sessions) throws Exception {
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        Set<String> jobIds = Collections.synchronizedSet(new java.util.HashSet<>());
        List<SqlGatewayPeer.Session> opened = new ArrayList<>();
        for (int s = 0; s < sessions; s++) {
            opened.add(gateway.openSession());
        }
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(sessions);
        long start = System.nanoTime();
        List<Future<?>> workers = new ArrayList<>();
        for (SqlGatewayPeer.Session session : opened) {
            workers.add(pool.submit(() -> {
                for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                    Map<String, String> t = tables(route, i);
                    long t0 = System.nanoTime();
                    for (String ddl : ddl(t.get("src"), t.get("snk"))) {
                        session.execute(ddl);
                    }
                    String jobId = session.execute(insert(t.get("src"), t.get("snk")));
                    latencies.add(System.nanoTime() - t0);
                    if (jobId != null) {
                        jobIds.add(jobId);
                    }
                }
                return null;
            }));
        }
        for (Future<?> worker : workers) {
            worker.get();
        }
        long wall = System.nanoTime() - start;
        pool.shutdown();
        for (SqlGatewayPeer.Session session : opened) {
            session.close();
        }
        return Stats.of("sql-gateway", String.valueOf(sessions), count, jobsSeen(jobIds), wall, latencies);
    }

    // ---- worker ---------------------------------------------------------------------------------------------------

    private void worker() throws Exception {
        String prefix = "bench-w" + run;
        log("worker: starting the worker process (default configuration)");
        try (BenchWorker worker = BenchWorker.start(prefix, bootstrap, flinkRest.toString(), catalog, workerJvm,
                workerClasspath, workerArgs, OUT)) {
            worker.awaitReady(Duration.ofMinutes(3));
            closedLoop(worker, "ww" + run, warmUp);
            log("worker: one command at a time, %d commands", n);
            List<String> sequential = closedLoop(worker, "w1" + run, n);
            Map<String, Object> memory = new LinkedHashMap<>();
            memory.put("after" + (n + warmUp), worker.memoryAfterGc());
            log("worker: burst of %d commands (listener concurrency 2, the default)", n);
            List<String> burst = burst(worker, "w2" + run, n, "worker", "2 (burst)");
            duplicates(worker, sequential);
            int total = n + warmUp + n;
            int target = 5 * n;
            if (total < target) {
                log("worker: %d more submissions for the memory figure", target - total);
                burst(worker, "wm" + run, target - total, null, null);
                total = target;
            }
            memory.put("after" + total, worker.memoryAfterGc());
            memory.put("submissionsAtFirstMark", n + warmUp);
            memory.put("submissionsAtSecondMark", total);
            double first = ((Map<String, Double>) memory.get("after" + (n + warmUp))).get("metaspaceUsedMb");
            double second = ((Map<String, Double>) memory.get("after" + total)).get("metaspaceUsedMb");
            memory.put("metaspaceGrowthPct", Stats.round((second - first) / first * 100));
            results.put("memory", memory);
            results.put("workerLog", worker.log().toString());
        }
    }

    /** One command in flight: send, wait for its answer, send the next. */
    private List<String> closedLoop(BenchWorker worker, String route, int count) throws Exception {
        List<Long> latencies = new ArrayList<>();
        List<Long> inWorker = new ArrayList<>();
        List<String> requestIds = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            String requestId = route + "-" + i;
            requestIds.add(requestId);
            BenchWorker.Answer answer = worker.send(requestId, TASK_ID, tables(route, i))
                    .get(ANSWER_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            if (answer.code() == 0) {
                latencies.add(answer.latencyNanos());
                inWorker.add((long) (answer.inWorkerMs() * 1e6));
            }
        }
        long wall = System.nanoTime() - start;
        if (count == n) {
            // how much of the end-to-end latency is the submission itself (compile, submit, status read)
            Stats submission = Stats.of("in-worker", "1", count, count, wall, inWorker);
            results.put("workerOneInFlightInWorkerSubmissionMs", Map.of("p50", Stats.round(submission.percentile(50)),
                    "p90", Stats.round(submission.percentile(90)), "p99", Stats.round(submission.percentile(99))));
            stats.add(Stats.of("worker", "1 (one in flight)", count, jobsSeen(requestIdsToJobIds(requestIds)), wall,
                    latencies));
        }
        return requestIds;
    }

    /** All commands produced at once; wall time until the last answer. Latency includes the queueing. */
    private List<String> burst(BenchWorker worker, String route, int count, String name, String concurrency)
            throws Exception {
        List<String> requestIds = new ArrayList<>();
        List<CompletableFuture<BenchWorker.Answer>> answers = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            String requestId = route + "-" + i;
            requestIds.add(requestId);
            answers.add(worker.send(requestId, TASK_ID, tables(route, i)));
        }
        CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new))
                .get(ANSWER_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        long wall = answers.stream().mapToLong(a -> a.join().receivedNanos()).max().orElse(start) - start;
        List<Long> latencies = answers.stream().map(CompletableFuture::join).filter(a -> a.code() == 0)
                .map(BenchWorker.Answer::latencyNanos).toList();
        if (name != null) {
            stats.add(Stats.of(name, concurrency, count, jobsSeen(requestIdsToJobIds(requestIds)), wall, latencies));
        }
        return requestIds;
    }

    /**
     * Already-answered requestIds sent again: all at once for the rate the worker can answer (latency there is
     * queueing: the last of 10,000 waits for the 9,999 before it), then as many offered at a fixed rate
     * ({@code bench.duplicatesRate}, default 5,000/s: the target) for the latency at that rate, then 200 one at a
     * time for the bare latency.
     */
    private void duplicates(BenchWorker worker, List<String> answered) throws Exception {
        int jobsBefore = flink.listJobs().get(60, TimeUnit.SECONDS).size();
        log("duplicates: burst of %d duplicates of %d answered requestIds", duplicates, answered.size());
        DuplicateRun burst = sendDuplicates(worker, answered, duplicates, 0, "burst");
        log("duplicates: %d offered at %d/s", duplicates, duplicatesRate);
        DuplicateRun paced = sendDuplicates(worker, answered, duplicates, duplicatesRate,
                "offered " + duplicatesRate + "/s");
        int sequentialCount = Math.min(200, duplicates);
        log("duplicates: %d one at a time", sequentialCount);
        List<Long> sequential = new ArrayList<>();
        for (int i = 0; i < sequentialCount; i++) {
            int k = i % answered.size();
            sequential.add(worker.send(answered.get(k), TASK_ID, tables("w1" + run, k))
                    .get(ANSWER_TIMEOUT.toSeconds(), TimeUnit.SECONDS).latencyNanos());
        }
        Stats oneAtATime = Stats.of("duplicates", "1 (one in flight)", sequentialCount, sequentialCount, 0,
                sequential);
        int newJobs = flink.listJobs().get(60, TimeUnit.SECONDS).size() - jobsBefore;
        // a duplicate must reach no cluster and be flagged: otherwise the route failed, whatever its speed
        boolean correct = newJobs == 0 && burst.flagged() == duplicates && paced.flagged() == duplicates;
        for (DuplicateRun r : List.of(burst, paced)) {
            stats.add(Stats.of("duplicates", r.label(), duplicates, correct ? duplicates : 0, r.wallNanos(),
                    r.latencies()));
        }
        Stats burstStats = find("duplicates", burst.label());
        Stats pacedStats = find("duplicates", paced.label());
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("sent", 2 * duplicates + sequentialCount);
        json.put("flaggedDuplicate", burst.flagged() + paced.flagged() + sequentialCount);
        json.put("newJobsOnCluster", newJobs);
        // the capacity: answers per second when all are waiting
        json.put("answersPerSec", Stats.round(burstStats.throughput()));
        // the latency at the target rate
        json.put("offeredPerSec", duplicatesRate);
        json.put("p50Ms", Stats.round(pacedStats.percentile(50)));
        json.put("p90Ms", Stats.round(pacedStats.percentile(90)));
        json.put("p99Ms", Stats.round(pacedStats.percentile(99)));
        json.put("pacedAnswersPerSec", Stats.round(pacedStats.throughput()));
        json.put("burstP50Ms", Stats.round(burstStats.percentile(50)));
        json.put("burstP99Ms", Stats.round(burstStats.percentile(99)));
        json.put("oneInFlightP50Ms", Stats.round(oneAtATime.percentile(50)));
        json.put("oneInFlightP99Ms", Stats.round(oneAtATime.percentile(99)));
        results.put("duplicates", json);
    }

    private record DuplicateRun(String label, long wallNanos, List<Long> latencies, long flagged) {}

    /** Sends {@code count} duplicates, all at once ({@code perSecond} 0) or each at its due time, and awaits them. */
    private DuplicateRun sendDuplicates(BenchWorker worker, List<String> answered, int count, int perSecond,
                                        String label) throws Exception {
        List<CompletableFuture<BenchWorker.Answer>> answers = new ArrayList<>(count);
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            if (perSecond > 0) {
                long due = start + i * 1_000_000_000L / perSecond;
                for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
                    LockSupport.parkNanos(wait);
                }
            }
            int k = i % answered.size();
            answers.add(worker.sendLingering(answered.get(k), TASK_ID, tables("w1" + run, k)));
        }
        CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new))
                .get(ANSWER_TIMEOUT.toSeconds() * 4, TimeUnit.SECONDS);
        List<BenchWorker.Answer> done = answers.stream().map(CompletableFuture::join).toList();
        long wall = done.stream().mapToLong(BenchWorker.Answer::receivedNanos).max().orElse(start) - start;
        long flagged = done.stream().filter(BenchWorker.Answer::duplicate).count();
        return new DuplicateRun(label, wall, done.stream().map(BenchWorker.Answer::latencyNanos).toList(), flagged);
    }

    // ---- cold start -----------------------------------------------------------------------------------------------

    private Map<String, Object> coldStart() throws Exception {
        Map<String, Object> json = new LinkedHashMap<>();
        for (String mode : new String[] {"off", "before-listener", "parallel"}) {
            log("cold start: --worker.warm-up=%s", mode);
            String prefix = "bench-cold-" + mode + "-" + run;
            try (BenchWorker worker = BenchWorker.start(prefix, bootstrap, flinkRest.toString(), catalog, workerJvm,
                    workerClasspath, List.of("--worker.warm-up=" + mode), OUT)) {
                long ready = worker.awaitReady(Duration.ofMinutes(3));
                String requestId = prefix + "-first";
                BenchWorker.Answer answer = worker.send(requestId, TASK_ID, tables("c" + mode.charAt(0) + run, 0))
                        .get(ANSWER_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                Map<String, Object> figures = new LinkedHashMap<>();
                figures.put("startToReadyMs", Stats.round(ready / 1e6));
                figures.put("firstCommandLatencyMs", Stats.round(answer.latencyNanos() / 1e6));
                figures.put("startToFirstEnvelopeMs",
                        Stats.round((answer.receivedNanos() - worker.startedNanos()) / 1e6));
                figures.put("firstAnswerCode", answer.code());
                figures.put("jobOnCluster", jobsSeen(Set.of(new RequestId(requestId).jobId())) == 1);
                json.put(mode, figures);
            }
        }
        return json;
    }

    // ---- checks, ratios, output -----------------------------------------------------------------------------------

    private static Set<String> requestIdsToJobIds(List<String> requestIds) {
        return requestIds.stream().map(id -> new RequestId(id).jobId()).collect(Collectors.toSet());
    }

    /** How many of these jobs the cluster lists: the proof that a route really submitted them. */
    private int jobsSeen(Set<String> expectedJobIds) throws Exception {
        Set<String> listed = flink.listJobs().get(60, TimeUnit.SECONDS).stream()
                .map(JobStatusMessage::getJobId).map(Object::toString).collect(Collectors.toSet());
        return (int) expectedJobIds.stream().filter(listed::contains).count();
    }

    private Map<String, Object> ratios() {
        Map<String, Object> ratios = new LinkedHashMap<>();
        double workerBest = best("worker");
        ratios.put("workerBestThroughput", Stats.round(workerBest));
        ratios.put("floorBestThroughput", Stats.round(best("floor")));
        ratios.put("sqlGatewayBestThroughput", Stats.round(best("sql-gateway")));
        ratios.put("workerVsFloorThroughput", Stats.round(workerBest / best("floor")));
        ratios.put("workerVsSqlGatewayThroughput", Stats.round(workerBest / best("sql-gateway")));
        double workerP50 = find("worker", "1 (one in flight)").percentile(50);
        double floorP50 = find("floor", "1").percentile(50);
        ratios.put("workerVsFloorP50", Stats.round(workerP50 / floorP50));
        return ratios;
    }

    private double best(String route) {
        return stats.stream().filter(s -> s.route().equals(route)).mapToDouble(Stats::throughput)
                .filter(t -> !Double.isNaN(t)).max().orElse(Double.NaN);
    }

    private Stats find(String route, String concurrency) {
        return stats.stream().filter(s -> s.route().equals(route) && s.concurrency().equals(concurrency))
                .findFirst().orElseThrow();
    }

    private void printTable() {
        StringBuilder out = new StringBuilder();
        out.append(String.format("%nsubmit-worker bench, N=%d, %s%n", n, results.get("date")));
        out.append(String.format("%-12s %-18s %5s %6s %9s %8s %8s %8s %8s  %s%n", "route", "concurrency", "n",
                "jobs", "wall s", "per s", "p50 ms", "p90 ms", "p99 ms", "status"));
        for (Stats s : stats) {
            out.append(String.format("%-12s %-18s %5d %6d %9.1f %8.2f %8.1f %8.1f %8.1f  %s%n", s.route(),
                    s.concurrency(), s.n(), s.jobsSeen(), s.wallMs() / 1000, s.throughput(), s.percentile(50),
                    s.percentile(90), s.percentile(99), s.ok() ? "ok" : "FAILED: " + s.failure()));
        }
        out.append("ratios     : ").append(results.get("ratios")).append('\n');
        out.append("duplicates : ").append(results.get("duplicates")).append('\n');
        out.append("cold start : ").append(results.get("coldStart")).append('\n');
        out.append("memory     : ").append(results.get("memory")).append('\n');
        out.append("results    : ").append(OUT.resolve("results.json").toAbsolutePath()).append('\n');
        System.out.print(out);
    }

    private static RestClusterClient<StandaloneClusterId> restClient(URI address) throws Exception {
        Configuration configuration = new Configuration();
        configuration.set(RestOptions.ADDRESS, address.getHost());
        configuration.set(RestOptions.PORT, address.getPort());
        return new RestClusterClient<>(configuration, StandaloneClusterId.getInstance());
    }

    private static void log(String format, Object... args) {
        System.out.printf("[bench %s] %s%n", java.time.LocalTime.now().withNano(0), String.format(format, args));
    }
}
