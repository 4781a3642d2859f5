package dev.submitworker.app;

import dev.submitworker.dinky.CommandReader;
import dev.submitworker.openapi.AccessFilter;
import dev.submitworker.openapi.DinkyFront;
import dev.submitworker.openapi.DinkyResults;
import dev.submitworker.openapi.FrontPort;
import dev.submitworker.openapi.InstanceView;
import dev.submitworker.openapi.OpenApiController;
import dev.submitworker.openapi.Tokens;
import dev.submitworker.secrets.Redactor;
import java.time.Clock;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenAPI front ({@code worker.openapi.enabled}, docs/openapi.md): Dinky's {@code /openapi} paths on a port of
 * their own (a second connector of the worker's Tomcat), a Kafka client of the worker's topics like any producer of
 * commands: it never takes part in a submission.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "worker.openapi.enabled", havingValue = "true")
class OpenApiConfiguration {

    /** The front's connector; its port is known once the server has started (a configured 0 takes a free one). */
    @Bean
    FrontPort openApiPort(WorkerProperties properties) {
        return new FrontPort(properties.openapi().port());
    }

    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> openApiConnector(FrontPort openApiPort) {
        return factory -> factory.addAdditionalConnectors(openApiPort.connector());
    }

    @Bean(destroyMethod = "close")
    InstanceView openApiView(WorkerProperties properties, KafkaProperties kafka) {
        return new InstanceView(kafka.buildConsumerProperties(), kafka.buildAdminProperties(),
                properties.topics().results(), properties.topics().status()).start();
    }

    /** A plain producer of commands (not the worker's transactional ones): acks=all, idempotent, bounded. */
    @Bean(destroyMethod = "close")
    KafkaProducer<String, String> openApiProducer(WorkerProperties properties, KafkaProperties kafka) {
        Map<String, Object> config = kafka.buildProducerProperties();
        config.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "submit-worker-openapi");
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, properties.openapi().answerTimeout().toMillis());
        return new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
    }

    @Bean
    DinkyResults dinkyResults(Redactor redactor, Clock clock) {
        return new DinkyResults(redactor, clock);
    }

    @Bean
    OpenApiController openApiController(WorkerProperties properties, InstanceView openApiView,
                                        KafkaProducer<String, String> openApiProducer, DinkyResults results) {
        return new OpenApiController(new DinkyFront(openApiView, openApiProducer, properties.topics().commands(),
                properties.openapi().answerTimeout(), results,
                new CommandReader(properties.limits().toCommandLimits())));
    }

    /**
     * Tokens are required unless {@code worker.openapi.auth-required=false}; required without any token configured,
     * the worker does not start (the front would refuse every call).
     */
    @Bean
    FilterRegistrationBean<AccessFilter> openApiAccess(WorkerProperties properties, FrontPort openApiPort,
                                                       DinkyResults results) {
        WorkerProperties.OpenApi openapi = properties.openapi();
        Tokens tokens = null;
        if (openapi.authRequired()) {
            tokens = Tokens.of(openapi.tokens(), openapi.tokensFile());
            if (tokens.isEmpty()) {
                throw new IllegalStateException("worker.openapi requires API tokens (worker.openapi.auth-required is "
                        + "true) but none is configured: set worker.openapi.tokens or worker.openapi.tokens-file, or "
                        + "worker.openapi.auth-required=false to run the front open on a trusted network");
            }
        }
        FilterRegistrationBean<AccessFilter> registration = new FilterRegistrationBean<>(
                new AccessFilter(openApiPort, tokens, results));
        registration.addUrlPatterns("/*");
        return registration;
    }
}
