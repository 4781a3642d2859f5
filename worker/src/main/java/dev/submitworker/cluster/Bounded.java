package dev.submitworker.cluster;

import dev.submitworker.core.port.ClusterUnreachableException;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.util.concurrent.ExecutorThreadFactory;

/**
 * Waiting for a cluster no longer than a bound. Blocking calls (the Kubernetes client's) run on threads of their own
 * so that the caller can stop waiting; work that runs out of time is cancelled, and interrupted where it runs here.
 */
final class Bounded implements AutoCloseable {

    private final ExecutorService executor;

    Bounded(String threadName) {
        executor = Executors.newCachedThreadPool(new ExecutorThreadFactory(threadName));
    }

    /**
     * @param what what the work does, for the timeout's message ("reading job ...")
     * @throws ExecutionException the work failed; its cause says why
     * @throws TimeoutException   the work did not finish within the bound
     */
    <T> T call(Callable<T> work, Duration bound, String what) throws ExecutionException, TimeoutException {
        return await(executor.submit(work), bound, what);
    }

    /** As {@link #call}, for work already under way (a REST client's request). */
    static <T> T await(Future<T> work, Duration bound, String what) throws ExecutionException, TimeoutException {
        try {
            return work.get(bound.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            work.cancel(true);
            throw new TimeoutException(what + " took longer than " + bound.toMillis() + " ms");
        } catch (InterruptedException e) {
            work.cancel(true);
            Thread.currentThread().interrupt();
            throw new ClusterUnreachableException("Interrupted while " + what, e);
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
