package dev.submitworker.result;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RedactorTest {

    private final Redactor redactor = Redactor.withDefaults();

    @Test
    void masksSecretLookingKeysInOptionMaps() {
        Map<String, String> redacted = redactor.redact(Map.of(
                "s3.secret-key", "abc", "fs.s3a.access.key", "AKIA", "sasl.jaas.config", "x password=y",
                "pipeline.name", "orders", "db.PASSWORD", "p", "api_token", "t"));
        assertThat(redacted).containsEntry("pipeline.name", "orders")
                .containsEntry("s3.secret-key", Redactor.MASK)
                .containsEntry("fs.s3a.access.key", Redactor.MASK)
                .containsEntry("sasl.jaas.config", Redactor.MASK)
                .containsEntry("db.PASSWORD", Redactor.MASK)
                .containsEntry("api_token", Redactor.MASK);
    }

    @Test
    void masksSecretOptionValuesInSql() {
        String sql = """
                SET 'custom.password' = 'hunter2';
                CREATE TABLE t (x INT) WITH ('connector' = 'jdbc', 'password'='it''s; secret', 'username' = 'bob');
                """;
        String redacted = redactor.redactText(sql);
        assertThat(redacted).doesNotContain("hunter2").doesNotContain("secret'")
                .contains("'custom.password' = '******'")
                .contains("'password'='******'")
                .contains("'username' = 'bob'")
                .contains("'connector' = 'jdbc'");
    }

    @Test
    void longTextsDoNotOverflowTheStack() {
        String longLiteral = "x".repeat(200_000);
        String sql = "SET 'token' = '" + longLiteral + "'; SELECT '" + longLiteral + "'";
        assertThat(redactor.redactText(sql)).startsWith("SET 'token' = '******';").hasSize(sql.length() - 200_000 + 6);
    }

    @Test
    void theKeyListIsConfigurable() {
        Redactor custom = new Redactor(List.of("pin"));
        assertThat(custom.redact(Map.of("card.pin", "1234", "password", "p")))
                .containsEntry("card.pin", Redactor.MASK).containsEntry("password", "p");
    }
}
