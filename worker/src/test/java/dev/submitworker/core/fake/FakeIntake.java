package dev.submitworker.core.fake;

import dev.submitworker.core.Incoming;
import dev.submitworker.core.SubmitCommand;
import dev.submitworker.core.port.Intake;
import java.util.ArrayList;
import java.util.List;

/** Dead letters, forwarded commands and restarts passed on, in memory. */
public final class FakeIntake implements Intake {

    public record DeadLetter(Incoming record, String reason, Throwable failure) {}

    public record Forwarded(Incoming record, int partition) {}

    private final FakeUnitOfWork unitOfWork;
    private final List<DeadLetter> deadLetters = new ArrayList<>();
    private final List<Forwarded> forwarded = new ArrayList<>();
    private final List<Incoming> passedOn = new ArrayList<>();

    public FakeIntake(FakeUnitOfWork unitOfWork) {
        this.unitOfWork = unitOfWork;
    }

    @Override
    public void deadLetter(Incoming record, String reason, Throwable failure) {
        DeadLetter letter = new DeadLetter(record, reason, failure);
        unitOfWork.write(() -> deadLetters.add(letter));
    }

    @Override
    public void forward(Incoming record, int partition) {
        Forwarded passed = new Forwarded(record, partition);
        unitOfWork.write(() -> forwarded.add(passed));
    }

    /** Passed on to the record's own partition (the fake world's partitions are not told apart by requestId). */
    @Override
    public void passOn(Incoming record, SubmitCommand next) {
        Incoming passed = new Incoming(record.partition(), -1, new Incoming.Command(next), record.replyTo());
        unitOfWork.write(() -> passedOn.add(passed));
    }

    /** The restarts passed on since the last call, each to be read as a new record of its partition. */
    public List<Incoming> takePassedOn() {
        List<Incoming> taken = List.copyOf(passedOn);
        passedOn.clear();
        return taken;
    }

    public List<DeadLetter> deadLetters() {
        return List.copyOf(deadLetters);
    }

    public List<Forwarded> forwarded() {
        return List.copyOf(forwarded);
    }
}
