package dev.submitworker.cluster;

import dev.submitworker.compile.ApplicationJob;
import dev.submitworker.compile.Failures;
import dev.submitworker.core.port.ClusterGateway;
import dev.submitworker.core.port.ClusterUnreachableException;
import dev.submitworker.core.port.CompiledJob;
import dev.submitworker.core.port.RefusedException;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeoutException;
import org.apache.flink.client.deployment.ClusterDeploymentException;
import org.apache.flink.client.deployment.application.ApplicationConfiguration;
import org.apache.flink.client.program.ClusterClient;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.DeploymentOptions;
import org.apache.flink.configuration.IllegalConfigurationException;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.PipelineOptionsInternal;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.kubernetes.KubernetesClusterClientFactory;
import org.apache.flink.kubernetes.KubernetesClusterDescriptor;
import org.apache.flink.kubernetes.artifact.DefaultKubernetesArtifactUploader;
import org.apache.flink.kubernetes.configuration.KubernetesConfigOptions;
import org.apache.flink.kubernetes.configuration.KubernetesDeploymentTarget;
import org.apache.flink.kubernetes.kubeclient.Endpoint;
import org.apache.flink.kubernetes.kubeclient.FlinkKubeClient;
import org.apache.flink.kubernetes.kubeclient.FlinkKubeClientFactory;
import org.apache.flink.kubernetes.kubeclient.decorators.ExternalServiceDecorator;
import org.apache.flink.kubernetes.kubeclient.services.ServiceType;
import org.apache.flink.kubernetes.shaded.io.fabric8.kubernetes.api.model.Service;
import org.apache.flink.kubernetes.shaded.io.fabric8.kubernetes.client.KubernetesClientException;
import org.apache.flink.kubernetes.shaded.io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.runtime.rest.RestClient;
import org.apache.flink.runtime.rest.messages.EmptyRequestBody;
import org.apache.flink.runtime.rest.messages.MessageHeaders;
import org.apache.flink.runtime.rest.messages.MessageParameters;
import org.apache.flink.runtime.rest.messages.ResponseBody;
import org.apache.flink.util.ConfigurationException;
import org.apache.flink.util.ExceptionUtils;
import org.apache.flink.util.concurrent.ExecutorThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A kubernetes-application cluster entry: one Flink application cluster per job, deployed with Flink's native
 * integration ({@link KubernetesClusterDescriptor#deployApplicationCluster}); the JobManager compiles and runs the job
 * under the request's JobID.
 *
 * <p>The cluster-id is the JobID's ({@code job-<JobID>}), so the job's cluster is found from its JobID alone: its REST
 * Service existing means the job is deployed (a redelivered request deploys nothing), and the job's name, which the
 * Service carries as the annotation {@value #JOB_NAME_ANNOTATION}, tells whether it is this request's job. The
 * JobManager stays up after its job ends ({@code execution.shutdown-on-application-finish=false}, as the Flink
 * Kubernetes operator deploys): a cluster that removed itself would be deployed, and its job run, again by the next
 * reconciliation. The worker deletes a cluster ({@link #release}) once it has recorded its job's end. A program that
 * fails before it submits its job still leaves a FAILED job behind
 * ({@code execution.submit-failed-job-on-application-error=true}).
 *
 * <p>SQL tasks run Flink's own SQL driver on the JobManager ({@value #SQL_DRIVER}, FLIP-480) with the script as its
 * {@code --script} argument, which lives in the cluster's Flink configuration (the {@code flink-config-<cluster-id>}
 * ConfigMap the JobManager Deployment owns). Jar tasks run their program from a {@code local://} jar in the image.
 * Options, lowest priority first: the entry's {@code flink-config}, then the job's options.
 */
public final class KubernetesApplicationGateway implements ClusterGateway, AutoCloseable {

    public static final String SQL_DRIVER = "org.apache.flink.table.runtime.application.SqlDriver";
    /** The state {@link #find} reports for a deployed job whose JobManager cannot tell (unreachable, starting). */
    public static final String UNKNOWN_STATUS = "UNKNOWN";
    static final String JOB_NAME_ANNOTATION = "submit-worker/job-name";
    /** Application clusters asked at once while observing: each holds one job, so each is one question. */
    static final int CLUSTERS_ASKED_AT_ONCE = 8;

    private static final Logger log = LoggerFactory.getLogger(KubernetesApplicationGateway.class);

    private final String entry;
    private final Map<String, String> flinkConfig;
    private final Configuration entryConfiguration;
    private final String namespace;
    private final ClusterTimeouts timeouts;
    private final NamespacedKubernetesClient kubernetes;
    private final Bounded bounded;
    private final ExecutorService observers;
    private final ExecutorService restResponses;
    /** One REST client for every application cluster's JobManager: each call names its address. */
    private final RestClient jobManagers;

    /**
     * @param flinkConfig the entry's Flink options: {@code kubernetes.*} (namespace, kubeconfig, image, service
     *                    account, ...) and the defaults of every cluster it deploys
     * @throws ClusterUnreachableException no Kubernetes client can be made (the kubeconfig cannot be read)
     * @throws IllegalArgumentException    the REST client options (SSL) are wrong
     */
    public KubernetesApplicationGateway(String entry, Map<String, String> flinkConfig, ClusterTimeouts timeouts) {
        validate(entry, flinkConfig);
        this.entry = entry;
        this.flinkConfig = Map.copyOf(flinkConfig);
        this.entryConfiguration = Configuration.fromMap(flinkConfig);
        this.namespace = entryConfiguration.get(KubernetesConfigOptions.NAMESPACE);
        this.timeouts = timeouts;
        Configuration restConfiguration = timeouts.restClientDefaults();
        restConfiguration.addAll(entryConfiguration);
        // the client's responses are read here, never on the observers, which wait for them
        this.restResponses = Executors.newFixedThreadPool(2,
                new ExecutorThreadFactory("kubernetes-application-rest-" + entry));
        try {
            this.jobManagers = new RestClient(restConfiguration, restResponses);
        } catch (ConfigurationException e) {
            restResponses.shutdownNow();
            throw new IllegalArgumentException("worker.clusters." + entry + ".flink-config: no REST client for the "
                    + "application clusters: " + e.getMessage(), e);
        }
        try {
            this.kubernetes = FlinkKubeClientFactory.getInstance().createFabric8ioKubernetesClient(entryConfiguration);
        } catch (RuntimeException e) {
            jobManagers.closeAsync();
            restResponses.shutdownNow();
            throw new ClusterUnreachableException("No Kubernetes client for cluster entry '" + entry + "': "
                    + Failures.explain(e), e);
        }
        this.bounded = new Bounded("kubernetes-application-" + entry);
        this.observers = Executors.newFixedThreadPool(CLUSTERS_ASKED_AT_ONCE,
                new ExecutorThreadFactory("kubernetes-application-observer-" + entry));
    }

    static void validate(String entryName, Map<String, String> flinkConfig) {
        if (!flinkConfig.containsKey(KubernetesConfigOptions.CONTAINER_IMAGE.key())) {
            throw new IllegalArgumentException("worker.clusters." + entryName + ".flink-config."
                    + KubernetesConfigOptions.CONTAINER_IMAGE.key() + " is required for a kubernetes-application "
                    + "cluster (the Flink image the application clusters run)");
        }
    }

    /**
     * {@code job-<JobID>}: a DNS-1123 label within Flink's 45 characters for cluster-ids, found again from the JobID
     * alone (a name-based one would need the job's name, which {@link #find} does not have).
     */
    public static String clusterId(String jobId) {
        return "job-" + jobId;
    }

    /**
     * Not a JobManager's address (each job gets a cluster of its own: see {@link Deployment#jobManagerAddress()}) but
     * where the clusters go: {@code kubernetes:<namespace>}.
     */
    @Override
    public String address() {
        return "kubernetes:" + namespace;
    }

    /**
     * Deploys the job's application cluster, unless a cluster for its JobID exists already.
     *
     * @throws IllegalArgumentException the job is not an {@link ApplicationJob}
     */
    @Override
    public Deployment submit(CompiledJob job) {
        if (!(job instanceof ApplicationJob application)) {
            throw new IllegalArgumentException("Cluster entry '" + entry + "' deploys application clusters: it takes "
                    + "an ApplicationJob, not " + job.getClass().getSimpleName());
        }
        String what = "Deploying the application cluster of job " + job.jobId();
        try {
            return bounded.call(() -> deploy(application), timeouts.submit(), what);
        } catch (ExecutionException | TimeoutException e) {
            throw classify(what, unwrap(e));
        }
    }

    private Deployment deploy(ApplicationJob job) throws ClusterDeploymentException {
        String jobName = job.description().jobName();
        String clusterId = clusterId(job.jobId());
        Optional<Service> existing = restService(clusterId);
        if (existing.isPresent()) {
            String deployedName = jobNameOf(existing.get());
            if (!jobName.equals(deployedName)) {
                throw new RefusedException("JobID " + job.jobId() + " is taken in namespace " + namespace
                        + " by application cluster " + clusterId + " of another job, '" + deployedName + "', not '"
                        + jobName + "': its requestId was used before, by a request the ledger no longer remembers or "
                        + "by another deployment sharing the namespace");
            }
            URI address = KubernetesRestEndpoints.restAddress(entry, forCluster(clusterId));
            return new Deployment(false, address.getHost() + ":" + address.getPort(), clusterId);
        }
        Configuration configuration = configuration(job, clusterId);
        try (KubernetesClusterDescriptor descriptor = new KubernetesClusterDescriptor(configuration,
                FlinkKubeClientFactory.getInstance(), new DefaultKubernetesArtifactUploader());
             ClusterClient<String> client = descriptor.deployApplicationCluster(
                     new KubernetesClusterClientFactory().getClusterSpecification(configuration),
                     ApplicationConfiguration.fromConfiguration(configuration)).getClusterClient()) {
            URI address = URI.create(client.getWebInterfaceURL());
            log.info("Application cluster {} of job {} deployed in namespace {}", clusterId, job.jobId(), namespace);
            return new Deployment(true, address.getHost() + ":" + address.getPort(), clusterId);
        }
    }

    private Configuration configuration(ApplicationJob job, String clusterId) {
        Configuration configuration = new Configuration();
        // Flink's own defaults from its distribution's config file; the descriptor refuses to deploy without them
        configuration.set(JobManagerOptions.TOTAL_PROCESS_MEMORY, MemorySize.parse("1600m"));
        configuration.set(TaskManagerOptions.TOTAL_PROCESS_MEMORY, MemorySize.parse("1728m"));
        configuration.addAll(entryConfiguration);
        configuration.addAll(Configuration.fromMap(job.options()));
        configuration.set(DeploymentOptions.TARGET, KubernetesDeploymentTarget.APPLICATION.getName());
        configuration.set(KubernetesConfigOptions.CLUSTER_ID, clusterId);
        configuration.set(PipelineOptionsInternal.PIPELINE_FIXED_JOB_ID, job.jobId());
        configuration.set(DeploymentOptions.SHUTDOWN_ON_APPLICATION_FINISH, false);
        configuration.set(DeploymentOptions.SUBMIT_FAILED_JOB_ON_APPLICATION_ERROR, true);
        Map<String, String> annotations = new HashMap<>(
                configuration.getOptional(KubernetesConfigOptions.REST_SERVICE_ANNOTATIONS).orElse(Map.of()));
        annotations.put(JOB_NAME_ANNOTATION, job.description().jobName());
        configuration.set(KubernetesConfigOptions.REST_SERVICE_ANNOTATIONS, annotations);
        if (job.savepointPath() != null) {
            SavepointRestoreSettings.toConfiguration(SavepointRestoreSettings.forPath(job.savepointPath(),
                    job.allowNonRestoredState()), configuration);
        }
        if (job.script() != null) {
            configuration.set(ApplicationConfiguration.APPLICATION_MAIN_CLASS, SQL_DRIVER);
            configuration.set(ApplicationConfiguration.APPLICATION_ARGS, List.of("--script", job.script()));
        } else {
            configuration.set(PipelineOptions.JARS, List.of(job.jar().uri()));
            if (job.jar().mainClass() != null) {
                configuration.set(ApplicationConfiguration.APPLICATION_MAIN_CLASS, job.jar().mainClass());
            }
            configuration.set(ApplicationConfiguration.APPLICATION_ARGS, job.jar().args());
        }
        return configuration;
    }

    /**
     * The job's application cluster as Kubernetes knows it: empty when no cluster was deployed for the JobID (or it
     * was deleted). Its state is the JobManager's when the worker can reach that over REST (from inside Kubernetes)
     * and the job has been submitted there; otherwise {@value #UNKNOWN_STATUS}.
     */
    @Override
    public Optional<JobState> find(String jobId) {
        try (JobControl job = control(jobId)) {
            return job.find();
        }
    }

    /**
     * The REST Service of the job's application cluster, empty when there is none.
     *
     * @throws ClusterUnreachableException the Kubernetes API could not be asked
     */
    private Optional<Service> lookUpRestService(String jobId) {
        String what = "Looking up the application cluster of job " + jobId;
        try {
            return bounded.call(() -> restService(clusterId(jobId)), timeouts.request(), what);
        } catch (ExecutionException | TimeoutException e) {
            Throwable failure = unwrap(e);
            throw new ClusterUnreachableException(what + " (cluster entry '" + entry + "', namespace " + namespace
                    + ") failed: " + Failures.explain(failure), failure);
        }
    }

    /**
     * Each job's cluster is asked on its own, {@value #CLUSTERS_ASKED_AT_ONCE} at once: Kubernetes for its REST
     * Service (there is none: the job is unknown), then the JobManager behind it, as a session cluster is asked
     * ({@link JobObserver}). A JobManager that does not answer, or has no job yet (its program is still starting),
     * leaves its job unreachable; the other jobs are reported all the same.
     *
     * @throws ClusterUnreachableException the Kubernetes API could not be asked
     */
    @Override
    public Observation observe(Map<String, String> known) {
        Map<String, Future<Observation>> asked = new LinkedHashMap<>();
        known.forEach((jobId, status) -> asked.put(jobId, observers.submit(() -> observeCluster(jobId, status))));
        Map<String, JobState> jobs = new HashMap<>();
        Set<String> unknown = new HashSet<>();
        Set<String> unreachable = new HashSet<>();
        try {
            for (Future<Observation> cluster : asked.values()) {
                // every call made for a cluster is bounded, so this wait is too
                Observation seen = cluster.get();
                jobs.putAll(seen.jobs());
                unknown.addAll(seen.unknown());
                unreachable.addAll(seen.unreachable());
            }
        } catch (ExecutionException e) {
            asked.values().forEach(cluster -> cluster.cancel(true));
            throw e.getCause() instanceof RuntimeException failure ? failure : new IllegalStateException(e);
        } catch (InterruptedException e) {
            asked.values().forEach(cluster -> cluster.cancel(true));
            Thread.currentThread().interrupt();
            throw new ClusterUnreachableException("Interrupted while observing the jobs of cluster entry '" + entry
                    + "'", e);
        }
        return new Observation(jobs, unknown, unreachable);
    }

    private Observation observeCluster(String jobId, String lastStatus) {
        Optional<Service> service = lookUpRestService(jobId);
        if (service.isEmpty()) {
            return new Observation(Map.of(), Set.of(jobId), Set.of());
        }
        String clusterId = clusterId(jobId);
        try {
            Endpoint jobManager = bounded.call(() -> restEndpoint(service.get()), timeouts.request(),
                    "working out the REST address of application cluster " + clusterId)
                    .orElseThrow(() -> new IllegalStateException("its REST Service exposes no address yet"));
            Observation seen = new JobObserver(rest(jobManager), timeouts.request())
                    .observe(Collections.singletonMap(jobId, lastStatus));
            if (seen.unknown().isEmpty()) {
                return seen;
            }
            log.debug("The JobManager of application cluster {} has no job {} yet", clusterId, jobId);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            log.debug("The JobManager of application cluster {} did not tell the state of job {}: {}", clusterId,
                    jobId, Failures.explain(e));
        }
        return new Observation(Map.of(), Set.of(), Set.of(jobId));
    }

    /**
     * The JobManager's REST endpoint as its Service exposes it, worked out as Flink's Kubernetes client does, but from
     * the Service already read and with this gateway's client (Flink's would be a new Kubernetes client per call).
     */
    private Optional<Endpoint> restEndpoint(Service restService) {
        return ServiceType.classify(restService).serviceType().getRestEndpoint(restService, kubernetes,
                entryConfiguration.get(KubernetesConfigOptions.REST_SERVICE_EXPOSED_NODE_PORT_ADDRESS_TYPE));
    }

    private JobObserver.Rest rest(Endpoint jobManager) {
        return new JobObserver.Rest() {
            @Override
            public <M extends MessageHeaders<EmptyRequestBody, P, U>, U extends MessageParameters,
                    P extends ResponseBody> CompletableFuture<P> get(M headers, U parameters) {
                try {
                    return jobManagers.sendRequest(jobManager.getAddress(), jobManager.getPort(), headers, parameters,
                            EmptyRequestBody.getInstance());
                } catch (IOException e) {
                    return CompletableFuture.failedFuture(e);
                }
            }
        };
    }

    /**
     * Control commands go to the JobManager of the job's application cluster, as on a session cluster: a savepoint
     * leaves the job and its cluster running; a stop with savepoint or a cancel ends the job, and its cluster is
     * deleted ({@link #release}) once the job's end has been recorded, as Flink ends an application cluster whose job
     * ends. A job whose cluster is gone has no savepoint operation.
     */
    @Override
    public Optional<SavepointStatus> savepointStatus(String jobId, String triggerId) {
        try (JobControl job = control(jobId)) {
            return job.savepointStatus(triggerId);
        }
    }

    @Override
    public void triggerSavepoint(String jobId, String triggerId, String directory, boolean stop, boolean drain) {
        try (JobControl job = control(jobId)) {
            job.triggerSavepoint(triggerId, directory, stop, drain);
        }
    }

    @Override
    public void cancel(String jobId) {
        try (JobControl job = control(jobId)) {
            job.cancel();
        }
    }

    /**
     * The job's JobManager, found once for all the calls: its cluster's REST Service is read when the first call needs
     * it, the JobManager's address is worked out from it, and every call goes over one REST client at that address,
     * closed with this. A Service that is not there means the cluster is gone (or was never deployed): the job is
     * unknown and has no savepoint operation.
     */
    @Override
    public JobControl control(String jobId) {
        return new ApplicationJobControl(jobId);
    }

    /** One attempt's calls on one application cluster's JobManager, on the thread of that attempt. */
    private final class ApplicationJobControl implements JobControl {

        private final String jobId;
        private final String clusterId;
        private Optional<Service> service; // null until looked up
        private RestSessionGateway jobManager; // null until a call needs it

        ApplicationJobControl(String jobId) {
            this.jobId = jobId;
            this.clusterId = clusterId(jobId);
        }

        @Override
        public Optional<JobState> find() {
            Optional<Service> found = service();
            if (found.isEmpty()) {
                return Optional.empty();
            }
            JobState unknown = new JobState(jobId, jobNameOf(found.get()), UNKNOWN_STATUS);
            try {
                return Optional.of(jobManager("asking application cluster " + clusterId + " for job " + jobId)
                        .find(jobId).orElse(unknown));
            } catch (ClusterUnreachableException e) {
                log.debug("The JobManager of application cluster {} did not tell the state of job {}: {}", clusterId,
                        jobId, e.getMessage());
                return Optional.of(unknown);
            }
        }

        @Override
        public Optional<SavepointStatus> savepointStatus(String triggerId) {
            if (service().isEmpty()) {
                return Optional.empty();
            }
            return jobManager("Reading savepoint " + triggerId + " of job " + jobId).savepointStatus(jobId, triggerId);
        }

        @Override
        public void triggerSavepoint(String triggerId, String directory, boolean stop, boolean drain) {
            jobManager((stop ? "Stopping job " : "Triggering a savepoint of job ") + jobId)
                    .triggerSavepoint(jobId, triggerId, directory, stop, drain);
        }

        @Override
        public void cancel() {
            jobManager("Cancelling job " + jobId).cancel(jobId);
        }

        private Optional<Service> service() {
            if (service == null) {
                service = lookUpRestService(jobId);
            }
            return service;
        }

        /**
         * The JobManager at the address the REST Service exposes.
         *
         * @throws ClusterUnreachableException there is no Service, it exposes no address yet, or Kubernetes could not
         *                                     be asked
         */
        private RestSessionGateway jobManager(String what) {
            if (jobManager == null) {
                String failed = what + " on application cluster " + clusterId + " (cluster entry '" + entry
                        + "', namespace " + namespace + ") failed: ";
                Service restService = service().orElseThrow(() -> new ClusterUnreachableException(failed
                        + "it has no REST Service", "no Service " + ExternalServiceDecorator.getExternalServiceName(
                                clusterId), null));
                Endpoint endpoint;
                try {
                    endpoint = bounded.call(() -> restEndpoint(restService), timeouts.request(),
                            "working out the REST address of application cluster " + clusterId)
                            .orElseThrow(() -> new ClusterUnreachableException(failed + "its REST Service exposes "
                                    + "no address yet", "no address", null));
                } catch (ExecutionException | TimeoutException e) {
                    Throwable failure = unwrap(e);
                    throw new ClusterUnreachableException(failed + Failures.explain(failure), failure);
                }
                try {
                    jobManager = RestSessionGateway.at(entry, URI.create("http://" + endpoint.getAddress() + ":"
                            + endpoint.getPort()), flinkConfig, timeouts);
                } catch (IllegalStateException e) {
                    // no client for an address that does not resolve (a ClusterIP name, outside Kubernetes)
                    throw new ClusterUnreachableException(failed + Failures.explain(e), e);
                }
            }
            return jobManager;
        }

        @Override
        public void close() {
            if (jobManager != null) {
                jobManager.close();
            }
        }
    }

    /**
     * Deletes the job's application cluster: its JobManager Deployment, and with it (as its owner) everything Flink
     * made for the cluster. A cluster that is gone already is no error.
     *
     * @throws ClusterUnreachableException the Kubernetes API could not be reached (transient)
     * @throws RefusedException            the API refused (forbidden)
     */
    @Override
    public void release(String jobId) {
        String clusterId = clusterId(jobId);
        String what = "Deleting application cluster " + clusterId;
        try {
            bounded.call(() -> {
                try (FlinkKubeClient client = FlinkKubeClientFactory.getInstance()
                        .fromConfiguration(forCluster(clusterId), "submit-worker")) {
                    client.stopAndCleanupCluster(clusterId);
                }
                return null;
            }, timeouts.request(), what);
        } catch (ExecutionException | TimeoutException e) {
            throw classify(what, unwrap(e));
        }
    }

    private Optional<Service> restService(String clusterId) {
        return Optional.ofNullable(kubernetes.services()
                .withName(ExternalServiceDecorator.getExternalServiceName(clusterId)).get());
    }

    private static String jobNameOf(Service restService) {
        Map<String, String> annotations = restService.getMetadata().getAnnotations();
        return annotations == null ? null : annotations.get(JOB_NAME_ANNOTATION);
    }

    private Configuration forCluster(String clusterId) {
        Configuration configuration = new Configuration(entryConfiguration);
        configuration.set(KubernetesConfigOptions.CLUSTER_ID, clusterId);
        return configuration;
    }

    private static Throwable unwrap(Exception failure) {
        return ExceptionUtils.stripCompletionException(ExceptionUtils.stripExecutionException(failure));
    }

    private RuntimeException classify(String what, Throwable failure) {
        if (failure instanceof RefusedException || failure instanceof ClusterUnreachableException) {
            return (RuntimeException) failure;
        }
        String context = what + " (cluster entry '" + entry + "', namespace " + namespace + ")";
        return refused(failure)
                ? new RefusedException(context + " was refused", Failures.explain(failure), failure)
                : new ClusterUnreachableException(context + " failed: " + Failures.explain(failure), failure);
    }

    /**
     * The API answered and refused (forbidden, invalid, namespace missing), or Flink refused the configuration before
     * creating anything. No answer, a 5xx, a timeout, a conflict (another deployment of the same cluster under way)
     * and anything not recognised may pass on a later attempt.
     */
    static boolean refused(Throwable failure) {
        Optional<KubernetesClientException> api = ExceptionUtils.findThrowable(failure,
                KubernetesClientException.class);
        if (api.isPresent()) {
            int code = api.get().getCode();
            return code >= 400 && code < 500 && code != 408 && code != 409 && code != 429;
        }
        if (ExceptionUtils.findThrowable(failure, IOException.class).isPresent()) {
            return false;
        }
        return ExceptionUtils.findThrowable(failure, ClusterDeploymentException.class).isPresent()
                || ExceptionUtils.findThrowable(failure, IllegalArgumentException.class).isPresent()
                || ExceptionUtils.findThrowable(failure, IllegalConfigurationException.class).isPresent();
    }

    @Override
    public void close() {
        observers.shutdownNow();
        bounded.close();
        kubernetes.close();
        jobManagers.shutdown(Duration.ofSeconds(5));
        restResponses.shutdownNow();
    }
}
