package dev.submitworker.kafka;

import dev.submitworker.core.Engine;
import dev.submitworker.core.Incoming;
import dev.submitworker.core.port.RetryPolicy;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** What the consumers of one worker share, and how each makes its own ports. */
record Shared(Topics topics, CommandRecords records, Clock clock, RetryPolicy failureBackoff, Duration revokeHold,
              Executor restoreExecutor, LedgerRestorer restorer, Duration retention, EngineParts engineParts) {

    /** Makes a consumer's engine over its own unit of work. */
    interface EngineParts {

        Engine engine(KafkaUnitOfWork unitOfWork, Function<Incoming, ConsumerRecord<byte[], byte[]>> records,
                      Runnable wakeUp);
    }

    Engine engine(KafkaUnitOfWork unitOfWork, Function<Incoming, ConsumerRecord<byte[], byte[]>> records,
                  Runnable wakeUp) {
        return engineParts.engine(unitOfWork, records, wakeUp);
    }

    LedgerIndex restore(int partition) {
        return restorer.restore(partition);
    }

    KafkaLedger ledger(int partition, LedgerIndex index, KafkaUnitOfWork unitOfWork) {
        return new KafkaLedger(topics.ledger(), partition, index, unitOfWork, retention, clock);
    }
}
