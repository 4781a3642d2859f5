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
@SpringBootTest(classes = {SubmitWorkerApplication.class, FaultInjection.class})
@ContextConfiguration(initializers = WorkerTestInitializer.class)
public @interface WorkerTest {}
