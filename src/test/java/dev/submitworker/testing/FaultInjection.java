package dev.submitworker.testing;

import dev.submitworker.result.ResultEnvelope;
import dev.submitworker.result.ResultPublisher;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Test double for the worker under test: publishing the answer of a request whose id starts with
 * {@link #FAILING_PUBLISH} fails, every time, after the ledger entry has been written into the transaction. It stands
 * for any unexpected failure half-way through a command (a bug, a write the producer refuses).
 */
@Configuration(proxyBeanMethods = false)
public class FaultInjection {

    public static final String FAILING_PUBLISH = "fault-publish-";

    private static void failIfChosen(ResultEnvelope envelope) {
        if (envelope.requestId() != null && envelope.requestId().startsWith(FAILING_PUBLISH)) {
            throw new IllegalStateException("injected failure publishing the answer of " + envelope.requestId());
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
