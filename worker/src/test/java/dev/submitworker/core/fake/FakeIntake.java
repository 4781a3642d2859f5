package dev.submitworker.core.fake;

import dev.submitworker.core.Incoming;
import dev.submitworker.core.port.Intake;
import java.util.ArrayList;
import java.util.List;

/** Dead letters and forwarded commands in memory. */
public final class FakeIntake implements Intake {

    public record DeadLetter(Incoming record, String reason, Throwable failure) {}

    public record Forwarded(Incoming record, int partition) {}

    private final FakeUnitOfWork unitOfWork;
    private final List<DeadLetter> deadLetters = new ArrayList<>();
    private final List<Forwarded> forwarded = new ArrayList<>();

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

    public List<DeadLetter> deadLetters() {
        return List.copyOf(deadLetters);
    }

    public List<Forwarded> forwarded() {
        return List.copyOf(forwarded);
    }
}
