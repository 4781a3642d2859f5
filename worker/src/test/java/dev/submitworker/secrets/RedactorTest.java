package dev.submitworker.secrets;

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

    @Test
    void masksSecretFlagsOfJarArgumentsInAnyText() {
        String statement = "EXECUTE JAR WITH ('uri'='file:///a.jar', 'args'='--password hunter2 --db.secret=s3 "
                + "--name \"my job\" user.token=t0k --api-key \"two words\"')";
        String redacted = redactor.redactText(statement);
        assertThat(redacted).doesNotContain("hunter2").doesNotContain("s3 ").doesNotContain("t0k")
                .doesNotContain("two words")
                .contains("--password ******").contains("--db.secret=******").contains("user.token=******")
                .contains("--name \"my job\"").contains("'uri'='file:///a.jar'");
        assertThat(redactor.redactText("main failed: unknown option --token abc"))
                .isEqualTo("main failed: unknown option --token ******");
    }

    @Test
    void masksBase64EncodedArgumentsThatHoldASecret() {
        String secretArgs = java.util.Base64.getEncoder().encodeToString("--password hunter2".getBytes());
        String plainArgs = java.util.Base64.getEncoder().encodeToString("--x 1".getBytes());
        assertThat(redactor.redactText("'args' = 'base64@" + secretArgs + "'")).isEqualTo("'args' = '******'");
        assertThat(redactor.redactText("'args' = 'base64@" + plainArgs + "'")).contains(plainArgs);
    }

    @Test
    void masksSecretPairsInJson() {
        assertThat(redactor.redactText("{\"db.password\": \"hun\\\"ter2\", \"user\":\"bob\"}"))
                .isEqualTo("{\"db.password\": \"******\", \"user\":\"bob\"}");
    }

    @Test
    void variablesThatFillSecretOptionsAreSecrets() {
        Map<String, String> variables = Map.of("pw", "hunter2", "day", "2026-11-28", "api_token", "t", "user", "bob");
        assertThat(redactor.redactVariables(variables, "SET 'db.password' = '${pw}'; SELECT '${day}', '${user}'"))
                .containsEntry("pw", Redactor.MASK).containsEntry("api_token", Redactor.MASK)
                .containsEntry("day", "2026-11-28").containsEntry("user", "bob");
        assertThat(redactor.redactVariables(variables, "SET 'db.password' = 'hunter2'; SELECT 'bob'"))
                .containsEntry("pw", Redactor.MASK).containsEntry("user", "bob");
        assertThat(redactor.redactVariables(variables, null)).containsEntry("pw", "hunter2");
    }
}
