package dev.submitworker.app;

import dev.submitworker.dinky.CommandLimits;
import dev.submitworker.secrets.Redactor;
import dev.submitworker.cluster.ClusterProperties;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The worker's configuration, {@code worker.*} in application.yml. Every property is documented in
 * docs/configuration.md.
 *
 * @param topics   the topics the worker reads and writes
 * @param catalog  where tasks come from
 * @param connectorsDir a directory of connector and format jars: every jar in it is on the SQL compiler's classpath
 *                      and shipped with each SQL job (a directory that does not exist holds none)
 * @param clusters named cluster entries; a {@code local} entry exists even when not configured
 * @param warmUp   when to compile a probe script so that the first command does not pay the planner's start-up
 * @param limits   what a command may be: bigger, deeper or longer ones are refused
 * @param redaction which values are masked in envelopes, dead-letter headers and log lines
 * @param batch     how the commands of one poll share a transaction
 * @param consumers  consumers of the commands topic in this process, each on a thread of its own
 * @param submissions how many submissions (compile and submit) run at once in this process
 * @param shutdown   how a stopping worker settles what it has under way
 * @param clusterTimeouts how long a call to a Flink cluster or the Kubernetes API may take
 * @param status     how submitted jobs are followed to their end
 * @param replies    where commands may ask for their answers besides the results topic
 * @param openapi    the HTTP front that serves Dinky's OpenAPI over the topics (docs/openapi.md)
 * @param instanceId names this worker instance: unique among running instances. It prefixes the Kafka transactional
 *                   ids: set it to a name that is stable across restarts of one instance (a StatefulSet pod's name) and
 *                   a restarted instance aborts its dead predecessor's open transaction at once. Unset, each process
 *                   takes a name of its own (host name and a random suffix): never shared, but a crashed
 *                   instance's open transaction then holds back its partitions' readers until it times out.
 */
@Validated
@ConfigurationProperties("worker")
public record WorkerProperties(
        String instanceId,
        @Valid @NotNull @DefaultValue Topics topics,
        @Valid @NotNull @DefaultValue Ledger ledger,
        @Valid @NotNull @DefaultValue Retry retry,
        @Valid @NotNull @DefaultValue Catalog catalog,
        @NotNull @DefaultValue("connectors") Path connectorsDir,
        @Valid @NotNull @DefaultValue Savepoints savepoints,
        @Valid @NotNull @DefaultValue Jars jars,
        Map<String, @Valid ClusterProperties> clusters,
        @NotNull @DefaultValue("BEFORE_LISTENER") WarmUp warmUp,
        @Valid @NotNull @DefaultValue Limits limits,
        @Valid @NotNull @DefaultValue Redaction redaction,
        @Valid @NotNull @DefaultValue Batch batch,
        @Min(1) @DefaultValue("2") int consumers,
        @Valid @NotNull @DefaultValue Submissions submissions,
        @Valid @NotNull @DefaultValue Shutdown shutdown,
        @Valid @NotNull @DefaultValue ClusterTimeouts clusterTimeouts,
        @Valid @NotNull @DefaultValue Status status,
        @Valid @NotNull @DefaultValue Replies replies,
        @Valid @NotNull @DefaultValue OpenApi openapi) {

    public WorkerProperties {
        clusters = clusters == null ? Map.of() : clusters;
        // application.yml's ${submit-worker.home:.}/connectors, without a home: ./connectors
        connectorsDir = connectorsDir == null ? null : connectorsDir.normalize();
        instanceId = instanceId == null || instanceId.isBlank() ? generatedInstanceId() : instanceId.strip();
    }

    private static String generatedInstanceId() {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            host = "submit-worker";
        }
        return host + "-" + java.util.UUID.randomUUID().toString().substring(0, 8);
    }

    /**
     * Every call to a cluster is bounded, whatever its client does inside: a call that runs out of time counts as the
     * cluster being unreachable (tried again later), never as a refusal.
     *
     * @param connect a REST connection's set-up
     * @param request a call that is not a submission (a job's state, a Kubernetes look-up)
     * @param submit  a JobGraph's submission (its jars' upload included) or an application cluster's deployment
     */
    public record ClusterTimeouts(
            @NotNull @DefaultValue("5s") java.time.Duration connect,
            @NotNull @DefaultValue("15s") java.time.Duration request,
            @NotNull @DefaultValue("60s") java.time.Duration submit) {}

    /**
     * @param interval  how often each cluster is asked about the jobs followed on it: one call per cluster, whatever
     *                  the number of jobs; a job's end is published at most this long (plus a commit) after it
     * @param lostAfter how long a followed job's cluster may stay unreachable before the job is given up as UNKNOWN
     */
    public record Status(
            @NotNull @DefaultValue("1s") java.time.Duration interval,
            @NotNull @DefaultValue("1h") java.time.Duration lostAfter) {}

    /** @param threads submissions running at once; each compiles on the worker's CPU or waits on a cluster */
    /**
     * @param allowedTopics a regular expression the whole name of a command's reply topic ({@code kafka_replyTopic})
     *                      must match; unset, the results topic's name followed by {@code .replies.} and anything
     */
    public record Replies(String allowedTopics) {

        public Replies {
            if (allowedTopics != null && !allowedTopics.isBlank()) {
                java.util.regex.Pattern.compile(allowedTopics); // a bad pattern stops the start, naming itself
            }
        }

        /** The allowed reply topics of a worker with this results topic. */
        public java.util.regex.Pattern pattern(String resultsTopic) {
            return allowedTopics == null || allowedTopics.isBlank()
                    ? java.util.regex.Pattern.compile(java.util.regex.Pattern.quote(resultsTopic + ".replies.") + ".+")
                    : java.util.regex.Pattern.compile(allowedTopics);
        }
    }

    /**
     * @param enabled       serve Dinky's OpenAPI in this process ({@code make run} turns it on)
     * @param port          its own HTTP port, apart from the management port; 0 = a free one
     * @param answerTimeout how long a call waits for the worker's answer before it answers code 5 (pending)
     * @param authRequired  every call needs an accepted {@code dinky-token}; false runs the front open, for trusted
     *                      networks only
     * @param tokens        accepted tokens
     * @param tokensFile    a file of accepted tokens, one a line ('#' starts a comment line), read at start
     */
    public record OpenApi(
            @DefaultValue("false") boolean enabled,
            @Min(0) @Max(65535) @DefaultValue("8088") int port,
            @NotNull @DefaultValue("30s") java.time.Duration answerTimeout,
            @DefaultValue("true") boolean authRequired,
            List<@NotBlank String> tokens,
            Path tokensFile) {

        public OpenApi {
            tokens = tokens == null ? List.of() : tokens;
        }
    }

    public record Submissions(@Min(1) @DefaultValue("4") int threads) {}

    /**
     * @param grace how long a stopping worker, and a consumer giving up a partition, waits for submissions under way
     *              before it hands them off to the ledger (their next owner finishes them)
     */
    public record Shutdown(@NotNull @DefaultValue("20s") java.time.Duration grace) {}

    /**
     * @param partitions        partitions of the commands and results topics when the worker creates them
     * @param replicationFactor replication of the topics it creates; unset = the broker's default
     */
    public record Topics(
            @NotBlank @DefaultValue("submit-worker.commands") String commands,
            @NotBlank @DefaultValue("submit-worker.results") String results,
            @NotBlank @DefaultValue("submit-worker.commands.DLT") String deadLetter,
            @NotBlank @DefaultValue("submit-worker.status") String status,
            @Min(1) @DefaultValue("4") int partitions,
            Short replicationFactor) {}

    /**
     * @param topic     the compacted ledger topic (created with the commands topic's partition count)
     * @param retention how long a requestId is remembered: the idempotency window
     * @param store     where this process keeps what it knows of its ledger partitions
     */
    public record Ledger(
            @NotBlank @DefaultValue("submit-worker.ledger") String topic,
            @NotNull @DefaultValue("7d") java.time.Duration retention,
            @Valid @NotNull @DefaultValue Store store) {}

    /**
     * @param type   {@code rocksdb}: a RocksDB store per partition on local disk, off the Java heap, kept across
     *               restarts; {@code heap}: entries on the Java heap, restored in full on every start (small ledgers)
     * @param dir    the stores' directory (a persistent volume, so a restart replays only the ledger's tail);
     *               {@code <dir>/<instance-id>/<ledger topic>-<partition>}
     * @param memory what all stores of the process may use off the heap: block cache and write buffers
     */
    public record Store(
            @NotNull @DefaultValue("rocksdb") StoreType type,
            Path dir,
            @NotNull @DefaultValue("64MB") org.springframework.util.unit.DataSize memory) {

        public Store {
            dir = dir == null ? Path.of(System.getProperty("java.io.tmpdir"), "submit-worker-state") : dir;
        }
    }

    public enum StoreType { ROCKSDB, HEAP }

    /**
     * @param dir base directory of the tasks' savepoints, for the LATEST and EARLIEST strategies: task
     *            {@code <id>} named {@code <name>} keeps its savepoints in {@code <dir>/<id>-<name>} (any file
     *            system Flink reads: {@code file:}, {@code s3:}, {@code hdfs:}); unset = those strategies are refused
     */
    public record Savepoints(String dir) {}

    /** @param stagingDir where jars of jar tasks that must outlive the build (remote ones) wait for the submit */
    public record Jars(@NotNull Path stagingDir) {}

    /**
     * Commands whose cluster cannot be reached wait in their cluster's lane and are retried.
     *
     * @param deadline       how long after the first failure a command is answered with code 5
     * @param initialBackoff the first wait; each further one doubles, up to {@code maxBackoff}
     */
    public record Retry(
            @NotNull @DefaultValue("3m") java.time.Duration deadline,
            @NotNull @DefaultValue("1s") java.time.Duration initialBackoff,
            @NotNull @DefaultValue("30s") java.time.Duration maxBackoff) {}

    /**
     * The commands of one poll are answered in one Kafka transaction (a commit per answer would bound the worker at a
     * few hundred answers a second).
     *
     * @param maxHold how long that round waits for the submissions it started: one that takes longer is handed off to
     *                the ledger and answered by a later round, so it holds back no other command for longer than this
     */
    public record Batch(@NotNull @DefaultValue("2s") java.time.Duration maxHold) {}

    /** @param dir the directory with one YAML file per task */
    public record Catalog(@NotNull @DefaultValue("tasks") Path dir) {

        public Catalog {
            dir = dir == null ? null : dir.normalize(); // application.yml's ${submit-worker.home:.}/tasks: ./tasks
        }
    }

    /**
     * What a record may be before it is parsed; see {@link CommandLimits}. What a command may hold (its requestId, its
     * variables) is the command schema's to say.
     */
    public record Limits(
            @Min(256) @DefaultValue("65536") int maxRecordBytes,
            @Min(2) @Max(1000) @DefaultValue("8") int maxNestingDepth) {

        public CommandLimits toCommandLimits() {
            return new CommandLimits(maxRecordBytes, maxNestingDepth);
        }
    }

    /**
     * @param secretKeys a value is masked when its key contains one of these (ignoring case; '_' counts as '-');
     *                   unset = {@link Redactor#DEFAULT_SECRET_KEY_PARTS}
     */
    public record Redaction(List<@NotBlank String> secretKeys) {

        public Redaction {
            secretKeys = secretKeys == null || secretKeys.isEmpty() ? Redactor.DEFAULT_SECRET_KEY_PARTS : secretKeys;
        }
    }

    public enum WarmUp {
        /** Warm up before the listener starts: the first command is fast, start-up is slower. */
        BEFORE_LISTENER,
        /** Warm up on a background thread while the listener starts. */
        PARALLEL,
        OFF
    }
}
