package dev.submitworker.core;

import dev.submitworker.core.port.Answers;
import dev.submitworker.core.port.Clusters;
import dev.submitworker.core.port.Intake;
import dev.submitworker.core.port.JobCompiler;
import dev.submitworker.core.port.Ledger;
import dev.submitworker.core.port.Redaction;
import dev.submitworker.core.port.RefusedException;
import dev.submitworker.core.port.RetryPolicy;
import dev.submitworker.core.port.StatusEvents;
import dev.submitworker.core.port.TaskCatalog;
import dev.submitworker.core.port.Telemetry;
import dev.submitworker.core.port.UnitOfWork;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out the {@link Decisions} for the commands partitions one consumer owns, in rounds: each round takes the
 * commands of one poll, answers what can be answered at once (duplicates, conflicts, invalid commands), starts the
 * submissions, waits for them at most {@code maxHold}, and writes everything in one unit of work together with the
 * commands' positions. A submission that takes longer is handed off: a PENDING entry in the same unit of work makes
 * it the ledger's, its command's position moves on, and its answer is written by a later round when it ends. So one
 * slow command (a jar whose main takes minutes, a JobManager that does not answer) holds back nothing but itself.
 *
 * <p>A submission whose cluster cannot be reached waits (PENDING) and is tried again after a backoff until its
 * deadline; while a cluster is down one waiting request at a time tries it ({@link ClusterHealth}). Every write goes
 * through the unit of work, which commits only while this consumer owns its partitions: a round never answers for a
 * partition that has moved on. Single-threaded: every method is called from the consumer's thread; submissions run on
 * the executor and wake the consumer when they end.
 */
public final class Engine {

    private static final Logger log = LoggerFactory.getLogger(Engine.class);

    /**
     * @param maxHold           how long a round waits for the submissions it started before handing them off
     * @param retryDeadline     how long after its cluster was first unreachable a request is answered with "gave up"
     * @param attemptsPerRecord how often a record whose handling fails unexpectedly is tried before it is
     *                          dead-lettered
     * @param statusInterval    how often each cluster is asked about the jobs followed on it
     * @param statusLostAfter   how long a followed job's cluster may stay unreachable before it is given up
     */
    public record Settings(Duration maxHold, Duration retryDeadline, int attemptsPerRecord, Duration statusInterval,
                           Duration statusLostAfter) {}

    public record Ports(TaskCatalog catalog, JobCompiler compiler, Clusters clusters, Answers answers, Intake intake,
                        StatusEvents statusEvents, UnitOfWork unitOfWork, RetryPolicy retries, Redaction redaction,
                        Telemetry telemetry) {}

    /**
     * What the engine holds, as of its last round or observation, for health and metrics on other threads.
     *
     * @param parked    requests waiting for another try, by cluster entry
     * @param reachable the cluster entries requests have tried, each with whether it was reachable at the last try
     * @param followed  the jobs it follows to their end
     */
    public record Snapshot(Map<String, Integer> parked, Map<String, Boolean> reachable, int followed) {

        public static final Snapshot EMPTY = new Snapshot(Map.of(), Map.of(), 0);
    }

    /** A round failed and wrote nothing; its commands are read again (the blamed one, if any, is counted). */
    public static final class RoundFailedException extends RuntimeException {

        private final transient Incoming blamed;

        RoundFailedException(Throwable cause, Incoming blamed) {
            super("Handling " + (blamed == null ? "a batch of commands" : blamed) + " failed: " + cause, cause);
            this.blamed = blamed;
        }

        /** The record whose handling failed, or null when the failure was not its (Kafka was unavailable). */
        public Incoming blamed() {
            return blamed;
        }
    }

    private final Ports ports;
    private final Settings settings;
    private final Clock clock;
    private final Executor executor;
    private final Runnable wakeUp;
    private final Attempt attempt;
    private final Follower follower;
    private final ClusterHealth health = new ClusterHealth();
    private final Map<Integer, Ledger> ledgers = new HashMap<>();
    /** Submissions under way, or ended and not yet written. */
    private final Map<RequestId, Flight> flights = new LinkedHashMap<>();
    /** PENDING requests waiting for their next try. */
    private final Map<RequestId, Waiting> waiting = new LinkedHashMap<>();
    /** How often the handling of a record (by its position) or the writing of a flight has failed, and how. */
    private final Map<Object, Failure> failures = new HashMap<>();
    /** Where the senders of requests not answered yet want their answers besides the results topic. */
    private final Map<RequestId, List<PendingReply>> replies = new HashMap<>();

    private record Failure(int count, Throwable last) {}

    /** A sender's reply address, and whether its command was a duplicate (its reply is flagged as one). */
    private record PendingReply(ReplyAddress to, boolean duplicate) {}

    /** What this round reports once it has committed. */
    private final List<Consumer<Telemetry>> reports = new ArrayList<>();
    private volatile Snapshot snapshot = Snapshot.EMPTY;

    /**
     * @param executor  runs the submissions
     * @param observers asks the clusters about the followed jobs: not the submissions' threads, behind whose queue of
     *                  compiles a busy stream of commands would hold every status event back
     * @param wakeUp    called from a submission's or an observation's thread when it ends, so the consumer does not
     *                  wait out its poll
     */
    public Engine(Ports ports, Settings settings, Clock clock, Executor executor, Executor observers,
                  Runnable wakeUp) {
        this.ports = ports;
        this.settings = settings;
        this.clock = clock;
        this.executor = executor;
        this.wakeUp = wakeUp;
        this.attempt = new Attempt(ports.clusters(), ports.compiler(), ports.redaction(), ports.telemetry(), clock);
        this.follower = new Follower(ports.clusters(), ports.statusEvents(), ports.unitOfWork(), ports.retries(),
                ports.redaction(), ports.telemetry(), clock, observers, wakeUp,
                new Follower.Settings(settings.statusInterval(), settings.statusLostAfter()));
    }

    /** A partition this consumer now owns, its ledger restored: its PENDING requests are taken up again. */
    public void open(int partition, Ledger ledger) {
        ledgers.put(partition, ledger);
        Instant now = clock.instant();
        for (LedgerEntry entry : ledger.pending()) {
            waiting.put(entry.requestId(), new Waiting(partition, entry.requestId(), null, now, 0));
        }
        follower.open(partition, ledger);
    }

    /**
     * A partition this consumer no longer owns: what it had under way for it is dropped without a word (submissions
     * still running end unseen); its new owner finishes the requests from the ledger.
     */
    public void close(int partition) {
        ledgers.remove(partition);
        // a record's failed tries count while this consumer owns it: an owner that gets it back starts again
        failures.keySet().removeIf(key -> key instanceof String record && record.startsWith(partition + "@"));
        flights.values().removeIf(flight -> {
            if (flight.partition != partition) {
                return false;
            }
            health.gaveUpTrying(flight.target.entry(), flight.command.requestId());
            return true;
        });
        waiting.values().removeIf(w -> w.partition == partition);
        // replies are this process's: a request answered by the partition's next owner is answered on the results
        // topic only
        replies.keySet().removeIf(requestId -> !flights.containsKey(requestId) && !waiting.containsKey(requestId));
        follower.close(partition);
    }

    /** The partitions this consumer owns and has opened. */
    public Set<Integer> partitions() {
        return Set.copyOf(ledgers.keySet());
    }

    /** Whether submissions of these partitions are under way. */
    public boolean busy(Set<Integer> partitions) {
        return flights.values().stream().anyMatch(flight -> partitions.contains(flight.partition));
    }

    /** When the next waiting request or status observation is due, if any: the consumer should not poll longer. */
    public Optional<Instant> nextDue() {
        Optional<Instant> retry = waiting.values().stream().map(w -> w.due).min(Comparator.naturalOrder());
        Optional<Instant> follow = follower.due();
        return retry.isEmpty() ? follow : follow.isEmpty() ? retry
                : Optional.of(retry.get().isBefore(follow.get()) ? retry.get() : follow.get());
    }

    /** The jobs followed to their end for these partitions. */
    public int followed() {
        return follower.size();
    }

    /**
     * Publishes what changed of the followed jobs' status, in a unit of work of its own: a status topic that cannot
     * be written holds back the events, not the commands.
     */
    public void follow() {
        follower.follow(ledgers);
        takeSnapshot();
    }

    /** What it holds as of its last round or observation; safe to call from any thread. */
    public Snapshot snapshot() {
        return snapshot;
    }

    private void takeSnapshot() {
        Map<String, Integer> parked = new HashMap<>();
        waiting.values().stream().filter(w -> w.cluster != null).forEach(w -> parked.merge(w.cluster, 1, Integer::sum));
        snapshot = new Snapshot(Map.copyOf(parked), health.reachable(), follower.size());
    }

    /**
     * One round: the given commands, in order, then the waiting requests that are due, then the submissions that
     * ended; all written in one unit of work.
     *
     * @param hold how long to wait for submissions of these partitions that are under way (this round's, or, when
     *             a partition is about to be given up, all of them)
     * @throws RoundFailedException nothing of the round was written; read its commands again
     */
    public void round(List<Incoming> records, Duration hold, Set<Integer> holdFor) {
        Round round = new Round();
        try {
            Instant start = clock.instant();
            for (Incoming record : records) {
                round.current = record;
                ports.unitOfWork().attribute(record);
                accept(round, record, start);
                round.handled.add(blameKey(record));
            }
            round.current = null;
            startDue(round, start);
            awaitFlights(round, start.plus(hold), holdFor);
            settle(round, clock.instant());
            Instant commit = clock.instant();
            if (ports.unitOfWork().commit()) {
                ports.telemetry().timed(Telemetry.Phase.COMMIT, Duration.between(commit, clock.instant()));
            }
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) {
            abort(round, e);
        } finally {
            takeSnapshot();
        }
        round.committed();
        reports.forEach(report -> report.accept(ports.telemetry()));
        reports.clear();
    }

    /** Reported once the round has committed. */
    private void report(Consumer<Telemetry> report) {
        reports.add(report);
    }

    /** A round of commands, waiting at most {@code maxHold} for the submissions it starts. */
    public void round(List<Incoming> records) {
        round(records, settings.maxHold(), Set.of());
    }

    private void abort(Round round, Throwable failure) {
        reports.clear();
        try {
            ports.unitOfWork().abort();
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
        }
        flights.values().forEach(flight -> flight.roundDuplicates = 0);
        Object blamed = failure instanceof UnitOfWork.CommitFailedException commit ? commit.blamed() : round.current;
        if (blamed != null) {
            Throwable cause = failure instanceof UnitOfWork.CommitFailedException && failure.getCause() != null
                    ? failure.getCause() : failure;
            failures.merge(blameKey(blamed), new Failure(1, cause),
                    (before, now) -> new Failure(before.count + 1, cause));
        }
        throw new RoundFailedException(failure, blamed instanceof Incoming record ? record : null);
    }

    private static Object blameKey(Object blamed) {
        return blamed instanceof Incoming record ? record.partition() + "@" + record.offset() : blamed;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // commands

    private void accept(Round round, Incoming record, Instant now) {
        SubmitCommand command = record.parsed() instanceof Incoming.Command c ? c.command()
                : record.parsed() instanceof Incoming.Elsewhere e ? e.command() : null;
        RequestId requestId = command != null ? command.requestId()
                : ((Incoming.Invalid) record.parsed()).answerTo();
        if (requestId == null) {
            acceptInContext(round, record, now);
            return;
        }
        try (LogContext context = LogContext.of(requestId, command == null ? null : command.taskId())) {
            acceptInContext(round, record, now);
        }
    }

    private void acceptInContext(Round round, Incoming record, Instant now) {
        Failure failed = failures.get(blameKey(record));
        if (failed != null && failed.count >= settings.attemptsPerRecord()) {
            giveUpOn(record, failed);
            return;
        }
        if (record.parsed() instanceof Incoming.Invalid invalid) {
            if (invalid.deadLetter()) {
                ports.intake().deadLetter(record, invalid.reason(), null);
                report(Telemetry::deadLettered);
            }
            if (invalid.answerTo() != null) {
                answerOnce(invalid.answerTo(), null, new Outcome.BadCommand("Invalid command: " + invalid.reason(),
                        invalid.reason()), now, record.replyTo());
            }
            return;
        }
        if (record.parsed() instanceof Incoming.Elsewhere elsewhere) {
            ports.intake().forward(record, elsewhere.partition());
            return;
        }
        SubmitCommand command = ((Incoming.Command) record.parsed()).command();
        Ledger ledger = ledger(record.partition());
        LedgerEntry known = ledger.find(command.requestId()).orElse(null);
        Flight flight = flights.get(command.requestId());
        if (flight != null && record.equals(flight.origin)) {
            round.started.add(flight); // its own record again, after a round that failed
            round.awaitReply(command.requestId(), record.replyTo(), false);
            return;
        }
        switch (Decisions.onCommand(command, known, flight == null ? null : flight.command.fingerprint())) {
            case CONFLICT -> answerOnce(command.requestId(), taskIdOf(command, null), conflict(command, known, flight),
                    now, record.replyTo());
            case REPEAT -> {
                ports.answers().repeat(command.requestId(), known.answer());
                if (record.replyTo() != null) {
                    ports.answers().reply(record.replyTo(), command.requestId(), known.answer(), true);
                }
                report(Telemetry::duplicate);
            }
            case JOIN -> {
                round.awaitReply(command.requestId(), record.replyTo(), true);
                join(ledger, command, known, flight, now);
                report(Telemetry::duplicate);
            }
            case RESUME, RUN -> {
                if (command.control() != null && command.control().unchecked()) {
                    check(record, command);
                    return;
                }
                round.awaitReply(command.requestId(), record.replyTo(), false);
                run(round, record, command, now, known != null);
            }
        }
    }

    /**
     * A command on a job, not run yet. As sent, it is passed on to its target's partition; there, what the ledger knows
     * of the target is passed back with it, and its own partition decides ({@link Decisions#onControl}).
     */
    private void check(Incoming record, SubmitCommand command) {
        ports.intake().passOn(record, command.control().step() == Control.Step.SENT ? command.checking()
                : command.checked(found(ledger(record.partition()), command.control().target())));
    }

    /** What this partition's ledger, and this worker's submissions under way, know of a target. */
    private Control.Found found(Ledger ledger, RequestId target) {
        return Control.Found.of(ledger.find(target).orElse(null), flights.containsKey(target));
    }

    /** A duplicate of a request still under way: answered with its first answer, when that comes. */
    private static void join(Ledger ledger, SubmitCommand command, LedgerEntry known, Flight flight, Instant now) {
        if (flight != null) {
            flight.roundDuplicates++;
        } else {
            ledger.record(known.withWaitingDuplicates(known.waitingDuplicates() + 1, now));
        }
        log.debug("Request {} is under way; its duplicate will get its answer", command.requestId());
    }

    private void run(Round round, Incoming record, SubmitCommand command, Instant now, boolean mayExist) {
        Resolution resolution = resolve(command);
        if (resolution.refusal != null) {
            answerAndRecord(round, record.partition(), command, resolution.refusal, now);
            return;
        }
        ClusterTarget target = resolution.target;
        // an explain needs no cluster: it never waits for one
        if (!command.explains() && health.isDown(target.entry()) && waitsFor(target.entry())) {
            // its cluster is known to be down: wait behind the requests already waiting for it instead of paying a
            // failed try of its own
            ledger(record.partition()).record(LedgerEntry.pending(command, now, now, 0));
            round.toWaiting.put(command.requestId(), new Waiting(record.partition(), command.requestId(),
                    target.entry(), now.plus(ports.retries().delay(1)), 1));
            log.info("Request {}: cluster '{}' is unreachable; waiting for it", command.requestId(), target.entry());
            return;
        }
        Flight flight = start(record.partition(), command, resolution.task, target, mayExist, null, 1, 0, now);
        flight.origin = record;
        round.started.add(flight);
    }

    /** Whether requests wait for this cluster (they try it in turn), or one is trying it. */
    private boolean waitsFor(String cluster) {
        return waiting.values().stream().anyMatch(w -> cluster.equals(w.cluster))
                || flights.values().stream().anyMatch(f -> !f.command.explains() && f.target.entry().equals(cluster));
    }

    private record Resolution(Task task, ClusterTarget target, Answer refusal) {}

    /**
     * The task and its cluster entry, or the answer that refuses the command. For a command on a job but a restart: its
     * target's task and the cluster entry its job runs on, as its target's partition found them.
     */
    private Resolution resolve(SubmitCommand command) {
        Instant now = clock.instant();
        if (command.control() != null && command.control().action() != Control.Action.EXPLAIN) {
            return resolveControl(command, now);
        }
        return resolveTask(command, now);
    }

    /** A submit's (or restart's, or explain's) task and the cluster entry it runs on. */
    private Resolution resolveTask(SubmitCommand command, Instant now) {
        Optional<Task> task = ports.catalog().find(command.taskId());
        if (task.isEmpty()) {
            Outcome refused = ports.catalog().problem(command.taskId())
                    .<Outcome>map(problem -> new Outcome.Refused("Task " + command.taskId() + " cannot be used: "
                            + problem, problem))
                    .orElseGet(() -> new Outcome.Refused("Task " + command.taskId() + " is not in the task catalog",
                            "unknown task id " + command.taskId()));
            return new Resolution(null, null, answer(command.requestId(), command.taskId(), refused, now, now)
                    .command(command).build());
        }
        try {
            return new Resolution(task.get(), ports.clusters().resolve(task.get()), null);
        } catch (RefusedException e) {
            return new Resolution(task.get(), null, answer(command.requestId(), command.taskId(),
                    new Outcome.Refused(e.getMessage(), e.detail() == null ? e.getMessage() : e.detail()), now, now)
                    .task(task.get()).command(command).build());
        }
    }

    private Resolution resolveControl(SubmitCommand command, Instant now) {
        Control control = command.control();
        Control.Found found = control.found();
        Task task = found.state() == Control.Found.State.UNKNOWN ? null
                : ports.catalog().find(found.taskId()).orElse(null);
        String name = "request '" + control.target() + "'";
        Outcome refusal = switch (Decisions.onControl(command)) {
            case UNKNOWN_TARGET -> new Outcome.BadCommand("Unknown target: " + name + " is not known to the worker "
                    + "(never sent, or forgotten after the ledger's retention)", "field 'target': no such request");
            case NOT_ANSWERED -> new Outcome.Refused("The target " + name + " has not been answered yet: nothing to "
                    + control.action().value() + "; send a control command after its answer", null);
            case NO_JOB -> new Outcome.Refused("The target " + name + " did not submit a job: nothing to "
                    + control.action().value(), found.state() == Control.Found.State.GAVE_UP
                    ? "its cluster could not be reached" : "its answer was not a submission");
            case ENDED -> new Outcome.Refused("The job of request " + control.target() + " (" + control.target().jobId()
                    + ") has ended " + found.ended() + ": nothing to " + control.action().value(),
                    "job " + control.target().jobId() + " is " + found.ended());
            case ACT -> null;
        };
        if (refusal == null) {
            return control.action() == Control.Action.RESTART ? resolveTask(command, now)
                    : new Resolution(task, found.cluster(), null);
        }
        return new Resolution(task, null, answer(command.requestId(), taskIdOf(command, task), refusal, now, now)
                .task(task).command(command).build());
    }

    /**
     * The task id an answer reports: a control command's is its target's task's, when that is still known, but for a
     * restart or an explain that names its own.
     */
    private static Integer taskIdOf(SubmitCommand command, Task task) {
        Control control = command.control();
        return control == null || control.action().takesTask() && !control.targetsTask()
                ? Integer.valueOf(command.taskId()) : task == null ? null : task.id();
    }

    private Flight start(int partition, SubmitCommand command, Task task, ClusterTarget target, boolean mayExist,
                         Instant firstFailure, int attemptNumber, int waitingDuplicates, Instant now) {
        Flight flight = new Flight(partition, command, task, target, now, firstFailure, attemptNumber,
                waitingDuplicates);
        flights.put(command.requestId(), flight);
        if (!command.explains()) {
            health.trying(target.entry(), command.requestId());
        }
        flight.future = CompletableFuture.supplyAsync(() -> {
            try (LogContext context = LogContext.of(command)) {
                return command.explains() ? attempt.explain(command, task, target)
                        : command.control() != null ? attempt.control(command, task, target)
                        : attempt.run(command, task, target, mayExist);
            }
        }, executor);
        flight.future.whenComplete((result, failure) -> wakeUp.run());
        return flight;
    }

    /** A record whose handling kept failing: dead-lettered with its last failure, so that its partition moves on. */
    private void giveUpOn(Incoming record, Failure failed) {
        if (record.parsed() instanceof Incoming.Command command) {
            Flight flight = flights.get(command.command().requestId());
            if (flight != null && record.equals(flight.origin)) {
                flights.remove(command.command().requestId());
                health.gaveUpTrying(flight.target.entry(), flight.command.requestId());
            }
        }
        log.error("Handling record {} failed {} times; dead-lettered: {}", record, failed.count,
                masked(failed.last.toString()));
        ports.intake().deadLetter(record, String.valueOf(failed.last.getMessage()), failed.last);
        report(Telemetry::deadLettered);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // waiting requests

    private void startDue(Round round, Instant now) {
        List<Waiting> due = waiting.values().stream().filter(w -> !w.due.isAfter(now))
                .sorted(Comparator.comparing(w -> w.due)).toList();
        for (Waiting w : due) {
            Ledger ledger = ledgers.get(w.partition);
            LedgerEntry entry = ledger == null ? null : ledger.find(w.requestId).orElse(null);
            if (entry == null || !entry.is(LedgerEntry.State.PENDING) || flights.containsKey(w.requestId)) {
                waiting.remove(w.requestId);
                continue;
            }
            if (entry.command().control() != null && entry.command().control().unchecked()) {
                // left by a worker before commands on jobs went in steps: it was handled in its target's partition
                entry = LedgerEntry.pending(entry.command().checked(found(ledger, entry.command().control().target())),
                        entry.at(), entry.firstFailure(), entry.waitingDuplicates());
            }
            try (LogContext context = LogContext.of(entry.command())) {
                tryAgain(round, w, entry, now);
            }
        }
    }

    /** A waiting request whose time has come: tried again, unless its cluster is known down and someone tries it. */
    private void tryAgain(Round round, Waiting w, LedgerEntry entry, Instant now) {
        round.current = null;
        ports.unitOfWork().attribute(null);
        Resolution resolution = resolve(entry.command());
        if (resolution.refusal != null) {
            waiting.remove(w.requestId);
            answerAndRecord(round, w.partition, entry.command(), resolution.refusal, now);
            return;
        }
        String cluster = resolution.target.entry();
        if (!entry.command().explains() && !health.mayTry(cluster)) {
            Instant firstFailure = entry.firstFailure() == null ? now : entry.firstFailure();
            if (Decisions.onOutcome(health.lastFailure(cluster), firstFailure, now, settings.retryDeadline())
                    == Decisions.OnOutcome.GIVE_UP) {
                giveUp(round, w.partition, entry, resolution, health.lastFailure(cluster), null, now);
            } else {
                w.due = now.plus(ports.retries().delay(w.attempts + 1));
            }
            return;
        }
        waiting.remove(w.requestId);
        Flight flight = start(w.partition, entry.command(), resolution.task, resolution.target, true,
                entry.firstFailure(), w.attempts + 1, entry.waitingDuplicates(), now);
        flight.originCommitted = true;
        round.resumed.add(flight);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // ended submissions

    private void awaitFlights(Round round, Instant until, Set<Integer> holdFor) {
        List<CompletableFuture<Attempt.Result>> awaited = new ArrayList<>();
        round.started.forEach(flight -> awaited.add(flight.future));
        round.resumed.forEach(flight -> awaited.add(flight.future));
        flights.values().stream().filter(flight -> holdFor.contains(flight.partition))
                .forEach(flight -> awaited.add(flight.future));
        for (CompletableFuture<Attempt.Result> future : awaited) {
            long left = Duration.between(clock.instant(), until).toNanos();
            if (left <= 0) {
                return;
            }
            try {
                future.get(left, TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                return;
            } catch (ExecutionException e) {
                // ended: settled below
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void settle(Round round, Instant now) {
        for (Flight flight : List.copyOf(flights.values())) {
            if (!ledgers.containsKey(flight.partition) || !(flight.originCommitted || round.started.contains(flight))) {
                continue; // its record has not come back since a round failed
            }
            try (LogContext context = LogContext.of(flight.command)) {
                settle(round, flight, now);
            }
        }
        round.current = null;
    }

    private void settle(Round round, Flight flight, Instant now) {
        Object blame = flight.originCommitted ? flight : flight.origin;
        round.current = flight.originCommitted ? null : flight.origin;
        ports.unitOfWork().attribute(blame);
        Failure failed = failures.get(blameKey(blame));
        if (flight.originCommitted && failed != null && failed.count >= settings.attemptsPerRecord()) {
            log.error("Writing the outcome of request {} failed {} times; it stays PENDING in the ledger",
                    flight.command.requestId(), settings.attemptsPerRecord());
            round.dropped.add(flight);
            return;
        }
        if (flight.future.isDone()) {
            write(round, flight, result(flight), now);
        } else if (!flight.originCommitted || flight.roundDuplicates > 0) {
            // handed off: the ledger holds it from now on, and its record's position moves on
            ledger(flight.partition).record(LedgerEntry.pending(flight.command, now, flight.firstFailure,
                    flight.waitingDuplicates + flight.roundDuplicates));
            round.handedOff.add(flight);
        }
    }

    private static Attempt.Result result(Flight flight) {
        try {
            return flight.future.join();
        } catch (RuntimeException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof VirtualMachineError fatal) {
                throw fatal;
            }
            String what = flight.command.explains() ? "Explaining task " + Attempt.name(flight.task)
                    : flight.command.control() != null ? "The " + flight.command.control().action().value()
                    + " of request " + flight.command.control().target() : "Submitting task "
                    + Attempt.name(flight.task);
            return new Attempt.Result(new Outcome.Unreachable(what + " failed unexpectedly", cause.toString()), null,
                    null, null, false);
        }
    }

    private void write(Round round, Flight flight, Attempt.Result result, Instant now) {
        Outcome outcome = result.outcome();
        String cluster = flight.target.entry();
        Instant firstFailure = flight.firstFailure == null ? now : flight.firstFailure;
        switch (Decisions.onOutcome(outcome, firstFailure, now, settings.retryDeadline())) {
            case ANSWER -> {
                if (result.reachedCluster()) {
                    round.reached.add(cluster);
                }
                if (!flight.command.explains()) {
                    health.reached(cluster, flight.command.requestId());
                }
                StoredAnswer first = publish(round, answer(flight, result, outcome, now), flight.duplicates());
                // a job on its cluster is followed to its end from here
                Following following = outcome instanceof Outcome.Submitted
                        ? Following.start(flight.target, result.clusterId()) : null;
                LedgerEntry done = LedgerEntry.done(flight.command, first, now, following);
                ledger(flight.partition).record(done);
                round.answered.put(done, flight.partition);
                log.info("Request {}: {}", flight.command.requestId(), masked(outcome.message()));
            }
            case RETRY -> {
                health.unreachable(cluster, flight.command.requestId(), (Outcome.Unreachable) outcome, now);
                ledger(flight.partition).record(LedgerEntry.pending(flight.command, now, firstFailure,
                        flight.duplicates()));
                Duration delay = ports.retries().delay(flight.attemptNumber);
                report(telemetry -> telemetry.retry(cluster));
                round.toWaiting.put(flight.command.requestId(), new Waiting(flight.partition,
                        flight.command.requestId(), cluster, now.plus(delay), flight.attemptNumber));
                log.info("Request {}: {} ({}); trying again in {}", flight.command.requestId(),
                        masked(outcome.message()), masked(outcome.detail()), delay);
            }
            case GIVE_UP -> {
                health.unreachable(cluster, flight.command.requestId(), (Outcome.Unreachable) outcome, now);
                LedgerEntry entry = LedgerEntry.pending(flight.command, now, firstFailure, flight.duplicates());
                giveUp(round, flight.partition, entry, new Resolution(flight.task, flight.target, null),
                        (Outcome.Unreachable) outcome, result, now);
            }
        }
        round.written.add(flight);
    }

    /** The deadline has passed: answered "gave up", and left open to the same command sent again. */
    private void giveUp(Round round, int partition, LedgerEntry pending, Resolution resolution,
                        Outcome.Unreachable last, Attempt.Result result, Instant now) {
        Outcome gaveUp = new Outcome.GaveUp(last.message() + "; gave up after " + settings.retryDeadline()
                + " of retries", last.detail());
        Answer answer = answer(pending.requestId(), taskIdOf(pending.command(), resolution.task), gaveUp,
                pending.firstFailure(), now)
                .task(resolution.task).target(resolution.target).command(pending.command())
                .job(result == null ? null : result.job()).build();
        publish(round, answer, pending.waitingDuplicates());
        ledger(partition).record(LedgerEntry.gaveUp(pending.command(), now));
        round.gaveUp.add(pending.requestId());
        log.info("Request {}: {}", pending.requestId(), masked(gaveUp.message()));
    }

    // ---------------------------------------------------------------------------------------------------------------
    // answers

    private StoredAnswer publish(Round round, Answer answer, int duplicates) {
        StoredAnswer first = first(answer);
        for (int i = 0; i < duplicates; i++) {
            ports.answers().repeat(answer.requestId(), first);
        }
        reply(round, answer.requestId(), first);
        return first;
    }

    /** The request's first answer to every sender of it that asked for a reply. */
    private void reply(Round round, RequestId requestId, StoredAnswer first) {
        List<PendingReply> pending = new ArrayList<>(replies.getOrDefault(requestId, List.of()));
        pending.addAll(round.replies.getOrDefault(requestId, List.of()));
        for (PendingReply reply : pending) {
            ports.answers().reply(reply.to(), requestId, first, reply.duplicate());
        }
        round.replied.add(requestId);
    }

    /** A request's first answer, counted once the round commits. */
    private StoredAnswer first(Answer answer) {
        StoredAnswer first = ports.answers().publish(answer);
        String cluster = answer.target() == null ? null : answer.target().entry();
        report(telemetry -> telemetry.answered(answer.outcome(), cluster));
        return first;
    }

    /** An answer that is not recorded: a conflict or an invalid command says nothing about the request itself. */
    private void answerOnce(RequestId requestId, Integer taskId, Outcome outcome, Instant now, ReplyAddress replyTo) {
        StoredAnswer answer = first(answer(requestId, taskId, outcome, now, now).build());
        if (replyTo != null) {
            ports.answers().reply(replyTo, requestId, answer, false);
        }
        log.info("Answered {}: {}", requestId, masked(outcome.message()));
    }

    private void answerAndRecord(Round round, int partition, SubmitCommand command, Answer answer, Instant now) {
        StoredAnswer first = first(answer);
        reply(round, command.requestId(), first);
        ledger(partition).record(LedgerEntry.done(command, first, now));
        log.info("Request {}: {}", command.requestId(), masked(answer.outcome().message()));
    }

    private String masked(String text) {
        return text == null ? null : ports.redaction().mask(text);
    }

    private Ledger ledger(int partition) {
        Ledger ledger = ledgers.get(partition);
        if (ledger == null) {
            throw new IllegalStateException("Partition " + partition + " is not open on this consumer");
        }
        return ledger;
    }

    private Outcome conflict(SubmitCommand command, LedgerEntry known, Flight flight) {
        int firstTask = known != null ? known.taskId() : flight.command.taskId();
        if (command.control() != null || firstTask == 0) {
            // a control command (whose task id is 0) on either side
            return new Outcome.Conflict("requestId '" + command.requestId() + "' was already used for a different "
                    + "command; that one stands. Use a new requestId for a new command.", "conflicting command for "
                    + "requestId " + command.requestId());
        }
        String message = "requestId '" + command.requestId() + "' was already used for a different command (task "
                + firstTask + ", job " + command.requestId().jobId() + "); that submission stands. Use a new "
                + "requestId for a new submission.";
        return new Outcome.Conflict(message, "conflicting command for requestId " + command.requestId() + ": task "
                + command.taskId() + " now, task " + firstTask + " first");
    }

    private static AnswerBuilder answer(RequestId requestId, Integer taskId, Outcome outcome, Instant start,
                                        Instant now) {
        return new AnswerBuilder(requestId, taskId, outcome, start, now);
    }

    private static Answer answer(Flight flight, Attempt.Result result, Outcome outcome, Instant now) {
        return answer(flight.command.requestId(), taskIdOf(flight.command, flight.task), outcome, flight.started, now)
                .task(flight.task).target(flight.target).command(flight.command).job(result.job())
                .address(result.jobManagerAddress()).clusterId(result.clusterId()).build();
    }

    private static final class AnswerBuilder {
        private final RequestId requestId;
        private final Integer taskId;
        private final Outcome outcome;
        private final Instant start;
        private final Instant now;
        private Task task;
        private ClusterTarget target;
        private JobDescription job;
        private String address;
        private String clusterId;
        private SubmitCommand command;

        AnswerBuilder(RequestId requestId, Integer taskId, Outcome outcome, Instant start, Instant now) {
            this.requestId = requestId;
            this.taskId = taskId;
            this.outcome = outcome;
            this.start = start;
            this.now = now;
        }

        AnswerBuilder task(Task task) {
            this.task = task;
            return this;
        }

        AnswerBuilder target(ClusterTarget target) {
            this.target = target;
            return this;
        }

        AnswerBuilder job(JobDescription job) {
            this.job = job;
            return this;
        }

        AnswerBuilder address(String address) {
            this.address = address;
            return this;
        }

        AnswerBuilder clusterId(String clusterId) {
            this.clusterId = clusterId;
            return this;
        }

        AnswerBuilder command(SubmitCommand command) {
            this.command = command;
            return this;
        }

        Answer build() {
            return new Answer(requestId, taskId, outcome, task, target, job, address, clusterId, command,
                    start == null ? now : start, now);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // state

    /** A submission under way, or ended and not yet written. */
    private static final class Flight {
        private final int partition;
        private final SubmitCommand command;
        private final Task task;
        private final ClusterTarget target;
        private final Instant started;
        private final Instant firstFailure;
        private final int attemptNumber;
        /** Duplicates recorded in its PENDING entry. */
        private int waitingDuplicates;
        /** Duplicates read in the current round. */
        private int roundDuplicates;
        /** The record that started it, while that record's position is not committed. */
        private Incoming origin;
        /** Its command's position is committed (or it came from the ledger): its outcome may be written. */
        private boolean originCommitted;
        private CompletableFuture<Attempt.Result> future;

        Flight(int partition, SubmitCommand command, Task task, ClusterTarget target, Instant started,
               Instant firstFailure, int attemptNumber, int waitingDuplicates) {
            this.partition = partition;
            this.command = command;
            this.task = task;
            this.target = target;
            this.started = started;
            this.firstFailure = firstFailure;
            this.attemptNumber = attemptNumber;
            this.waitingDuplicates = waitingDuplicates;
        }

        int duplicates() {
            return waitingDuplicates + roundDuplicates;
        }
    }

    /** A PENDING request waiting for its next try. */
    private static final class Waiting {
        private final int partition;
        private final RequestId requestId;
        /** The cluster entry it waits for; null until it is known (taken up from the ledger). */
        private final String cluster;
        private Instant due;
        private final int attempts;

        Waiting(int partition, RequestId requestId, String cluster, Instant due, int attempts) {
            this.partition = partition;
            this.requestId = requestId;
            this.cluster = cluster;
            this.due = due;
            this.attempts = attempts;
        }
    }

    /** What a round changed, applied to the engine's state once the round has committed. */
    private final class Round {
        private Incoming current;
        private final Set<Flight> started = new HashSet<>();
        /** Flights this round took up from the waiting requests. */
        private final List<Flight> resumed = new ArrayList<>();
        private final List<Flight> written = new ArrayList<>();
        private final List<Flight> handedOff = new ArrayList<>();
        private final List<Flight> dropped = new ArrayList<>();
        private final Map<RequestId, Waiting> toWaiting = new LinkedHashMap<>();
        private final List<RequestId> gaveUp = new ArrayList<>();
        private final Set<String> reached = new HashSet<>();
        /** DONE entries of submitted jobs, with their partitions: followed once committed. */
        private final Map<LedgerEntry, Integer> answered = new LinkedHashMap<>();
        /** The blame keys of the records this round handled. */
        private final Set<Object> handled = new HashSet<>();
        /** Reply addresses read this round, of requests not answered yet. */
        private final Map<RequestId, List<PendingReply>> replies = new HashMap<>();
        /** Requests whose senders this round replied to. */
        private final Set<RequestId> replied = new HashSet<>();

        void awaitReply(RequestId requestId, ReplyAddress to, boolean duplicate) {
            if (to != null) {
                replies.computeIfAbsent(requestId, id -> new ArrayList<>()).add(new PendingReply(to, duplicate));
            }
        }

        void committed() {
            for (Flight flight : started) {
                flight.originCommitted = true;
                flight.origin = null;
            }
            for (Flight flight : handedOff) {
                flight.waitingDuplicates += flight.roundDuplicates;
            }
            flights.values().forEach(flight -> flight.roundDuplicates = 0);
            written.forEach(flight -> flights.remove(flight.command.requestId(), flight));
            dropped.forEach(flight -> flights.remove(flight.command.requestId(), flight));
            gaveUp.forEach(waiting::remove);
            waiting.putAll(toWaiting);
            // a cluster that answered again: whoever waits for it need not wait out their backoff
            Instant now = clock.instant();
            waiting.values().stream().filter(w -> w.cluster == null || reached.contains(w.cluster))
                    .forEach(w -> w.due = now);
            handled.forEach(failures::remove);
            written.forEach(failures::remove);
            answered.forEach((done, partition) -> follower.watch(partition, done));
            replied.forEach(Engine.this.replies::remove);
            dropped.forEach(flight -> Engine.this.replies.remove(flight.command.requestId()));
            replies.forEach((requestId, pending) -> {
                if (!replied.contains(requestId)) {
                    Engine.this.replies.computeIfAbsent(requestId, id -> new ArrayList<>()).addAll(pending);
                }
            });
        }
    }
}
