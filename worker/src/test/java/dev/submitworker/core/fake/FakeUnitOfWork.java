package dev.submitworker.core.fake;

import dev.submitworker.core.port.UnitOfWork;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** A unit of work in memory: the fakes' writes take effect at commit, in order, or not at all. */
public final class FakeUnitOfWork implements UnitOfWork {

    private record Write(Object cause, Runnable apply) {}

    private final List<Write> writes = new ArrayList<>();
    private final List<Runnable> onEnd = new ArrayList<>();
    private Object cause;
    private Predicate<Object> refused = cause -> false;
    private int commits;

    /** Joins a write, made for the current cause, to the unit of work. */
    void write(Runnable apply) {
        writes.add(new Write(cause, apply));
    }

    /** Runs at the end of every unit of work, committed or not (the fakes drop their uncommitted views). */
    void onEnd(Runnable reset) {
        onEnd.add(reset);
    }

    /** From now on a commit holding a write made for a matching cause fails and names it (a write Kafka refuses). */
    public void refuseWritesFor(Predicate<Object> causes) {
        this.refused = causes;
    }

    public int commits() {
        return commits;
    }

    @Override
    public void attribute(Object cause) {
        this.cause = cause;
    }

    @Override
    public boolean commit() {
        try {
            for (Write write : writes) {
                if (refused.test(write.cause())) {
                    throw new CommitFailedException("a write for " + write.cause() + " was refused",
                            new IllegalStateException("refused"), write.cause());
                }
            }
            boolean wrote = !writes.isEmpty();
            writes.forEach(write -> write.apply().run());
            commits++;
            return wrote;
        } finally {
            writes.clear();
            onEnd.forEach(Runnable::run);
        }
    }

    @Override
    public void abort() {
        writes.clear();
        onEnd.forEach(Runnable::run);
    }
}
