package dev.submitworker.kafka;

import dev.submitworker.catalog.DirectoryTaskCatalog;
import dev.submitworker.compile.SqlJobBuilder;
import dev.submitworker.core.Answer;
import dev.submitworker.core.ClusterTarget;
import dev.submitworker.core.Following;
import dev.submitworker.core.JobDescription;
import dev.submitworker.core.LedgerEntry;
import dev.submitworker.core.Outcome;
import dev.submitworker.core.RequestId;
import dev.submitworker.core.RunMode;
import dev.submitworker.core.StoredAnswer;
import dev.submitworker.core.SubmitCommand;
import dev.submitworker.core.Task;
import dev.submitworker.dinky.Envelopes;
import dev.submitworker.secrets.Redactor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Fills a ledger topic with DONE entries exactly as the worker writes them for sample task 1 (tasks/1-orders-bounded):
 * the same envelope, statement and job configuration, each keyed by its requestId in its home partition. For the
 * tests and the benchmark of a ledger at scale.
 */
public final class LedgerFiller {

    private final Envelopes envelopes = new Envelopes(Redactor.withDefaults());
    private final Task task;
    private final JobDescription job;

    public LedgerFiller() {
        task = DirectoryTaskCatalog.load(Path.of("../tasks")).find(1).orElseThrow();
        job = new SqlJobBuilder().build(task, "template", task.statement(), null, false).description();
    }

    /** The DONE entry of a request, as the worker would have written it. */
    public LedgerEntry done(String requestId, Instant at) {
        return done(requestId, at, null);
    }

    /** The same, its job followed this far (null: an entry without a job to follow). */
    public LedgerEntry done(String requestId, Instant at, Following following) {
        RequestId id = new RequestId(requestId);
        SubmitCommand command = new SubmitCommand(id, 1, null, null);
        Answer answer = new Answer(id, 1, new Outcome.Submitted("Task 1 (orders-bounded) submitted as job "
                + id.jobId(), false), task, new ClusterTarget("local", RunMode.LOCAL), job, "127.0.0.1:8081", null,
                command, at, at);
        return LedgerEntry.done(command, new StoredAnswer(envelopes.serialize(envelopes.envelope(answer))), at,
                following);
    }

    /**
     * Writes entries {@code <prefix>-0 .. <prefix>-(n-1)}, all answered at {@code at}. Each is the template's entry
     * with its own requestId and JobID put in, byte for byte what {@link #done} gives, at a fraction of the cost of
     * building (and redacting) every answer anew.
     */
    public void fill(String bootstrap, String ledgerTopic, int partitions, String prefix, int n, Instant at) {
        fill(bootstrap, ledgerTopic, partitions, prefix, n, at, null);
    }

    /** The same, each entry's job followed as far as {@code following} says (null: no job to follow). */
    public void fill(String bootstrap, String ledgerTopic, int partitions, String prefix, int n, Instant at,
                     Following following) {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "1",
                ProducerConfig.LINGER_MS_CONFIG, 50,
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4",
                ProducerConfig.BATCH_SIZE_CONFIG, 1 << 20,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
            String templateId = prefix + "-template";
            LedgerEntry template = done(templateId, at, following);
            String encoded = new String(LedgerCodec.encode(template), StandardCharsets.UTF_8);
            for (int i = 0; i < n; i++) {
                RequestId requestId = new RequestId(prefix + "-" + i);
                byte[] value = encoded.replace(templateId, requestId.value())
                        .replace(template.jobId(), requestId.jobId())
                        .getBytes(StandardCharsets.UTF_8);
                producer.send(new ProducerRecord<>(ledgerTopic, CommandRecords.partitionOf(requestId, partitions),
                        null, requestId.value().getBytes(StandardCharsets.UTF_8), value,
                        LedgerCodec.headers(template)));
            }
            producer.flush();
        }
    }
}
