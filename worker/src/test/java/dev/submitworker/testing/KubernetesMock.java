package dev.submitworker.testing;

import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Kubernetes API server for tests: fabric8's mock server in CRUD mode, which speaks real HTTP, so Flink's shaded
 * Kubernetes client talks to it unchanged, through a kubeconfig file like any other cluster.
 */
public final class KubernetesMock {

    public static final String NAMESPACE = "flink";

    private final KubernetesMockServer server;
    private final NamespacedKubernetesClient client;
    private final Path kubeconfig;

    private KubernetesMock(KubernetesMockServer server, Path kubeconfig) {
        this.server = server;
        this.client = server.createClient();
        this.kubeconfig = kubeconfig;
    }

    public static KubernetesMock start() {
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        server.init();
        return withKubeconfig(server);
    }

    /**
     * An API server (expectations mode) where the worker's account may look but not create: every Deployment POST
     * answers 403 as RBAC does, and nothing exists.
     */
    public static KubernetesMock startForbiddingDeployments() {
        KubernetesMockServer server = new KubernetesMockServer(false);
        server.init();
        server.expect().post().withPath("/apis/apps/v1/namespaces/" + NAMESPACE + "/deployments")
                .andReturn(403, new io.fabric8.kubernetes.api.model.StatusBuilder().withCode(403)
                        .withReason("Forbidden").withMessage("deployments.apps is forbidden: User "
                                + "\"system:serviceaccount:flink:submit-worker\" cannot create resource "
                                + "\"deployments\" in API group \"apps\" in the namespace \"flink\"")
                        .build())
                .always();
        return withKubeconfig(server);
    }

    public int requestCount() {
        return server.getRequestCount();
    }

    /** The requests served since the last call (or the start), in order, as {@code METHOD path}. */
    public synchronized List<String> takeRequests() {
        List<String> taken = new ArrayList<>();
        try {
            for (RecordedRequest request = server.takeRequest(0, TimeUnit.MILLISECONDS); request != null;
                 request = server.takeRequest(0, TimeUnit.MILLISECONDS)) {
                taken.add(request.getMethod() + " " + request.getPath());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the requests served", e);
        }
        return taken;
    }

    /** How many of these requests read the REST Service of cluster {@code clusterId}. */
    public static long serviceReads(List<String> requests, String clusterId) {
        String path = "GET /api/v1/namespaces/" + NAMESPACE + "/services/" + clusterId + "-rest";
        return requests.stream().filter(request -> request.equals(path) || request.startsWith(path + "?")).count();
    }

    private static KubernetesMock withKubeconfig(KubernetesMockServer server) {
        try {
            Path kubeconfig = Files.createTempFile("submit-worker-kubeconfig", ".yaml");
            kubeconfig.toFile().deleteOnExit();
            Files.writeString(kubeconfig, """
                    apiVersion: v1
                    kind: Config
                    clusters:
                    - name: mock
                      cluster:
                        server: http://%s:%d
                    contexts:
                    - name: mock
                      context: { cluster: mock, namespace: %s, user: mock }
                    current-context: mock
                    users:
                    - name: mock
                      user: { token: not-a-real-token }
                    """.formatted(server.getHostName(), server.getPort(), NAMESPACE));
            return new KubernetesMock(server, kubeconfig);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path kubeconfig() {
        return kubeconfig;
    }

    public NamespacedKubernetesClient client() {
        return client;
    }

    /**
     * The REST Service a Flink session cluster {@code clusterId} would have, exposed as a LoadBalancer whose ingress
     * is {@code restAddress}: Flink's descriptor then resolves the cluster to that address.
     */
    public void exposeSessionCluster(String clusterId, URI restAddress) {
        client.services().inNamespace(NAMESPACE).resource(new ServiceBuilder()
                        .withNewMetadata().withName(clusterId + "-rest").withNamespace(NAMESPACE).endMetadata()
                        .withNewSpec().withType("LoadBalancer")
                        .addNewPort().withName("rest").withPort(restAddress.getPort()).endPort()
                        .endSpec()
                        .withNewStatus().withNewLoadBalancer().addNewIngress().withIp(restAddress.getHost())
                        .endIngress().endLoadBalancer().endStatus()
                        .build())
                .create();
    }

    public void close() {
        client.close();
        server.destroy();
    }
}
