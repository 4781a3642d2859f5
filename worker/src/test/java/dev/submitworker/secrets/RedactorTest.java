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
    void theKeyListIsConfigurableOnTopOfFlinksOwnRule() {
        Redactor custom = new Redactor(List.of("pin"));
        assertThat(custom.redact(Map.of("card.pin", "1234", "db.passwd", "p", "db.password", "q")))
                .containsEntry("card.pin", Redactor.MASK)
                .containsEntry("db.passwd", "p")
                .containsEntry("db.password", Redactor.MASK);
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

    @Test
    void masksSecretsInsideOptionValues() {
        Map<String, String> redacted = redactor.redact(Map.of(
                "env.java.opts.all", "-Djavax.net.ssl.trustStorePassword=s3cr3t -Xmx1g",
                "pipeline.global-job-parameters", "db.password:s3cr3t,region:eu",
                "pipeline.cached-files", "'db.password':'s3,cr3t',region:eu,\"api.token\":\"t,0k\"",
                "custom.url", "jdbc:mysql://db:3306/x?user=app&password=s3cr3t&ssl=true",
                "pipeline.name", "orders"));
        assertThat(redacted)
                .containsEntry("env.java.opts.all", "-Djavax.net.ssl.trustStorePassword=****** -Xmx1g")
                .containsEntry("pipeline.global-job-parameters", "db.password:******,region:eu")
                .containsEntry("pipeline.cached-files", "'db.password':'******',region:eu,\"api.token\":\"******\"")
                .containsEntry("custom.url", "jdbc:mysql://db:3306/x?user=app&password=******&ssl=true")
                .containsEntry("pipeline.name", "orders");
    }

    @Test
    void masksSecretsInsideQuotedOptionValuesOfSql() {
        assertThat(redactor.redactText(
                "SET 'env.java.opts.all' = '-Dpassword=''a b'' -Xmx1g'; SET 'pipeline.global-job-parameters' = "
                        + "'db.password:''s3,cr3t'',region:eu';"))
                .isEqualTo("SET 'env.java.opts.all' = '-Dpassword=''******'' -Xmx1g'; "
                        + "SET 'pipeline.global-job-parameters' = 'db.password:''******'',region:eu';");
    }

    @Test
    void masksThePasswordOfUserInfoInUris() {
        assertThat(redactor.redactText("savepoint s3://AKIAIOSFODNN7EXAMPLE:wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
                + "@bucket/sp failed"))
                .isEqualTo("savepoint s3://AKIAIOSFODNN7EXAMPLE:******@bucket/sp failed");
        assertThat(redactor.redactText("EXECUTE JAR WITH ('uri'='https://bob:hunter2@repo/app.jar')"))
                .isEqualTo("EXECUTE JAR WITH ('uri'='https://bob:******@repo/app.jar')");
        assertThat(redactor.redactText("Connection to jdbc:postgresql://u:p@h/db refused"))
                .isEqualTo("Connection to jdbc:postgresql://u:******@h/db refused");
        assertThat(redactor.redactText("redis://:pw@cache:6379, https://bob:p@ss@host/x@y"))
                .isEqualTo("redis://:******@cache:6379, https://bob:******@host/x@y");
        assertThat(redactor.redactText("jdbc:oracle:thin:scott/tiger@//db:1521/orcl"))
                .isEqualTo("jdbc:oracle:thin:scott/******@//db:1521/orcl");
        assertThat(redactor.redact(Map.of("jar.uri", "https://bob:hunter2@repo/app.jar")))
                .containsEntry("jar.uri", "https://bob:******@repo/app.jar");
        String withoutPasswords = "https://bob@repo/app.jar https://repo:8443/a/b.jar s3://bucket/sp mailto:a@b.c";
        assertThat(redactor.redactText(withoutPasswords)).isEqualTo(withoutPasswords);
    }

    @Test
    void masksYamlHeaderAndAuthorizationForms() {
        assertThat(redactor.redactText("password: x\n  Password : \"it is\"\nuser: bob"))
                .isEqualTo("password: ******\n  Password : \"******\"\nuser: bob");
        assertThat(redactor.redactText("Authorization: Bearer eyJhbGciOi.J9.x\nProxy-Authorization: Token abc"))
                .isEqualTo("Authorization: Bearer ******\nProxy-Authorization: Token ******");
        assertThat(redactor.redactText("Authorization: dXNlcjpwYXNz, then bearer abc.def and Basic dXNlcjpwYXNz"))
                .isEqualTo("Authorization: ******, then bearer ****** and Basic ******");
        String ordinary = "Basic auth is off; Basic setup done";
        assertThat(redactor.redactText(ordinary)).isEqualTo(ordinary);
        // the credentials are a value (up to a blank), not a query parameter's (up to '&'): masking more is safe
        assertThat(redactor.redactText("GET /x?Authorization=Bearer abc&page=2"))
                .isEqualTo("GET /x?Authorization=Bearer ******");
        assertThat(redactor.redactText("{\"Authorization\": \"Token abc\"}"))
                .isEqualTo("{\"Authorization\": \"******\"}");
    }

    @Test
    void masksKeysThatFlinkTreatsAsSensitive() {
        assertThat(redactor.redact(Map.of(
                "fs.azure.account.key.acct.blob.core.windows.net", "k", "security.basic-auth", "u:p",
                "metrics.reporter.x.http-headers", "X-Key:v", "gs.service-key", "s", "pulsar.auth-params", "a")))
                .allSatisfy((key, value) -> assertThat(value).as(key).isEqualTo(Redactor.MASK));
        assertThat(redactor.redactText("SET 'fs.azure.account.key.a.blob.core.windows.net' = 'k1'; "
                + "--service-key k2 basic_auth=k3 {\"auth-params\": \"k4\"} http-headers: k5"))
                .isEqualTo("SET 'fs.azure.account.key.a.blob.core.windows.net' = '******'; "
                        + "--service-key ****** basic_auth=****** {\"auth-params\": \"******\"} http-headers: ******");
        assertThat(redactor.isSecretKey("security.basic-auth")).isTrue();
    }

    @Test
    void masksSecretQueryParameters() {
        assertThat(redactor.redactText("GET https://h/x?user=bob&access_token=a1&X-Amz-Signature=b2#f, "
                + "'s3://b/k?X-Amz-Credential=c3&page=2'"))
                .isEqualTo("GET https://h/x?user=bob&access_token=******&X-Amz-Signature=******#f, "
                        + "'s3://b/k?X-Amz-Credential=******&page=2'");
    }

    @Test
    void masksJsonQuotedInsideMessages() {
        assertThat(redactor.redactText("body was {\\\"password\\\": \\\"x y\\\", \\\"user\\\": \\\"bob\\\"}"))
                .isEqualTo("body was {\\\"password\\\": \\\"******\\\", \\\"user\\\": \\\"bob\\\"}");
        assertThat(redactor.redactText("{\"env.java.opts\": \"-Dpassword=\\\"a b\\\" -Xmx1g\"}"))
                .isEqualTo("{\"env.java.opts\": \"-Dpassword=\\\"******\\\" -Xmx1g\"}");
    }

    @Test
    void leavesPlainSqlUnchanged() {
        String sql = """
                CREATE TABLE orders (id BIGINT, note STRING, ts TIMESTAMP(3)) WITH ('connector' = 'kafka',
                  'topic' = 'orders', 'properties.bootstrap.servers' = 'kafka:9092', 'format' = 'json',
                  'scan.startup.mode' = 'earliest-offset', 'url' = 'jdbc:mysql://db:3306/shop?useSSL=true');
                INSERT INTO sink SELECT id, CASE WHEN note = 'it''s: fine' THEN 'a=b' ELSE note END, ts
                FROM orders WHERE region = 'eu' AND url LIKE 'https://%' AND x <> 'Basic auth';
                """;
        assertThat(redactor.redactText(sql)).isEqualTo(sql);
        assertThat(redactor.redactText("at o.a.f.r.s.t.DelegationTokenManager.start(DelegationTokenManager.java:42)"))
                .endsWith("(DelegationTokenManager.java:42)");
    }

    @Test
    void overMaskingStaysWithinTheValueOfASecretLookingKey() {
        assertThat(redactor.redactText("--tokenizer standard --lang en --secretive=yes -Xmx1g"))
                .isEqualTo("--tokenizer ****** --lang en --secretive=****** -Xmx1g");
    }

    @Test
    void masksAUriPasswordInAQuotedTextBeforeAColon() {
        assertThat(redactor.redactText("Cannot read the jar 'https://deploy:pw-163@repo.example/jobs/app.jar': Could "
                + "not find a file system implementation for scheme 'https'"))
                .doesNotContain("pw-163").contains("https://deploy:******@repo.example/jobs/app.jar")
                .contains("scheme 'https'");
    }

    @Test
    void aVariableIsMaskedByItsFormWhereverItStands() {
        assertThat(redactor.redactVariables(Map.of("header", "Authorization: Bearer tok-165", "day", "2026-12-01"),
                "CREATE TABLE t (x INT) WITH ('request-header' = '${header}', 'day' = '${day}')"))
                .containsEntry("day", "2026-12-01")
                .hasEntrySatisfying("header", value -> assertThat(value).doesNotContain("tok-165"));
    }
}
