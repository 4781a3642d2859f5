package dev.submitworker.testing;

import static org.awaitility.Awaitility.await;

import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A worker process's readiness probe, watched from the moment the process starts. */
public final class Readiness {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private Readiness() {}

    /** Polls the readiness probe until it answers 200; returns the status codes it answered on the way. */
    public static List<Integer> awaitReady(int port) {
        List<Integer> codes = new ArrayList<>();
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(50)).until(() -> {
            try {
                HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                        URI.create("http://localhost:" + port + "/actuator/health/readiness"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                codes.add(response.statusCode());
                return response.statusCode() == 200;
            } catch (ConnectException e) {
                return false; // not listening yet
            }
        });
        return codes;
    }
}
