package dev.submitworker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.submitworker.testing.Distribution;
import dev.submitworker.testing.FlinkTestClient;
import dev.submitworker.testing.KafkaTestClient;
import dev.submitworker.testing.SharedInfrastructure;
import dev.submitworker.testing.WorkerProcess;
import dev.submitworker.testing.WorkerPropertyNames;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docker/compose.yaml's worker, without Docker: the environment the container gets (the Dockerfile's ENV, then the
 * service's environment, exactly as written) with only the addresses and the image's state directory replaced, given
 * to the distribution's {@code bin/submit-worker} (the image's entry point), with the service's volumes copied where
 * the image mounts them. Every variable must be a property the worker binds (or the launcher's own), and the worker
 * must come up and run the mounted sample task on the session cluster entry the environment defines. What this does
 * not check: the images, the Dockerfile's build, Kafka and Flink as the compose file configures them, the health check.
 */
class ComposeIT {

    private static final Path DOCKER = Path.of("../docker");
    private static final Pattern ENV = Pattern.compile("^ENV ([A-Z0-9_]+)=\"?(.*?)\"?$");
    private static final Pattern MOUNT = Pattern.compile("^\\./([^:]+):/opt/submit-worker/([^:]+)(:ro)?$");
    /** bin/submit-worker's own variables (docs/distribution.md) */
    private static final Set<String> LAUNCHER = Set.of("JAVA_HOME", "SUBMIT_WORKER_OPTS");

    @TempDir
    Path temp;

    private static JsonNode workerService() throws IOException {
        return new ObjectMapper(new YAMLFactory()).readTree(DOCKER.resolve("compose.yaml").toFile())
                .at("/services/worker");
    }

    /** What the container's process sees: the image's ENV, then the service's environment over it. */
    private static Map<String, String> environment() throws IOException {
        Map<String, String> environment = new LinkedHashMap<>();
        for (String line : Files.readAllLines(DOCKER.resolve("Dockerfile"))) {
            Matcher env = ENV.matcher(line);
            if (env.matches()) {
                environment.put(env.group(1), env.group(2));
            }
        }
        workerService().get("environment").fields()
                .forEachRemaining(variable -> environment.put(variable.getKey(), variable.getValue().asText()));
        return environment;
    }

    @Test
    void everyVariableIsAPropertyOrTheLaunchers() throws IOException {
        List<Pattern> properties = new ArrayList<>();
        WorkerPropertyNames.all().forEach(property -> properties.add(environmentName(property.name())));
        springBootPropertyNames().forEach(name -> properties.add(environmentName(name)));

        assertThat(environment().keySet()).isNotEmpty().allSatisfy(variable -> assertThat(
                LAUNCHER.contains(variable) || properties.stream().anyMatch(p -> p.matcher(variable).matches()))
                .as("%s is a property of the worker or of Spring Boot, or the launcher's", variable).isTrue());
    }

    @Test
    void theWorkerComesUpWithThatEnvironmentAndRunsTheMountedTask() throws Exception {
        Path home = Distribution.unpack(Files.createDirectories(temp.resolve("dist")));
        Map<String, String> environment = new LinkedHashMap<>(environment());
        environment.replaceAll((name, value) -> switch (name) {
            case "SPRING_KAFKA_BOOTSTRAP_SERVERS" -> SharedInfrastructure.kafkaBootstrap();
            case "WORKER_CLUSTERS_FLINK_ADDRESS" -> SharedInfrastructure.flinkRestAddress().toString();
            default -> value.replace("/var/lib/submit-worker", temp.resolve("state").toString());
        });
        for (JsonNode volume : workerService().get("volumes")) {
            Matcher mount = MOUNT.matcher(volume.asText());
            if (mount.matches()) {
                mountInto(DOCKER.resolve(mount.group(1)), home.resolve(mount.group(2)));
            }
        }
        String instanceId = environment.get("WORKER_INSTANCE_ID");

        try (KafkaTestClient kafka = KafkaTestClient.forTopics("submit-worker.commands", "submit-worker.results",
                "submit-worker.commands.DLT");
             WorkerProcess worker = Distribution.start(home, List.of(), environment, instanceId)) {
            JsonNode answer = kafka.submit(KafkaTestClient.newRequestId("compose"), 1, null, null);

            FlinkTestClient.shared().awaitFinished(answer);
            assertThat(answer.at("/data/jobManagerAddress").asText())
                    .contains(String.valueOf(SharedInfrastructure.flinkRestAddress().getPort()));
            assertThat(worker.logLines("Instance " + instanceId)).isOne();

            // the OpenAPI front on the port the stack publishes, behind the stack's token
            URI version = URI.create("http://localhost:8088/openapi/version");
            String token = environment.get("WORKER_OPENAPI_TOKENS");
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            HttpResponse<String> open = http.send(HttpRequest.newBuilder(version).timeout(Duration.ofSeconds(10))
                    .build(), HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> withToken = http.send(HttpRequest.newBuilder(version).timeout(Duration.ofSeconds(10))
                    .header("dinky-token", token).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(open.statusCode()).isEqualTo(401);
            assertThat(withToken.statusCode()).isEqualTo(200);
            assertThat(new ObjectMapper().readTree(withToken.body()).path("code").asInt()).isZero();
        }
    }

    /** A property's name as an environment variable, Spring Boot's way: '.' as '_', '-' left out or as '_'. */
    private static Pattern environmentName(String property) {
        List<String> segments = new ArrayList<>();
        for (String segment : property.split("\\.")) {
            segments.add(segment.equals("*") ? "[A-Z0-9]+"
                    : Pattern.quote(segment.toUpperCase(Locale.ROOT)).replace("-", "\\E_?\\Q"));
        }
        return Pattern.compile(String.join("_", segments));
    }

    /** The properties Spring Boot's modules on the classpath document (their configuration metadata). */
    private static List<String> springBootPropertyNames() throws IOException {
        List<String> names = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        for (URL metadata : Collections.list(ComposeIT.class.getClassLoader()
                .getResources("META-INF/spring-configuration-metadata.json"))) {
            try (InputStream in = metadata.openStream()) {
                json.readTree(in).path("properties").forEach(property -> names.add(property.get("name").asText()));
            }
        }
        return names;
    }

    /** What a bind mount does: the directory's content replaced by the host directory's. */
    private static void mountInto(Path source, Path target) throws IOException {
        try (Stream<Path> old = Files.list(target)) {
            for (Path file : old.toList()) {
                Files.delete(file);
            }
        }
        try (Stream<Path> files = Files.list(source)) {
            for (Path file : files.toList()) {
                Files.copy(file, target.resolve(file.getFileName()));
            }
        }
    }
}
