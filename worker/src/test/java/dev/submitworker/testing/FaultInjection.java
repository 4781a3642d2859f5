package dev.submitworker.testing;

import dev.submitworker.dinky.ResultEnvelope;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import dev.submitworker.kafka.ResultPublisher;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Test double for the worker under test: publishing the answer of a request whose id starts with
 * {@link #FAILING_PUBLISH} fails, every time, after the ledger entry has been written into the transaction; one whose
 * id starts with {@link #FAILING_PUBLISH_ONCE} fails the first time only. They stand for any unexpected failure
 * half-way through a command (a bug, a write the producer refuses), lasting or passing.
 */
@Configuration(proxyBeanMethods = false)
public class FaultInjection {

    public static final String FAILING_PUBLISH = "fault-publish-";
    public static final String FAILING_PUBLISH_ONCE = "fault-once-";

    private static final Set<String> failedOnce = ConcurrentHashMap.newKeySet();

    private static void failIfChosen(ResultEnvelope envelope) {
        String requestId = envelope.requestId();
        if (requestId != null && (requestId.startsWith(FAILING_PUBLISH)
                || requestId.startsWith(FAILING_PUBLISH_ONCE) && failedOnce.add(requestId))) {
            throw new IllegalStateException("injected failure publishing the answer of " + requestId);
        }
    }

    @Bean
    static BeanPostProcessor failingPublishes() {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String name) {
                if (!(bean instanceof ResultPublisher publisher)) {
                    return bean;
                }
                return new ResultPublisher() {
                    @Override
                    public void publish(ResultEnvelope envelope) {
                        failIfChosen(envelope);
                        publisher.publish(envelope);
                    }

                    @Override
                    public void publishAgain(ResultEnvelope envelope) {
                        failIfChosen(envelope);
                        publisher.publishAgain(envelope);
                    }
                };
            }
        };
    }
}
