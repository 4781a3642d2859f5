package dev.submitworker.app;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/** The worker against an existing Kafka and existing Flink clusters. For the all-in-one dev mode see EmbeddedLauncher. */
@SpringBootApplication
@EnableConfigurationProperties(WorkerProperties.class)
public class SubmitWorkerApplication {

    public static void main(String[] args) {
        SpringApplication.run(SubmitWorkerApplication.class, args);
    }
}
