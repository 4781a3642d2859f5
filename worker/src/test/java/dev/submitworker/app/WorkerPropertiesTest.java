package dev.submitworker.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.submitworker.dinky.CommandLimits;
import dev.submitworker.secrets.Redactor;
import java.util.HashMap;
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
        all.put("worker.instance-id", "w-1");
        all.put("worker.jars.staging-dir", "/tmp/jars");
        return new Binder(new MapConfigurationPropertySource(all))
                .bind("worker", Bindable.of(WorkerProperties.class),
                        new ValidationBindHandler(validator))
                .get();
    }

    @Test
    void defaultsAreTheDocumentedOnes() {
        WorkerProperties properties = bind(Map.of());
        CommandLimits limits = properties.limits().toCommandLimits();
        assertThat(limits).usingRecursiveComparison().comparingOnlyFields("maxRecordBytes", "maxNestingDepth",
                        "maxRequestIdLength", "maxVariables", "maxVariableNameLength", "maxVariableValueLength")
                .isEqualTo(CommandLimits.DEFAULTS);
        assertThat(limits.requestIdPattern().pattern()).isEqualTo(CommandLimits.DEFAULT_REQUEST_ID_PATTERN);
        assertThat(properties.redaction().secretKeys()).isEqualTo(Redactor.DEFAULT_SECRET_KEY_PARTS);
    }

    @Test
    void limitsAndSecretKeysAreConfigurable() {
        WorkerProperties properties = bind(Map.of(
                "worker.limits.max-record-bytes", "1024", "worker.limits.max-variables", "5",
                "worker.limits.request-id-pattern", "[a-z0-9-]{1,36}",
                "worker.redaction.secret-keys[0]", "pin", "worker.redaction.secret-keys[1]", "cvv"));
        CommandLimits limits = properties.limits().toCommandLimits();
        assertThat(limits.maxRecordBytes()).isEqualTo(1024);
        assertThat(limits.maxVariables()).isEqualTo(5);
        assertThat(limits.requestIdPattern().matcher("ABC").matches()).isFalse();
        assertThat(properties.redaction().secretKeys()).containsExactly("pin", "cvv");
    }

    @Test
    void aRequestIdLimitBeyondTheSchemasIsRefused() {
        assertThatThrownBy(() -> bind(Map.of("worker.limits.max-request-id-length", "300")))
                .isInstanceOf(BindException.class);
        assertThatThrownBy(() -> bind(Map.of("worker.limits.max-record-bytes", "10")))
                .isInstanceOf(BindException.class);
    }
}
