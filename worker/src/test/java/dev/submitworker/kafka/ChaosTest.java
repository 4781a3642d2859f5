package dev.submitworker.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.submitworker.testing.ChaosRun;
import dev.submitworker.testing.FaultProxy;
import dev.submitworker.testing.FlinkTestClient;
import dev.submitworker.testing.KafkaTestClient;
import dev.submitworker.testing.SharedInfrastructure;
import dev.submitworker.testing.TestJars;
import dev.submitworker.testing.WorkerGroup;
import dev.submitworker.testing.WorkerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

/**
 * Two worker processes in one group work through a stream of commands with duplicates, a share of them jar programs
 * whose compile outlasts a round (task 181, {@code -Dchaos.slowShare}), while faults are injected in an order drawn
 * from the seed, each while a fresh wave of commands is under way:
 * <ul>
 *   <li>SIGKILL of a worker at a random moment, and its restart ({@code -Dchaos.kills});</li>
 *   <li>SIGSTOP of a worker that has parked commands (its cluster answering 503 or not at all), for longer than its
 *       session timeout, so that the other takes its partitions over and answers them; then SIGCONT, and the thawed
 *       worker finds its parked commands due ({@code -Dchaos.stops});</li>
 *   <li>the session cluster answering 503 for a while ({@code -Dchaos.unavailable}), and not answering at all, its
 *       connections left open ({@code -Dchaos.unresponsive}): a {@link FaultProxy} stands in front of the shared
 *       MiniCluster's REST endpoint.</li>
 * </ul>
 * Every command must end as one job and answers with one outcome, code 0 (the retry deadline outlasts every fault).
 * The summary line counts the injections: the outage a freeze waits behind counts as a 503 or an unresponsive one,
 * {@code slowCompiles} is the number of requestIds of task 181. Scale: {@code -Dchaos.commands} (default 200);
 * {@code make chaos} runs it larger. The seed ({@code -Dchaos.seed}) is printed to run the same schedule again.
 */
class ChaosTest {

    private static final int SLOW_TASK = 181;
    /** The engine's log lines about a request whose cluster is down: it waits, or tries again later. */
    private static final List<String> PARKED = List.of("; trying again in ", "is unreachable; waiting for it");

    private enum Fault { KILL, STOP, UNAVAILABLE_503, UNRESPONSIVE }

    @Test
    void exactlyOnceHoldsAcrossKillsFreezesAndClusterFaults() throws Exception {
        int count = Integer.getInteger("chaos.commands", 200);
        Map<Fault, Integer> planned = new LinkedHashMap<>();
        planned.put(Fault.KILL, Integer.getInteger("chaos.kills", 3));
        planned.put(Fault.STOP, Integer.getInteger("chaos.stops", 1));
        planned.put(Fault.UNAVAILABLE_503, Integer.getInteger("chaos.unavailable", 1));
        planned.put(Fault.UNRESPONSIVE, Integer.getInteger("chaos.unresponsive", 1));
        double slowShare = Double.parseDouble(System.getProperty("chaos.slowShare", "0.05"));
        long seed = Long.getLong("chaos.seed", System.nanoTime());
        System.out.println("chaos seed=" + seed + " (-Dchaos.seed=" + seed + " draws the same commands and faults)");
        Random random = new Random(seed);
        String prefix = "chaos-" + UUID.randomUUID().toString().substring(0, 8);
        TestJars.slowJobsJar(Files.createDirectories(Path.of("target", "test-jars")));
        ChaosRun run = new ChaosRun(prefix, List.of(new ChaosRun.Kind(108, "it-chaos", 1 - slowShare),
                new ChaosRun.Kind(SLOW_TASK, "it-chaos-slow", slowShare)), count, 0.2, seed);

        List<Fault> schedule = new ArrayList<>();
        planned.forEach((fault, times) -> schedule.addAll(Collections.nCopies(times, fault)));
        Collections.shuffle(schedule, random);
        int waves = schedule.size() + 1;

        try (FaultProxy proxy = FaultProxy.inFrontOf(SharedInfrastructure.flinkRestAddress());
             KafkaTestClient kafka = KafkaTestClient.forTopics(prefix + ".commands", prefix + ".results",
                     prefix + ".commands.DLT");
             FlinkTestClient flink = FlinkTestClient.session();
             WorkerGroup workers = new WorkerGroup(properties(prefix, proxy))) {
            Chaos chaos = new Chaos(run, kafka, workers, proxy, random);
            workers.start(prefix + "-a");
            workers.start(prefix + "-b");
            chaos.send(wave(count, 0, waves));
            for (int i = 0; i < schedule.size(); i++) {
                chaos.inject(schedule.get(i), wave(count, i + 1, waves));
            }
            await().atMost(Duration.ofMinutes(5)).until(() -> run.allAnswered(kafka));
            workers.stop();

            List<String> violations = run.violations(kafka, flink);
            Map<String, Integer> faults = new LinkedHashMap<>();
            faults.put("stops", chaos.injected.getOrDefault(Fault.STOP, 0));
            faults.put("unavailable503", chaos.injected.getOrDefault(Fault.UNAVAILABLE_503, 0));
            faults.put("unresponsive", chaos.injected.getOrDefault(Fault.UNRESPONSIVE, 0));
            faults.put("slowCompiles", (int) run.distinctFor(SLOW_TASK));
            System.out.println(run.summary("chaos", kafka, flink, chaos.injected.getOrDefault(Fault.KILL, 0),
                    violations, faults));
            assertThat(violations).isEmpty();
            planned.forEach((fault, times) -> assertThat(chaos.injected.getOrDefault(fault, 0))
                    .as("%s injected", fault).isGreaterThanOrEqualTo(times));
        }
    }

    /** The workers' settings: their session cluster behind the proxy, short cluster timeouts, a long deadline. */
    private static Map<String, String> properties(String prefix, FaultProxy proxy) {
        Map<String, String> properties = new HashMap<>(WorkerProcess.properties(prefix));
        properties.put("worker.clusters.session.address", proxy.address().toString());
        properties.put("worker.cluster-timeouts.connect", "2s");
        properties.put("worker.cluster-timeouts.request", "3s");
        properties.put("worker.cluster-timeouts.submit", "5s");
        // every fault ends long before this: every command must end submitted
        properties.put("worker.retry.deadline", "15m");
        properties.put("worker.retry.initial-backoff", "500ms");
        properties.put("worker.retry.max-backoff", "2s");
        return properties;
    }

    /** The commands at positions [from, to) of the run. */
    private record Wave(int from, int to) {

        int size() {
            return to - from;
        }
    }

    /** Wave {@code i} of {@code waves} equal parts of the run's commands. */
    private static Wave wave(int commands, int i, int waves) {
        return new Wave(commands * i / waves, commands * (i + 1) / waves);
    }

    /** Sends the waves and injects the faults, counting each injection. */
    private static final class Chaos {

        private final ChaosRun run;
        private final KafkaTestClient kafka;
        private final WorkerGroup workers;
        private final FaultProxy proxy;
        private final Random random;
        private final Set<String> sent = new HashSet<>();
        private final Map<Fault, Integer> injected = new LinkedHashMap<>();
        private final long start = System.nanoTime();

        Chaos(ChaosRun run, KafkaTestClient kafka, WorkerGroup workers, FaultProxy proxy, Random random) {
            this.run = run;
            this.kafka = kafka;
            this.workers = workers;
            this.proxy = proxy;
            this.random = random;
        }

        void send(Wave wave) {
            run.commands().subList(wave.from(), wave.to()).forEach(kafka::sendCommand);
            sent.addAll(run.requestIds().subList(wave.from(), wave.to()));
        }

        /** Whether every requestId sent so far has an answer. */
        boolean sentAnswered() {
            Set<String> answered = kafka.allEnvelopes().keySet();
            return answered.containsAll(sent);
        }

        void inject(Fault fault, Wave wave) throws Exception {
            switch (fault) {
                case KILL -> kill(wave);
                case STOP -> stop(wave);
                case UNAVAILABLE_503 -> clusterFault(FaultProxy.Mode.UNAVAILABLE_503, wave, proxy::answered503);
                case UNRESPONSIVE -> clusterFault(FaultProxy.Mode.UNRESPONSIVE, wave, proxy::abandonedUnanswered);
            }
        }

        /** A random worker is killed once it has made a random amount of progress on the wave; then restarted. */
        private void kill(Wave wave) throws InterruptedException {
            int before = run.answered(kafka);
            send(wave);
            int target = before + 1 + random.nextInt(Math.max(1, wave.size() / 2));
            await().atMost(Duration.ofMinutes(3)).until(() -> run.answered(kafka) >= target || sentAnswered());
            String victim = pick();
            report(Fault.KILL, victim);
            workers.killAndRestart(victim);
        }

        /**
         * The cluster misbehaves while the wave arrives; it is back once the workers have felt it (their requests
         * answered 503, or given up on unanswered), or once there is nothing left to feel it with.
         */
        private void clusterFault(FaultProxy.Mode mode, Wave wave, LongSupplier felt) {
            long before = felt.getAsLong();
            proxy.mode(mode);
            report(fault(mode), "cluster");
            send(wave);
            await().atMost(Duration.ofMinutes(2)).until(() -> felt.getAsLong() > before || sentAnswered());
            proxy.mode(FaultProxy.Mode.PASS);
        }

        /**
         * With the cluster down, a worker that has parked commands of the wave is frozen until the other has taken
         * its partitions over and, the cluster back, answered everything; then it is thawed, its parked commands due.
         */
        private void stop(Wave wave) throws Exception {
            List<String> ids = workers.instanceIds();
            await().atMost(Duration.ofMinutes(3)).until(() -> ids.stream()
                    .allMatch(id -> !workers.partitionsOf(id).isEmpty()));
            String victim = pick();
            String other = ids.get(1 - ids.indexOf(victim));
            WorkerProcess frozen = workers.worker(victim);
            long parkedBefore = parked(frozen);
            FaultProxy.Mode outage = random.nextBoolean() ? FaultProxy.Mode.UNAVAILABLE_503
                    : FaultProxy.Mode.UNRESPONSIVE;
            proxy.mode(outage);
            report(fault(outage), "cluster, for the freeze");
            send(wave);
            // parked: the victim has tried the cluster or waited for it, and every position read is committed (with
            // the PENDING entries of its round)
            await().atMost(Duration.ofMinutes(2)).until(() -> parked(frozen) > parkedBefore && workers.lag() == 0);
            frozen.freeze();
            report(Fault.STOP, victim);
            await().atMost(Duration.ofMinutes(2)).until(() -> workers.partitionsOf(victim).isEmpty()
                    && workers.partitionsOf(other).size() == KafkaTestClient.PARTITIONS);
            proxy.mode(FaultProxy.Mode.PASS);
            await().atMost(Duration.ofMinutes(3)).until(this::sentAnswered);
            frozen.thaw();
        }

        private static long parked(WorkerProcess worker) {
            return PARKED.stream().mapToLong(worker::logLines).sum();
        }

        private String pick() {
            List<String> ids = workers.instanceIds();
            return ids.get(random.nextInt(ids.size()));
        }

        private static Fault fault(FaultProxy.Mode mode) {
            return mode == FaultProxy.Mode.UNRESPONSIVE ? Fault.UNRESPONSIVE : Fault.UNAVAILABLE_503;
        }

        private void report(Fault fault, String target) {
            injected.merge(fault, 1, Integer::sum);
            System.out.println("chaos fault " + fault + " (" + target + ") at " + Duration.ofNanos(System.nanoTime()
                    - start).toSeconds() + " s, with " + run.answered(kafka) + " of " + sent.size()
                    + " sent requestIds answered");
        }
    }
}
