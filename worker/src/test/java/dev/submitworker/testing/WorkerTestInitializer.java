package dev.submitworker.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import org.springframework.boot.test.util.TestPropertyValues;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Points the worker under test at the shared broker and Flink cluster. Every worker test class uses this same
 * initializer, so Spring's test context cache gives them one worker for the whole JVM.
 */
public final class WorkerTestInitializer implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    public static final String COMMANDS = "it.commands";
    public static final String RESULTS = "it.results";
    public static final String DEAD_LETTERS = "it.commands.DLT";
    public static final String STATUS = "it.status";
    /** The worker's default ledger topic name, set explicitly so that tests can read the ledger by this name. */
    public static final String LEDGER = "submit-worker.ledger";
    /** The one API token the shared worker's OpenAPI front accepts. */
    public static final String OPENAPI_TOKEN = "it-openapi-token-5d1e";
    public static final String APPLICATION_IMAGE = "registry.example/flink:2.2.0-sql";

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        SharedInfrastructure.closeAfterTheTests(context);
        // the base of the tasks' savepoint directories (LATEST, EARLIEST), fresh for each test JVM
        String savepoints;
        try {
            savepoints = Files.createTempDirectory("submit-worker-it-savepoints-").toUri().toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        TestPropertyValues.of(
                "spring.kafka.bootstrap-servers=" + SharedInfrastructure.kafkaBootstrap(),
                "spring.kafka.consumer.group-id=it-worker",
                "worker.consumers=4",
                // a scraper's view of the meters (Spring Boot's tests leave metrics export off unless told)
                "management.prometheus.metrics.export.enabled=true",
                "worker.topics.commands=" + COMMANDS,
                "worker.topics.results=" + RESULTS,
                "worker.topics.dead-letter=" + DEAD_LETTERS,
                "worker.topics.status=" + STATUS,
                "worker.ledger.topic=" + LEDGER,
                "worker.catalog.dir=src/test/resources/tasks",
                "worker.ledger.store.dir=target/worker-state",
                "worker.clusters.session.type=standalone",
                "worker.clusters.session.address=" + SharedInfrastructure.flinkRestAddress(),
                "worker.clusters.local.rest-port=0",
                "worker.clusters.k8s-session.type=kubernetes-session",
                "worker.clusters.k8s-session.flink-config[kubernetes.cluster-id]="
                        + SharedInfrastructure.KUBERNETES_SESSION_ID,
                "worker.clusters.k8s-session.flink-config[kubernetes.namespace]=" + KubernetesMock.NAMESPACE,
                "worker.clusters.k8s-session.flink-config[kubernetes.config.file]="
                        + SharedInfrastructure.kubernetes().kubeconfig(),
                "worker.clusters.k8s-session.flink-config[kubernetes.rest-service.exposed.type]=LoadBalancer",
                "worker.clusters.k8s-absent.type=kubernetes-session",
                "worker.clusters.k8s-absent.flink-config[kubernetes.cluster-id]=no-such-session",
                "worker.clusters.k8s-absent.flink-config[kubernetes.namespace]=" + KubernetesMock.NAMESPACE,
                "worker.clusters.k8s-absent.flink-config[kubernetes.config.file]="
                        + SharedInfrastructure.kubernetes().kubeconfig(),
                "worker.clusters.k8s-app.type=kubernetes-application",
                "worker.clusters.k8s-app.flink-config[kubernetes.namespace]=" + KubernetesMock.NAMESPACE,
                "worker.clusters.k8s-app.flink-config[kubernetes.config.file]="
                        + SharedInfrastructure.kubernetes().kubeconfig(),
                "worker.clusters.k8s-app.flink-config[kubernetes.container.image.ref]=" + APPLICATION_IMAGE,
                "worker.clusters.k8s-app.flink-config[kubernetes.service-account]=flink",
                "worker.clusters.k8s-app.flink-config[taskmanager.numberOfTaskSlots]=2",
                "worker.clusters.k8s-forbidden.type=kubernetes-application",
                "worker.clusters.k8s-forbidden.flink-config[kubernetes.namespace]=" + KubernetesMock.NAMESPACE,
                "worker.clusters.k8s-forbidden.flink-config[kubernetes.config.file]="
                        + SharedInfrastructure.forbiddingKubernetes().kubeconfig(),
                "worker.clusters.k8s-forbidden.flink-config[kubernetes.container.image.ref]=" + APPLICATION_IMAGE,
                "worker.clusters.flaky.type=standalone",
                "worker.clusters.flaky.address=http://127.0.0.1:" + SharedInfrastructure.flakyClusterPort(),
                "worker.retry.deadline=30s",
                "worker.retry.initial-backoff=500ms",
                "worker.retry.max-backoff=2s",
                "worker.clusters.unreachable.type=standalone",
                "worker.clusters.unreachable.address=http://127.0.0.1:1",
                "worker.savepoints.dir=" + savepoints,
                "worker.openapi.enabled=true",
                "worker.openapi.port=0",
                "worker.openapi.tokens=" + OPENAPI_TOKEN)
                .applyTo(context);
    }
}
