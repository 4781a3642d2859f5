package dev.submitworker.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.submitworker.dinky.CommandLimits;
import dev.submitworker.secrets.Redactor;
import java.util.HashMap;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.validation.ValidationBindHandler;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.validation.beanvalidation.LocalValidatorFactoryBean;

/** The limits and the redaction list bind from configuration, with their documented defaults, and are validated. */
class WorkerPropertiesTest {

    private static WorkerProperties bind(Map<String, String> properties) {
        LocalValidatorFactoryBean validator = new LocalValidatorFactoryBean();
        validator.afterPropertiesSet();
        Map<String, String> all = new HashMap<>(properties);
        all.put("worker.jars.staging-dir", "/tmp/jars");
        return new Binder(new MapConfigurationPropertySource(all))
                .bind("worker", Bindable.of(WorkerProperties.class),
                        new ValidationBindHandler(validator))
                .get();
    }

    @Test
    void defaultsAreTheDocumentedOnes() {
        WorkerProperties properties = bind(Map.of());
        assertThat(properties.limits().toCommandLimits()).isEqualTo(CommandLimits.DEFAULTS);
        assertThat(properties.redaction().secretKeys()).isEqualTo(Redactor.DEFAULT_SECRET_KEY_PARTS);
        assertThat(properties.batch().maxHold()).isEqualTo(Duration.ofSeconds(2));
        assertThat(properties.consumers()).isEqualTo(2);
        assertThat(properties.clusterTimeouts().submit()).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void withoutAnInstanceIdEachProcessTakesANameOfItsOwn() {
        String first = bind(Map.of()).instanceId();
        String second = bind(Map.of()).instanceId();
        assertThat(first).isNotBlank().isNotEqualTo(second);
        assertThat(bind(Map.of("worker.instance-id", "pod-0")).instanceId()).isEqualTo("pod-0");
    }

    @Test
    void limitsAndSecretKeysAreConfigurable() {
        WorkerProperties properties = bind(Map.of(
                "worker.limits.max-record-bytes", "1024",
                "worker.redaction.secret-keys[0]", "pin", "worker.redaction.secret-keys[1]", "cvv"));
        assertThat(properties.limits().toCommandLimits().maxRecordBytes()).isEqualTo(1024);
        assertThat(properties.redaction().secretKeys()).containsExactly("pin", "cvv");
    }

    @Test
    void theCatalogAndConnectorsDirectoriesAreNormalised() {
        // application.yml's ${submit-worker.home:.}/tasks outside the distribution (a directory not on the test
        // classpath: Spring reads a relative path that is there as the classpath's)
        WorkerProperties properties = bind(Map.of("worker.catalog.dir", "./my-tasks",
                "worker.connectors-dir", "./connectors"));
        assertThat(properties.catalog().dir()).isEqualTo(java.nio.file.Path.of("my-tasks"));
        assertThat(properties.connectorsDir()).isEqualTo(java.nio.file.Path.of("connectors"));
    }

    @Test
    void replyTopicsAreTheResultsTopicsRepliesByDefaultAndAnyPatternGiven() {
        java.util.regex.Pattern defaults = bind(Map.of()).replies().pattern("submit-worker.results");
        assertThat(defaults.matcher("submit-worker.results.replies.orders").matches()).isTrue();
        assertThat(defaults.matcher("submit-worker.results.replies.").matches()).isFalse();
        assertThat(defaults.matcher("submit-worker.results").matches()).isFalse();
        assertThat(defaults.matcher("submit-worker-results.replies.orders").matches()).isFalse();
        assertThat(defaults.matcher("submit-worker.ledger").matches()).isFalse();

        java.util.regex.Pattern given = bind(Map.of("worker.replies.allowed-topics", "replies\\.[a-z]+"))
                .replies().pattern("submit-worker.results");
        assertThat(given.matcher("replies.orders").matches()).isTrue();
        assertThat(given.matcher("submit-worker.results.replies.orders").matches()).isFalse();
        assertThatThrownBy(() -> bind(Map.of("worker.replies.allowed-topics", "replies.(")))
                .isInstanceOf(BindException.class);
    }

    @Test
    void aRecordLimitTooSmallForACommandIsRefused() {
        assertThatThrownBy(() -> bind(Map.of("worker.limits.max-record-bytes", "10")))
                .isInstanceOf(BindException.class);
    }
}
