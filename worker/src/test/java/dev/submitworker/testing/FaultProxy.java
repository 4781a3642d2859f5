package dev.submitworker.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy in front of a cluster's REST endpoint that can make the cluster misbehave, as a test switches it:
 * <ul>
 *   <li>{@link Mode#PASS}: bytes are piped both ways;</li>
 *   <li>{@link Mode#UNAVAILABLE_503}: a new connection's request head is read and answered
 *       {@code 503 Service Unavailable} with Flink's error body ({@value #UNAVAILABLE_BODY}), then closed, as a
 *       JobManager answers during a leader election;</li>
 *   <li>{@link Mode#UNRESPONSIVE}: new connections are accepted and never answered, and connections already piping
 *       stall (nothing more is passed on until the mode is PASS again) without being closed, as a JobManager that
 *       hangs.</li>
 * </ul>
 * It counts what it did in each mode, so that a test can tell a fault was felt, not only switched on.
 */
public final class FaultProxy implements AutoCloseable {

    public enum Mode { PASS, UNAVAILABLE_503, UNRESPONSIVE }

    public static final String UNAVAILABLE_BODY = "{\"errors\":[\"leader election in progress\"]}";
    private static final int MAX_HEAD = 64 * 1024;
    /** How long a connection left unanswered or being refused may stay idle before the proxy drops it. */
    private static final int IDLE_LIMIT_MS = 120_000;

    private final InetSocketAddress upstream;
    private final ServerSocket server;
    private final ExecutorService threads = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "fault-proxy");
        thread.setDaemon(true);
        return thread;
    });
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final Object modeChanged = new Object();
    private final AtomicLong answered503 = new AtomicLong();
    private final AtomicLong abandonedUnanswered = new AtomicLong();
    private volatile Mode mode = Mode.PASS;
    private volatile boolean closed;

    private FaultProxy(InetSocketAddress upstream) throws IOException {
        this.upstream = upstream;
        this.server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        threads.execute(this::accept);
    }

    /** A proxy on a free port of the loopback interface in front of {@code http://host:port}. */
    public static FaultProxy inFrontOf(URI address) throws IOException {
        return new FaultProxy(new InetSocketAddress(address.getHost(), address.getPort()));
    }

    /** The address clients use instead of the cluster's. */
    public URI address() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort());
    }

    public Mode mode() {
        return mode;
    }

    public void mode(Mode mode) {
        synchronized (modeChanged) {
            this.mode = mode;
            modeChanged.notifyAll();
        }
    }

    /** Requests answered with 503 so far. */
    public long answered503() {
        return answered503.get();
    }

    /** Connections left unanswered (UNRESPONSIVE) that their client gave up on and closed, so far. */
    public long abandonedUnanswered() {
        return abandonedUnanswered.get();
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = server.accept();
                open.add(client);
                Mode now = mode;
                threads.execute(() -> serve(client, now));
            } catch (IOException e) {
                if (!closed) {
                    throw new IllegalStateException("The fault proxy stopped accepting connections", e);
                }
            }
        }
    }

    private void serve(Socket client, Mode mode) {
        try {
            switch (mode) {
                case PASS -> pipe(client);
                case UNAVAILABLE_503 -> refuse(client);
                case UNRESPONSIVE -> ignore(client);
            }
        } catch (IOException e) {
            close(client);
        }
    }

    private void pipe(Socket client) throws IOException {
        Socket cluster = new Socket();
        open.add(cluster);
        try {
            cluster.connect(upstream, 5_000);
        } catch (IOException e) {
            close(cluster);
            throw e;
        }
        AtomicInteger directions = new AtomicInteger(2);
        threads.execute(() -> pump(cluster, client, directions));
        pump(client, cluster, directions);
    }

    /** Passes bytes from one socket to the other, holding them while the cluster is unresponsive. */
    private void pump(Socket from, Socket to, AtomicInteger directions) {
        byte[] buffer = new byte[16 * 1024];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                awaitResponsive();
                out.write(buffer, 0, read);
                out.flush();
            }
            to.shutdownOutput();
            if (directions.decrementAndGet() == 0) {
                close(from);
                close(to);
            }
        } catch (IOException | InterruptedException e) {
            close(from);
            close(to);
        }
    }

    private void awaitResponsive() throws InterruptedException {
        synchronized (modeChanged) {
            while (mode == Mode.UNRESPONSIVE && !closed) {
                modeChanged.wait();
            }
        }
    }

    /** Reads the request head, answers 503 with Flink's error body, and reads what else the client sends. */
    private void refuse(Socket client) throws IOException {
        client.setSoTimeout(IDLE_LIMIT_MS);
        InputStream in = client.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < end.length && head.size() < MAX_HEAD) {
            int b = in.read();
            if (b < 0) {
                close(client);
                return;
            }
            head.write(b);
            matched = b == end[matched] ? matched + 1 : b == end[0] ? 1 : 0;
        }
        byte[] body = UNAVAILABLE_BODY.getBytes(StandardCharsets.UTF_8);
        String response = "HTTP/1.1 503 Service Unavailable\r\n"
                + "Content-Type: application/json; charset=UTF-8\r\n"
                + "Content-Length: " + body.length + "\r\n"
                + "Connection: close\r\n\r\n";
        OutputStream out = client.getOutputStream();
        out.write(response.getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
        answered503.incrementAndGet();
        client.shutdownOutput();
        // closing with a request body unread would reset the connection before the client reads the answer
        drain(in);
        close(client);
    }

    /** Accepts and never answers; the connection ends when its client gives up. */
    private void ignore(Socket client) throws IOException {
        client.setSoTimeout(IDLE_LIMIT_MS);
        if (drain(client.getInputStream())) {
            abandonedUnanswered.incrementAndGet();
        }
        close(client);
    }

    /** @return whether the client ended the connection (rather than the proxy closing or the idle limit) */
    private boolean drain(InputStream in) {
        byte[] buffer = new byte[16 * 1024];
        try {
            while (in.read(buffer) >= 0) {
                // discarded
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            // reset by the client: it gave up too
        }
        return !closed;
    }

    private void close(Socket socket) {
        open.remove(socket);
        try {
            socket.close();
        } catch (IOException ignored) {
            // closed already
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        mode(Mode.PASS);
        server.close();
        open.forEach(this::close);
        threads.shutdownNow();
    }
}
