package dev.submitworker.core.fake;

import dev.submitworker.core.Engine;
import dev.submitworker.core.Incoming;
import dev.submitworker.core.ReplyAddress;
import dev.submitworker.core.RequestId;
import dev.submitworker.core.SubmitCommand;
import dev.submitworker.core.port.Telemetry;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The engine over in-memory fakes of every port: a whole worker in a unit test, with a clock the test moves. One
 * commands partition (0) is open unless a test opens more; every record gets the next position of its partition.
 */
public final class World implements AutoCloseable {

    public static final Duration DEADLINE = Duration.ofMinutes(3);
    public static final Duration BACKOFF = Duration.ofSeconds(1);
    public static final Duration STATUS_INTERVAL = Duration.ofSeconds(1);
    public static final Duration LOST_AFTER = Duration.ofMinutes(10);

    public final MutableClock clock = new MutableClock();
    public final FakeUnitOfWork unitOfWork = new FakeUnitOfWork();
    public final FakeCatalog catalog = new FakeCatalog();
    public final FakeCompiler compiler = new FakeCompiler();
    public final FakeClusters clusters = new FakeClusters();
    public final FakeAnswers answers = new FakeAnswers(unitOfWork);
    public final FakeIntake intake = new FakeIntake(unitOfWork);
    public final FakeStatusEvents statusEvents = new FakeStatusEvents(unitOfWork);
    public final FakeCluster session = clusters.add("session");
    private final Map<Integer, FakeLedger> ledgers = new HashMap<>();
    private final Map<Integer, Long> offsets = new HashMap<>();
    /** Submissions at once, as the worker's default {@code worker.submissions.threads}. */
    public static final int SUBMISSION_THREADS = 4;

    private final ExecutorService executor = Executors.newFixedThreadPool(SUBMISSION_THREADS, runnable -> {
        Thread thread = new Thread(runnable, "submission");
        thread.setDaemon(true);
        return thread;
    });
    private final ExecutorService observers = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "observer");
        thread.setDaemon(true);
        return thread;
    });
    public final Engine engine;

    public World() {
        this(Duration.ofSeconds(5));
    }

    /** @param maxHold how long a round waits for its submissions */
    public World(Duration maxHold) {
        engine = new Engine(new Engine.Ports(catalog, compiler, clusters, answers, intake, statusEvents, unitOfWork,
                retry -> BACKOFF.multipliedBy(1L << Math.min(retry - 1, 4)), text -> text, Telemetry.NONE),
                new Engine.Settings(maxHold, DEADLINE, 3, STATUS_INTERVAL, LOST_AFTER), clock, executor, observers,
                () -> {});
        catalog.add(1, "session");
        open(0);
    }

    public FakeLedger open(int partition) {
        FakeLedger ledger = ledgers.computeIfAbsent(partition, p -> new FakeLedger(unitOfWork));
        engine.open(partition, ledger);
        return ledger;
    }

    public FakeLedger ledger(int partition) {
        return ledgers.get(partition);
    }

    public Incoming submit(String requestId, int taskId) {
        return submit(0, new SubmitCommand(new RequestId(requestId), taskId, null, null));
    }

    public Incoming submit(int partition, SubmitCommand command) {
        return record(partition, new Incoming.Command(command));
    }

    public Incoming record(int partition, Incoming.Parsed parsed) {
        long offset = offsets.merge(partition, 1L, Long::sum) - 1;
        return new Incoming(partition, offset, parsed, null);
    }

    /** The same record, its sender asking for a reply on {@code destination} too. */
    public static Incoming replyingTo(Incoming record, String destination) {
        return new Incoming(record.partition(), record.offset(), record.parsed(),
                new ReplyAddress(destination, null, destination.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    /** The same record read again (after a round that failed). */
    public static Incoming again(Incoming record) {
        return new Incoming(record.partition(), record.offset(), record.parsed(), record.replyTo());
    }

    /** A round of these records, then a round of the restarts it passed on, and so on until none is passed on. */
    public void round(Incoming... records) {
        engine.round(List.of(records));
        for (List<Incoming> passed = intake.takePassedOn(); !passed.isEmpty(); passed = intake.takePassedOn()) {
            engine.round(passed.stream().map(record -> new Incoming(record.partition(),
                    offsets.merge(record.partition(), 1L, Long::sum) - 1, record.parsed(), record.replyTo())).toList());
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
        observers.shutdownNow();
    }
}
