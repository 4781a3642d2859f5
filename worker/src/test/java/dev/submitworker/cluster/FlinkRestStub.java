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
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.runtime.execution.ExecutionState;
import org.apache.flink.runtime.messages.webmonitor.JobDetails;
import org.apache.flink.runtime.rest.util.RestMapperUtils;

/**
 * A stand-in for a JobManager's REST endpoint (or a proxy in front of one) that answers job submissions as told,
 * with Flink's error format {@code {"errors":[...]}}; reads are answered as told too, or passed on to a real cluster.
 * It keeps a log of the requests it was sent.
 */
final class FlinkRestStub implements AutoCloseable {

    record Reply(int status, String contentType, String body) {}

    /** The answer to a GET, by its path and query. */
    interface Reads {
        Reply answer(URI request) throws IOException;
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient UPSTREAM = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final HttpServer server;
    private final Queue<Request> requests = new ConcurrentLinkedQueue<>();

    /** A request as {@code METHOD path?query}, and when it came (epoch millis). */
    record Request(String line, long at) {}

    /** @param onSubmit the answer to {@code POST /v1/jobs} */
    private FlinkRestStub(Reply onSubmit, Reads onRead) {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            requests.add(new Request(exchange.getRequestMethod() + " " + exchange.getRequestURI(),
                    System.currentTimeMillis()));
            send(exchange, exchange.getRequestMethod().equals("POST") ? onSubmit
                    : onRead.answer(exchange.getRequestURI()));
        });
        server.start();
    }

    static FlinkRestStub answering(Reply onSubmit, Reply onRead) {
        return new FlinkRestStub(onSubmit, request -> onRead);
    }

    /** Refuses submissions as told; reads go to the real cluster at {@code upstream}. */
    static FlinkRestStub inFrontOf(URI upstream, Reply onSubmit) {
        return new FlinkRestStub(onSubmit, request -> forward(upstream, request));
    }

    /** A JobManager that answers every POST (a submit, a savepoint or stop trigger) alike, other requests as told. */
    static FlinkRestStub posting(Reply onPost, Reads onOther) {
        return new FlinkRestStub(onPost, onOther);
    }

    /** A JobManager that answers reads as told and takes no jobs. */
    static FlinkRestStub reading(Reads onRead) {
        return new FlinkRestStub(errors(503, "Not taking jobs."), onRead);
    }

    /** An answer of Flink's REST API: one of its message classes as Flink's REST handlers write it. */
    static Reply flink(Object message) {
        try {
            return new Reply(200, "application/json",
                    RestMapperUtils.getStrictObjectMapper().writeValueAsString(message));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A job as a jobs overview lists it: started at a fixed time, ended a minute later if it has ended. */
    static JobDetails job(JobID jobId, String name, JobStatus status) {
        long start = 1_700_000_000_000L;
        long end = status.isGloballyTerminalState() ? start + 60_000 : -1;
        return new JobDetails(jobId, name, start, end, 60_000, status, start + 60_000,
                new int[ExecutionState.values().length], 1);
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
        return (int) requests().stream().filter(request -> request.startsWith("POST ")).count();
    }

    /** Every request so far, as {@code METHOD path?query}, in the order they came. */
    List<String> requests() {
        return requests.stream().map(Request::line).toList();
    }

    /** Every request so far with its time, in the order they came. */
    List<Request> timedRequests() {
        return List.copyOf(requests);
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
