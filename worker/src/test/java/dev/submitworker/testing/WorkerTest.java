package dev.submitworker.testing;

import dev.submitworker.app.SubmitWorkerApplication;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ContextConfiguration;

/** A test against the real worker, wired to the shared embedded broker and Flink cluster. */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
// a real server on a free port: health and metrics are read over HTTP, as a probe or a scraper does
@SpringBootTest(classes = {SubmitWorkerApplication.class, FaultInjection.class},
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ContextConfiguration(initializers = WorkerTestInitializer.class)
public @interface WorkerTest {}
