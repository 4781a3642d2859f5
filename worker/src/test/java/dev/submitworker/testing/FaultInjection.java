package dev.submitworker.testing;

import dev.submitworker.core.Answer;
import dev.submitworker.dinky.Envelopes;
import dev.submitworker.dinky.ResultEnvelope;
import dev.submitworker.secrets.Redactor;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Test double for the worker under test: making the answer of a request whose id starts with {@link #FAILING_PUBLISH}
 * fails, every time, half-way through its round; one whose id starts with {@link #FAILING_PUBLISH_ONCE} fails the
 * first time only. They stand for any unexpected failure half-way through a command (a bug, a write the producer
 * refuses), lasting or passing.
 */
@Configuration(proxyBeanMethods = false)
public class FaultInjection {

    public static final String FAILING_PUBLISH = "fault-publish-";
    public static final String FAILING_PUBLISH_ONCE = "fault-once-";

    private static final Set<String> failedOnce = ConcurrentHashMap.newKeySet();

    @Bean
    static BeanPostProcessor failingAnswers(Redactor redactor) {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String name) {
                if (!(bean instanceof Envelopes)) {
                    return bean;
                }
                return new Envelopes(redactor) {
                    @Override
                    public ResultEnvelope envelope(Answer answer) {
                        String requestId = answer.requestId().value();
                        if (requestId.startsWith(FAILING_PUBLISH)
                                || requestId.startsWith(FAILING_PUBLISH_ONCE) && failedOnce.add(requestId)) {
                            throw new IllegalStateException("injected failure publishing the answer of " + requestId);
                        }
                        return super.envelope(answer);
                    }
                };
            }
        };
    }
}
