package dev.submitworker.core.fake;

import dev.submitworker.core.StatusEvent;
import dev.submitworker.core.port.StatusEvents;
import java.util.ArrayList;
import java.util.List;

/** Status events in memory, in the order they were committed. */
public final class FakeStatusEvents implements StatusEvents {

    private final FakeUnitOfWork unitOfWork;
    private final List<StatusEvent> committed = new ArrayList<>();

    public FakeStatusEvents(FakeUnitOfWork unitOfWork) {
        this.unitOfWork = unitOfWork;
    }

    @Override
    public void publish(StatusEvent event) {
        unitOfWork.write(() -> committed.add(event));
    }

    /** Every committed event of a request, in order. */
    public List<StatusEvent> of(String requestId) {
        return committed.stream().filter(event -> event.requestId().value().equals(requestId)).toList();
    }

    public List<StatusEvent> all() {
        return List.copyOf(committed);
    }
}
