package dev.submitworker.testing;

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

    @Bean
    static BeanPostProcessor failingPublishes() {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String name) {
                if (!(bean instanceof ResultPublisher publisher)) {
                    return bean;
                }
                return (ResultPublisher) envelope -> {
                    if (envelope.requestId() != null && envelope.requestId().startsWith(FAILING_PUBLISH)) {
                        throw new IllegalStateException("injected failure publishing the answer of "
                                + envelope.requestId());
                    }
                    publisher.publish(envelope);
                };
            }
        };
    }
}
