package dev.submitworker.testing;

import dev.submitworker.cluster.EmbeddedFlinkCluster;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * One real Kafka broker (KRaft) and one real Flink cluster (MiniCluster with REST) per test JVM, started on first use
 * and shared by every test class: each takes seconds to start. Tests keep apart through their own request ids (and
 * topics where they need them), never by restarting these.
 */
public final class SharedInfrastructure {

    private static EmbeddedKafkaKraftBroker broker;
    private static EmbeddedFlinkCluster flink;
    private static KubernetesMock kubernetes;

    /**
     * The in-JVM workers on them. They are closed once the tests are over, before the JVM exits: in its shutdown
     * hooks a worker would still commit while Kafka's own hook deletes the broker's log directory under it, and
     * its commits would hang until surefire kills the JVM.
     */
    private static final List<ConfigurableApplicationContext> workers = new CopyOnWriteArrayList<>();

    private SharedInfrastructure() {}

    public static void closeAfterTheTests(ConfigurableApplicationContext worker) {
        workers.add(worker);
    }

    /** Closes the in-JVM workers at the end of the test session (a JUnit launcher session listener). */
    public static final class CloseWorkers implements LauncherSessionListener {
        @Override
        public void launcherSessionClosed(LauncherSession session) {
            workers.forEach(ConfigurableApplicationContext::close);
        }
    }

    public static synchronized String kafkaBootstrap() {
        if (broker == null) {
            broker = TestBroker.start();
            Runtime.getRuntime().addShutdownHook(new Thread(broker::destroy, "test-broker-shutdown"));
        }
        return broker.getBrokersAsString();
    }

    /** The REST address of the shared session cluster, which the tests' {@code session} cluster entry points at. */
    public static synchronized URI flinkRestAddress() {
        if (flink == null) {
            // Streaming test jobs hold slots until cancelled; 16 keeps a slow suite from running out.
            flink = EmbeddedFlinkCluster.start(0, 16, Map.of());
            Runtime.getRuntime().addShutdownHook(new Thread(flink::close, "test-flink-shutdown"));
        }
        return flink.restAddress();
    }

    /**
     * A Kubernetes API (mock) on which the session cluster {@link #KUBERNETES_SESSION_ID} is the shared Flink cluster:
     * its REST Service points at {@link #flinkRestAddress()}.
     */
    public static synchronized KubernetesMock kubernetes() {
        if (kubernetes == null) {
            kubernetes = KubernetesMock.start();
            kubernetes.exposeSessionCluster(KUBERNETES_SESSION_ID, flinkRestAddress());
            Runtime.getRuntime().addShutdownHook(new Thread(kubernetes::close, "test-kubernetes-shutdown"));
        }
        return kubernetes;
    }

    public static final String KUBERNETES_SESSION_ID = "it-session";

    private static int flakyClusterPort;

    /**
     * A port where no cluster runs until a test starts one ({@code EmbeddedFlinkCluster.start(port, ...)}): the
     * address of the {@code flaky} cluster entry, for outage tests.
     */
    public static synchronized int flakyClusterPort() {
        if (flakyClusterPort == 0) {
            try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
                flakyClusterPort = socket.getLocalPort();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return flakyClusterPort;
    }

    private static KubernetesMock forbiddingKubernetes;

    /** A Kubernetes API that refuses to create Deployments (RBAC: the worker's account may not). */
    public static synchronized KubernetesMock forbiddingKubernetes() {
        if (forbiddingKubernetes == null) {
            forbiddingKubernetes = KubernetesMock.startForbiddingDeployments();
            Runtime.getRuntime().addShutdownHook(new Thread(forbiddingKubernetes::close, "test-k8s-403-shutdown"));
        }
        return forbiddingKubernetes;
    }
}
