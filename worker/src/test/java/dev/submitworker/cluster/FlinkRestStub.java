package dev.submitworker.cluster;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for a JobManager's REST endpoint (or a proxy in front of one) that answers job submissions as told,
 * with Flink's error format {@code {"errors":[...]}}; reads of jobs are answered as told too, or passed on to a real
 * cluster.
 */
final class FlinkRestStub implements AutoCloseable {

    record Reply(int status, String contentType, String body) {}

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient UPSTREAM = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final HttpServer server;
    private final AtomicInteger submissions = new AtomicInteger();

    /**
     * @param onSubmit the answer to {@code POST /v1/jobs}
     * @param onRead   the answer to any GET, or null to pass GETs on to {@code upstream}
     */
    private FlinkRestStub(Reply onSubmit, Reply onRead, URI upstream) {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            if (exchange.getRequestMethod().equals("POST")) {
                submissions.incrementAndGet();
                send(exchange, onSubmit);
            } else if (onRead != null) {
                send(exchange, onRead);
            } else {
                send(exchange, forward(upstream, exchange.getRequestURI()));
            }
        });
        server.start();
    }

    static FlinkRestStub answering(Reply onSubmit, Reply onRead) {
        return new FlinkRestStub(onSubmit, onRead, null);
    }

    /** Refuses submissions as told; reads go to the real cluster at {@code upstream}. */
    static FlinkRestStub inFrontOf(URI upstream, Reply onSubmit) {
        return new FlinkRestStub(onSubmit, null, upstream);
    }

    static Reply errors(int status, String... errors) {
        try {
            return new Reply(status, "application/json", JSON.writeValueAsString(Map.of("errors", List.of(errors))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Reply html(int status, String body) {
        return new Reply(status, "text/html", body);
    }

    URI address() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    int submissions() {
        return submissions.get();
    }

    private static Reply forward(URI upstream, URI path) throws IOException {
        try {
            HttpResponse<String> response = UPSTREAM.send(HttpRequest.newBuilder(upstream.resolve(path))
                    .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), "application/json", response.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private static void send(HttpExchange exchange, Reply reply) throws IOException {
        byte[] body = reply.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", reply.contentType());
        exchange.sendResponseHeaders(reply.status(), body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
