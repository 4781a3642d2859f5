package dev.submitworker.testing;

import dev.submitworker.app.SubmitWorkerApplication;
import dev.submitworker.submit.SubmissionObserver;
import org.springframework.boot.SpringApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The worker, plus a fault: when the job of the request named by {@code -Dcrash.after-submit=<requestId>} has been
 * accepted by Flink, the process halts on the spot, after the submit and before the answer's transaction commits.
 */
public final class CrashAfterSubmitWorker {

    private CrashAfterSubmitWorker() {}

    public static void main(String[] args) {
        SpringApplication.run(new Class<?>[] {SubmitWorkerApplication.class, CrashHook.class}, args);
    }

    @Configuration(proxyBeanMethods = false)
    static class CrashHook {

        @Bean
        SubmissionObserver crashAfterSubmit() {
            String victim = System.getProperty("crash.after-submit");
            return (requestId, jobId) -> {
                if (requestId.equals(victim)) {
                    System.out.println("crash.after-submit: halting after job " + jobId + " of " + requestId);
                    Runtime.getRuntime().halt(137);
                }
            };
        }
    }
}
