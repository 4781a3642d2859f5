package dev.submitworker.testing;

import dev.submitworker.app.SubmitWorkerApplication;
import dev.submitworker.core.ClusterTarget;
import dev.submitworker.core.RequestId;
import dev.submitworker.core.Task;
import dev.submitworker.core.port.ClusterGateway;
import dev.submitworker.core.port.Clusters;
import dev.submitworker.core.port.CompiledJob;
import java.util.Optional;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The worker, plus a fault: when the job of the request named by {@code -Dcrash.after-submit=<requestId>} (or any job
 * named {@code -Dcrash.after-submit-of=<job name>}, for a test that picks its requestId once the worker runs) has been
 * accepted by Flink, or, for a control command of that requestId, its savepoint (or stop) has been triggered, the
 * process halts on the spot, after the cluster took it and before the answer's transaction commits.
 */
public final class CrashAfterSubmitWorker {

    private CrashAfterSubmitWorker() {}

    public static void main(String[] args) {
        SpringApplication.run(new Class<?>[] {SubmitWorkerApplication.class, CrashHook.class}, args);
    }

    @Configuration(proxyBeanMethods = false)
    static class CrashHook {

        @Bean
        static BeanPostProcessor crashAfterSubmit() {
            String requestId = System.getProperty("crash.after-submit");
            Victim victim = new Victim(requestId == null ? null : new RequestId(requestId),
                    System.getProperty("crash.after-submit-of"));
            return new BeanPostProcessor() {
                @Override
                public Object postProcessAfterInitialization(Object bean, String name) {
                    return bean instanceof Clusters clusters ? new Crashing(clusters, victim) : bean;
                }
            };
        }
    }

    /** The request (null: none) or the job name (null: none) whose submit or trigger halts the process. */
    private record Victim(RequestId request, String jobName) {

        boolean is(CompiledJob job) {
            return request != null && job.jobId().equals(request.jobId())
                    || job.description().jobName().equals(jobName);
        }

        boolean triggers(String triggerId) {
            return request != null && triggerId.equals(request.triggerId());
        }
    }

    private record Crashing(Clusters clusters, Victim victim) implements Clusters, AutoCloseable {

        @Override
        public ClusterTarget resolve(Task task) {
            return clusters.resolve(task);
        }

        @Override
        public ClusterGateway gateway(ClusterTarget target) {
            ClusterGateway gateway = clusters.gateway(target);
            return new ClusterGateway() {
                @Override
                public String address() {
                    return gateway.address();
                }

                @Override
                public Deployment submit(CompiledJob job) {
                    Deployment deployment = gateway.submit(job);
                    if (victim.is(job)) {
                        System.out.println("crash.after-submit: halting after job " + job.jobId());
                        Runtime.getRuntime().halt(137);
                    }
                    return deployment;
                }

                @Override
                public Optional<JobState> find(String jobId) {
                    return gateway.find(jobId);
                }

                @Override
                public Observation observe(java.util.Map<String, String> known) {
                    return gateway.observe(known);
                }

                @Override
                public void release(String jobId) {
                    gateway.release(jobId);
                }

                @Override
                public Optional<SavepointStatus> savepointStatus(String jobId, String triggerId) {
                    return gateway.savepointStatus(jobId, triggerId);
                }

                @Override
                public void triggerSavepoint(String jobId, String triggerId, String directory, boolean stop,
                                             boolean drain) {
                    gateway.triggerSavepoint(jobId, triggerId, directory, stop, drain);
                    if (victim.triggers(triggerId)) {
                        System.out.println("crash.after-submit: halting after trigger " + triggerId);
                        Runtime.getRuntime().halt(137);
                    }
                }

                @Override
                public void cancel(String jobId) {
                    gateway.cancel(jobId);
                }
            };
        }

        @Override
        public void close() throws Exception {
            if (clusters instanceof AutoCloseable closeable) {
                closeable.close();
            }
        }
    }
}
