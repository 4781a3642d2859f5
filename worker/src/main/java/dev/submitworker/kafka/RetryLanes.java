package dev.submitworker.kafka;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commands whose cluster could not be reached wait here, in one lane per cluster, and are retried with exponential
 * backoff until they are answered or their deadline passes. A lane is one thread: an unreachable cluster holds back
 * only its own commands, never the partitions they came from nor the commands of other clusters. A success in a lane
 * retries the rest of the lane at once: the cluster is back.
 */
public final class RetryLanes implements AutoCloseable {

    /** One retry of a parked command, in its own Kafka transaction. */
    public interface Retry {

        /**
         * @param lastAttempt the deadline has passed: answer the command whatever happens
         * @return true when the command is answered (or no longer this worker's), false to try again later
         */
        boolean attempt(int partition, LedgerEntry parked, boolean lastAttempt);
    }

    private static final Logger log = LoggerFactory.getLogger(RetryLanes.class);

    private final Duration deadline;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final Clock clock;
    private final Map<String, Lane> lanes = new ConcurrentHashMap<>();
    private volatile Retry retry;

    public RetryLanes(Duration deadline, Duration initialBackoff, Duration maxBackoff, Clock clock) {
        this.deadline = deadline;
        this.initialBackoff = initialBackoff;
        this.maxBackoff = maxBackoff;
        this.clock = clock;
    }

    /** Set once at wiring time: the retry needs the submitter, which needs these lanes. */
    public void retryWith(Retry retry) {
        this.retry = retry;
    }

    /** True while commands for this cluster are waiting: new ones then wait behind them without a try of their own. */
    public boolean isWaiting(String cluster) {
        Lane lane = lanes.get(cluster);
        return lane != null && !lane.waiting.isEmpty();
    }

    public void park(int partition, LedgerEntry parked) {
        Lane lane = lanes.computeIfAbsent(parked.cluster(), Lane::new);
        lane.schedule(new Item(partition, parked, 0), initialBackoff);
    }

    /** Partitions this worker no longer owns: their commands are retried by their new owner. */
    public void forget(Collection<Integer> partitions) {
        lanes.values().forEach(lane -> lane.waiting.values().removeIf(waiting -> {
            boolean gone = partitions.contains(waiting.item.partition());
            if (gone) {
                waiting.future.cancel(false);
            }
            return gone;
        }));
    }

    @Override
    public void close() {
        lanes.values().forEach(lane -> lane.executor.shutdownNow());
    }

    private record Item(int partition, LedgerEntry parked, int attempts) {}

    private static final class Waiting {
        private final Item item;
        private volatile ScheduledFuture<?> future;

        Waiting(Item item) {
            this.item = item;
        }
    }

    private final class Lane {
        private final String cluster;
        private final ScheduledExecutorService executor;
        private final Map<String, Waiting> waiting = new ConcurrentHashMap<>();

        Lane(String cluster) {
            this.cluster = cluster;
            this.executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
                Thread thread = new Thread(runnable, "retry-lane-" + cluster);
                thread.setDaemon(true);
                return thread;
            });
        }

        void schedule(Item item, Duration delay) {
            Waiting entry = new Waiting(item);
            waiting.put(item.parked().requestId(), entry);
            entry.future = executor.schedule(() -> run(entry), delay.toMillis(), TimeUnit.MILLISECONDS);
        }

        private void run(Waiting entry) {
            Item item = entry.item;
            if (waiting.get(item.parked().requestId()) != entry) {
                return; // forgotten or replaced meanwhile
            }
            Instant giveUpAt = item.parked().at().plus(deadline);
            boolean lastAttempt = !clock.instant().isBefore(giveUpAt);
            boolean answered;
            try {
                answered = retry.attempt(item.partition(), item.parked(), lastAttempt);
            } catch (RuntimeException e) {
                log.warn("Retry of request {} on cluster '{}' failed: {}", item.parked().requestId(), cluster,
                        e.getMessage());
                answered = false;
            }
            if (answered) {
                waiting.remove(item.parked().requestId(), entry);
                retryOthersNow();
                return;
            }
            Duration backoff = backoff(item.attempts() + 1);
            Duration untilDeadline = Duration.between(clock.instant(), giveUpAt);
            Duration delay = untilDeadline.isNegative() ? Duration.ZERO
                    : backoff.compareTo(untilDeadline) < 0 ? backoff : untilDeadline;
            schedule(new Item(item.partition(), item.parked(), item.attempts() + 1), delay);
        }

        /** The cluster answered: what else waits for it need not wait out its backoff. */
        private void retryOthersNow() {
            for (Waiting other : waiting.values()) {
                if (other.future != null && other.future.cancel(false)) {
                    schedule(other.item, Duration.ZERO);
                }
            }
        }
    }

    private Duration backoff(int attempts) {
        long millis = initialBackoff.toMillis() << Math.min(attempts, 20);
        return millis > maxBackoff.toMillis() || millis <= 0 ? maxBackoff : Duration.ofMillis(millis);
    }
}
