package dev.submitworker.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.submitworker.testing.Ports;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.table.gateway.SqlGateway;
import org.apache.flink.table.gateway.service.context.DefaultContext;
import org.apache.flink.table.gateway.service.session.SessionManager;

/**
 * The peer route: Flink's own SQL Gateway 2.2.0 in this JVM, REST endpoint on a free port, every session's jobs going
 * to the same MiniCluster ({@code execution.target=remote}). Clients talk to it over its REST API v3 only.
 */
final class SqlGatewayPeer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration STATEMENT_TIMEOUT = Duration.ofSeconds(120);

    private final SqlGateway gateway;
    private final URI base;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private SqlGatewayPeer(SqlGateway gateway, URI base) {
        this.gateway = gateway;
        this.base = base;
    }

    static SqlGatewayPeer start(URI flinkRest) throws Exception {
        int port = Ports.freePort();
        Configuration config = new Configuration();
        config.setString("execution.target", "remote");
        config.setString("rest.address", flinkRest.getHost());
        config.setString("rest.port", String.valueOf(flinkRest.getPort()));
        config.setString("sql-gateway.endpoint.type", "rest");
        config.setString("sql-gateway.endpoint.rest.address", "127.0.0.1");
        config.setString("sql-gateway.endpoint.rest.bind-address", "127.0.0.1");
        config.setString("sql-gateway.endpoint.rest.port", String.valueOf(port));
        SqlGateway gateway = new SqlGateway(config, SessionManager.create(new DefaultContext(config, List.of())));
        gateway.start();
        return new SqlGatewayPeer(gateway, URI.create("http://127.0.0.1:" + port));
    }

    /** A session of the REST API: statements in it run one after another, as a SQL client would send them. */
    final class Session {
        private final String handle;

        private Session(String handle) {
            this.handle = handle;
        }

        /** Runs the statement and waits until its result is known; returns the Flink job id for an INSERT, else null. */
        String execute(String statement) throws Exception {
            JsonNode submitted = post("/v3/sessions/" + handle + "/statements", Map.of("statement", statement));
            String operation = submitted.get("operationHandle").asText();
            long deadline = System.nanoTime() + STATEMENT_TIMEOUT.toNanos();
            while (true) {
                JsonNode result = get("/v3/sessions/" + handle + "/operations/" + operation
                        + "/result/0?rowFormat=JSON");
                String type = result.path("resultType").asText();
                if (!type.equals("NOT_READY")) {
                    JsonNode jobId = result.get("jobID");
                    if (jobId != null && !jobId.isNull()) {
                        return jobId.asText();
                    }
                    return null;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("The SQL Gateway did not finish within " + STATEMENT_TIMEOUT
                            + ": " + statement);
                }
                // a result that is not ready yet: ask again shortly (bounded polling, as a REST client must)
                LockSupport.parkNanos(2_000_000);
            }
        }

        void close() throws Exception {
            send(HttpRequest.newBuilder(base.resolve("/v3/sessions/" + handle)).DELETE().build());
        }
    }

    Session openSession() throws Exception {
        return new Session(post("/v3/sessions", Map.of("properties", Map.of())).get("sessionHandle").asText());
    }

    private JsonNode post(String path, Object body) throws Exception {
        return send(HttpRequest.newBuilder(base.resolve(path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)))
                .build());
    }

    private JsonNode get(String path) throws Exception {
        return send(HttpRequest.newBuilder(base.resolve(path)).GET().build());
    }

    private JsonNode send(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        JsonNode body = response.body().length == 0 ? JSON.createObjectNode() : JSON.readTree(response.body());
        if (response.statusCode() >= 300) {
            throw new IllegalStateException("SQL Gateway answered HTTP " + response.statusCode() + " to "
                    + request.method() + " " + request.uri() + ": " + body);
        }
        return body;
    }

    @Override
    public void close() {
        gateway.stop();
    }
}
