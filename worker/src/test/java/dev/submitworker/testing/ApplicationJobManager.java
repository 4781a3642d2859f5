package dev.submitworker.testing;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.flink.client.deployment.executors.RemoteExecutor;
import org.apache.flink.client.deployment.application.ApplicationConfiguration;
import org.apache.flink.core.execution.DefaultExecutorServiceLoader;
import org.apache.flink.client.program.PackagedProgram;
import org.apache.flink.client.program.ProgramInvocationException;
import org.apache.flink.client.program.StreamContextEnvironment;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.DeploymentOptions;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.PipelineOptionsInternal;
import org.apache.flink.configuration.RestOptions;

/**
 * What Kubernetes and Flink's entrypoint would do with an application cluster the worker deployed on the mock API,
 * done by the test: the cluster's program, as its ConfigMap ({@code flink-config-<cluster-id>}) names it (main class,
 * arguments, the job's options and its fixed JobID), is run against the shared MiniCluster, which then stands in for
 * the cluster's JobManager; and the cluster's REST Service is exposed as a LoadBalancer at the MiniCluster's REST
 * address, as a Service of type LoadBalancer is once the JobManager is up. A SQL task's program is Flink's own SQL
 * driver, run here with the script the worker put in the ConfigMap.
 */
public final class ApplicationJobManager {

    private static final Duration PROGRAM_BOUND = Duration.ofSeconds(60);

    private ApplicationJobManager() {}

    /**
     * Runs the program of application cluster {@code clusterId} on the shared MiniCluster (detached: the program
     * returns once its job is submitted) and points the cluster's REST Service at it.
     *
     * @return the JobID the program's job runs under: the one in the cluster's configuration
     */
    public static String start(KubernetesMock kubernetes, String clusterId) throws Exception {
        Configuration configuration = configurationOf(kubernetes, clusterId);
        URI jobManager = SharedInfrastructure.flinkRestAddress();
        configuration.set(DeploymentOptions.TARGET, RemoteExecutor.NAME);
        configuration.set(DeploymentOptions.ATTACHED, false);
        configuration.set(RestOptions.ADDRESS, jobManager.getHost());
        configuration.set(RestOptions.PORT, jobManager.getPort());
        ApplicationConfiguration application = ApplicationConfiguration.fromConfiguration(configuration);
        PackagedProgram program = PackagedProgram.newBuilder()
                .setEntryPointClassName(application.getApplicationClassName())
                .setArguments(application.getProgramArguments())
                .setConfiguration(configuration)
                .build();
        try {
            CompletableFuture.runAsync(() -> run(program, configuration, clusterId))
                    .get(PROGRAM_BOUND.toMillis(), TimeUnit.MILLISECONDS);
        } finally {
            program.close();
        }
        kubernetes.client().services().inNamespace(KubernetesMock.NAMESPACE).withName(clusterId + "-rest")
                .edit(service -> new ServiceBuilder(service)
                        .editSpec().withType("LoadBalancer")
                        .withPorts(new ServicePortBuilder().withName("rest").withPort(jobManager.getPort()).build())
                        .endSpec()
                        .withNewStatus().withNewLoadBalancer().addNewIngress().withIp(jobManager.getHost())
                        .endIngress().endLoadBalancer().endStatus()
                        .build());
        return configuration.get(PipelineOptionsInternal.PIPELINE_FIXED_JOB_ID);
    }

    /**
     * Runs the program with its jobs going to the executor of the configuration, as Flink's {@code ClientUtils} does
     * for a DataStream or Table program (it also sets up the DataStream V2 environment, which needs
     * {@code --add-opens java.base/java.util} that the test JVM does not have, and which a SQL program does not use).
     */
    private static void run(PackagedProgram program, Configuration configuration, String clusterId) {
        Thread thread = Thread.currentThread();
        ClassLoader before = thread.getContextClassLoader();
        thread.setContextClassLoader(program.getUserCodeClassLoader());
        StreamContextEnvironment.setAsContext(new DefaultExecutorServiceLoader(), configuration,
                program.getUserCodeClassLoader(), false, false);
        try {
            program.invokeInteractiveModeForExecution();
        } catch (ProgramInvocationException e) {
            throw new IllegalStateException("the program of application cluster " + clusterId + " failed", e);
        } finally {
            StreamContextEnvironment.unsetAsContext();
            thread.setContextClassLoader(before);
        }
    }

    /** The Flink configuration the cluster's JobManager would start with, read from the ConfigMap. */
    private static Configuration configurationOf(KubernetesMock kubernetes, String clusterId) throws IOException {
        ConfigMap configMap = kubernetes.client().configMaps().inNamespace(KubernetesMock.NAMESPACE)
                .withName("flink-config-" + clusterId).get();
        if (configMap == null) {
            throw new IllegalStateException("application cluster " + clusterId + " has no ConfigMap");
        }
        Path directory = Files.createTempDirectory("flink-config-" + clusterId);
        try {
            Files.writeString(directory.resolve(GlobalConfiguration.FLINK_CONF_FILENAME),
                    configMap.getData().get(GlobalConfiguration.FLINK_CONF_FILENAME));
            return GlobalConfiguration.loadConfiguration(directory.toString());
        } finally {
            Files.delete(directory.resolve(GlobalConfiguration.FLINK_CONF_FILENAME));
            Files.delete(directory);
        }
    }
}
