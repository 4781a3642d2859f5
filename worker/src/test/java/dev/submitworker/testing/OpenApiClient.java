package dev.submitworker.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import dev.submitworker.openapi.AccessFilter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Calls to a worker's Dinky OpenAPI front over HTTP, as a scheduler makes them: each call printed with its time and a
 * summary of its response ({@code <label>: ...} lines), and each answer checked against its schema in schemas/dinky/.
 *
 * @param token the {@code dinky-token} that {@link #dinky} sends
 * @param label the prefix of the lines printed for each call
 */
public record OpenApiClient(int port, String token, String label) {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public record Response(int status, JsonNode body, long millis) {}

    /** One call to the port, with only the headers given (name, value, ...). */
    public Response call(String method, String path, String body, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(90))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (headers.length > 0) {
            request.headers(headers);
        }
        long start = System.nanoTime();
        try {
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            long millis = (System.nanoTime() - start) / 1_000_000;
            JsonNode json = response.body().isEmpty() ? JSON.nullNode() : JSON.readTree(response.body());
            return new Response(response.statusCode(), json, millis);
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * One call with the token, printed; it must answer HTTP 200 with a body valid against the schema (business
     * outcomes come with 200, as Dinky sends them).
     */
    public Response dinky(String method, String path, String body, JsonSchema shape, String... headers) {
        String[] all = new String[headers.length + 2];
        all[0] = AccessFilter.TOKEN_HEADER;
        all[1] = token;
        System.arraycopy(headers, 0, all, 2, headers.length);
        Response response = call(method, path, body, all);
        System.out.printf("%s: %s %s %s -> HTTP %d in %d ms: %s%n", label, method, path, body == null ? "" : body,
                response.status(), response.millis(), abbreviated(response.body()));
        assertThat(response.status()).as(response.body().toString()).isEqualTo(200);
        Schemas.assertValid(shape, response.body());
        return response;
    }

    private static String abbreviated(JsonNode body) {
        JsonNode data = body.path("data");
        String shown = data.isObject() && data.has("statement")
                ? "{code=" + body.path("code") + ", msg=" + body.path("msg") + ", data.jobInstanceId="
                        + data.path("jobInstanceId") + ", data.jobId=" + data.path("jobId") + "}"
                : data.isObject() && data.has("status")
                ? "{code=" + body.path("code") + ", data.id=" + data.path("id") + ", data.jid=" + data.path("jid")
                        + ", data.status=" + data.path("status") + ", data.error=" + data.path("error") + "}"
                : body.toString();
        return shown.length() > 400 ? shown.substring(0, 400) + "..." : shown;
    }
}
