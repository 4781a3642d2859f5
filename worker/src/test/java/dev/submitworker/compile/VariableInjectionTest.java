package dev.submitworker.compile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.internal.TableEnvironmentInternal;
import org.apache.flink.table.delegation.Parser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A command's value can never add, end or comment out a statement, wherever its placeholder stands: neither for Flink's
 * SQL driver, which ends the statements, nor for its parser, which reads them ({@link ScriptReader}).
 */
class VariableInjectionTest {

    private static final String DROP = "x'; DROP TABLE t; --";
    private static final String NEW_STATEMENT = "a\nINSERT INTO snk SELECT * FROM secrets";

    /** The script with {@code v} declared and sent by the command. */
    private static String resolve(String script, String value) {
        return ScriptVariables.resolve("orders", script, true, Map.of("v", "default"), Map.of("v", value)).script();
    }

    private static List<String> statements(String script) {
        return Scripts.texts(script);
    }

    @Test
    void insideALiteralAQuoteIsDoubledSoTheLiteralHoldsTheWholeValue() {
        String script = "INSERT INTO snk SELECT * FROM src WHERE name = '${v}';\nINSERT INTO snk2 SELECT 1;";

        String resolved = resolve(script, DROP);

        assertThat(statements(resolved)).hasSameSizeAs(statements(script));
        assertThat(statements(resolved).get(0))
                .isEqualTo("INSERT INTO snk SELECT * FROM src WHERE name = 'x''; DROP TABLE t; --';\n");
    }

    @Test
    void insideAnELiteralABackslashIsDoubledTooSoItCannotEscapeTheQuote() {
        String script = "INSERT INTO snk SELECT E'${v}';\nINSERT INTO snk2 SELECT 1;";

        String resolved = resolve(script, "\\'; DROP TABLE t; --");

        assertThat(statements(resolved)).hasSameSizeAs(statements(script));
        assertThat(statements(resolved).get(0)).isEqualTo("INSERT INTO snk SELECT E'\\\\''; DROP TABLE t; --';\n");
        // After an escaped quote it is still the same E-literal; a charset prefix ending in E is no E-literal.
        assertThat(resolve("SELECT e'it''s ${v}';", "\\'")).isEqualTo("SELECT e'it''s \\\\''';");
        assertThat(resolve("SELECT '${v}', _UTF16LE'${v}';", "a\\b")).isEqualTo("SELECT 'a\\b', _UTF16LE'a\\b';");
    }

    @Test
    void rightAfterABackslashInAnELiteralTheValueMustBeAToken() {
        assertThatThrownBy(() -> resolve("SELECT E'\\${v}';", "'; DROP TABLE t; --"))
                .isInstanceOf(JobBuildException.class)
                .hasMessageContaining("stands in bare SQL");
    }

    @Test
    void aQuotingValueInBareSqlIsRefused() {
        assertThatThrownBy(() -> resolve("SELECT 1;\nINSERT INTO snk SELECT * FROM src WHERE id = ${v};", DROP))
                .isInstanceOf(JobBuildException.class)
                .hasMessageContaining("Variable 'v' at line 2 stands in bare SQL")
                .hasMessageContaining("it contains '''")
                .hasMessageContaining("inside quotes");
    }

    @Test
    void aLineBreakIsRefusedInALiteralAndInBareSql() {
        assertThatThrownBy(() -> resolve("SELECT '${v}';", NEW_STATEMENT))
                .isInstanceOf(JobBuildException.class)
                .hasMessageContaining("Variable 'v' at line 1 stands inside a string literal")
                .hasMessageContaining("a line break");
        assertThatThrownBy(() -> resolve("SELECT ${v};", NEW_STATEMENT))
                .isInstanceOf(JobBuildException.class)
                .hasMessageContaining("stands in bare SQL")
                .hasMessageContaining("a line break");
    }

    @ParameterizedTest
    @ValueSource(strings = {"*/", "/*", "--", "1--2", "a;b", "a b", "f(x)", "", "5-"})
    void commentMarksAndOtherNonTokensAreRefusedInBareSql(String value) {
        assertThatThrownBy(() -> resolve("SELECT * FROM src WHERE id > ${v}-1;", value))
                .isInstanceOf(JobBuildException.class)
                .hasMessageContaining("Variable 'v' at line 1 stands in bare SQL");
    }

    @Test
    void aLeadingMinusRightAfterAMinusIsRefused() {
        assertThat(resolve("SELECT 1 - ${v};", "-1")).isEqualTo("SELECT 1 - -1;");
        assertThatThrownBy(() -> resolve("SELECT 1 -${v};", "-1"))
                .isInstanceOf(JobBuildException.class)
                .hasMessageContaining("right after a '-'");
    }

    @Test
    void aBacktickIsRefusedInAQuotedIdentifierWhereBlanksAreFine() {
        assertThat(resolve("INSERT INTO `${v}` SELECT 1;", "my table")).isEqualTo("INSERT INTO `my table` SELECT 1;");
        assertThatThrownBy(() -> resolve("INSERT INTO `${v}` SELECT 1;", "t` SELECT 1; DROP TABLE `t"))
                .isInstanceOf(JobBuildException.class)
                .hasMessageContaining("Variable 'v' at line 1 stands inside a `quoted` identifier")
                .hasMessageContaining("backtick");
        assertThatThrownBy(() -> resolve("INSERT INTO `${v}` SELECT 1;", "t\tx"))
                .isInstanceOf(JobBuildException.class)
                .hasMessageContaining("stands inside a `quoted` identifier")
                .hasMessageContaining("U+0009");
    }

    @Test
    void datesNumbersAndDottedNamesAreAcceptedInBareSql() {
        String script = "INSERT INTO ${v} SELECT * FROM src WHERE dt > ${day} LIMIT ${n};";
        Map<String, String> declared = Map.of("v", "t", "day", "d", "n", "1");

        String resolved = ScriptVariables.resolve("orders", script, true, declared,
                Map.of("v", "catalog.db.orders_v2", "day", "2026-11-28", "n", "1e3")).script();

        assertThat(resolved).isEqualTo("INSERT INTO catalog.db.orders_v2 SELECT * FROM src WHERE dt > 2026-11-28 "
                + "LIMIT 1e3;");
    }

    @Test
    void aCommandValueInsideADefinitionIsCheckedWhereTheDefinitionPutsIt() {
        String script = """
                tbl := db_${v}.orders;
                filter := WHERE name = '${v}';
                INSERT INTO ${tbl} SELECT * FROM src ${filter};""";

        assertThatThrownBy(() -> resolve(script, "x; DROP TABLE t"))
                .isInstanceOf(JobBuildException.class)
                .hasMessageContaining("Variable 'v' (through 'tbl') at line 3 stands in bare SQL");
        assertThat(ScriptVariables.resolve("orders", script.replace("db_${v}", "db"), true, Map.of("v", "d"),
                Map.of("v", DROP)).script())
                .isEqualTo("\n\nINSERT INTO db.orders SELECT * FROM src WHERE name = 'x''; DROP TABLE t; --';");
    }

    /**
     * Flink's parser, unlike its driver, reads // as a line comment, ends a -- comment at a carriage return, knows
     * backslash escapes in E'...', does not quote with double quotes, and does not read * / * as a comment's end and
     * start nor glue a comment after a ';'.
     */
    @ParameterizedTest
    @ValueSource(strings = {"SELECT 1 // don't\n, ${v} -- '\n;", "SELECT \"'\", '${v}';", "SELECT \"'${v}'\";",
            "SELECT E'it\\'s', '${v}';", "SELECT /* c */* FROM t WHERE a = '${v}';", "SELECT 1; -- c\r'${v}';",
            "SELECT 1 -- c\r'${v}';"})
    void whereTheDriverAndTheParserReadThePlaceDifferentlyTheValueMustBeAToken(String script) {
        assertThatThrownBy(() -> resolve(script, "x\"; DROP TABLE t; --"))
                .isInstanceOf(JobBuildException.class)
                .hasMessageContaining("stands in bare SQL");
        assertThat(resolve(script, "ok")).isEqualTo(script.replace("${v}", "ok"));
    }

    @Test
    void forFlinkACarriageReturnEndsALineCommentSoThePlaceholderAfterItIsSubstituted() {
        assertThat(resolve("SELECT 1 -- note\r, ${v};", "ok")).isEqualTo("SELECT 1 -- note\r, ok;");
        assertThatThrownBy(() -> resolve("SELECT 1 -- note\r, '${v}';", "a b"))
                .isInstanceOf(JobBuildException.class)
                .hasMessageContaining("stands in bare SQL");
    }

    @ParameterizedTest
    @ValueSource(strings = {"SELECT 1 // ${v}\n;", "SELECT 1 /*/ '${v}' */;", "SELECT 1 -- ${v}\n;",
            "SELECT 1; /* ${v} */"})
    void whereTheParserReadsACommentNoValueGoesInWhateverTheDriverReads(String script) {
        assertThat(resolve(script, DROP)).isEqualTo(script);
    }

    @Test
    void aValueEndingInEMayNotMakeTheStringAfterItAnELiteral() {
        assertThatThrownBy(() -> resolve("SELECT ${v}'\\'; DROP TABLE t; --';", "E"))
                .isInstanceOf(BadParameterException.class)
                .hasMessageContaining("Variable 'v' at line 1 ends with 'E' right before a quote");
        assertThatThrownBy(() -> resolve("SELECT ${v}'x';", "1e"))
                .isInstanceOf(BadParameterException.class);
        assertThat(resolve("SELECT ${v}'x';", "_UTF16LE")).isEqualTo("SELECT _UTF16LE'x';");
        assertThat(resolve("SELECT ${v} 'x';", "E")).isEqualTo("SELECT E 'x';");
    }

    /** Templates that Flink's parser reads without error (over a catalog with tables src and t) when v is x. */
    private static final String[] TEMPLATES = {
            "INSERT INTO t SELECT '${v}';\nSELECT 2;",
            "SELECT E'${v}' FROM src;\nSELECT 2;",
            "SELECT E'a\\${v}';\nSELECT 2;",
            "SELECT 1 AS `${v}`;\nSELECT 2;",
            "SELECT 1 AS ${v}; SELECT 2;",
            "SELECT 1 -${v} FROM (VALUES (1)) AS v(x);\nSELECT 2;",
            "SELECT 1 -- c\r, '${v}'\n;SELECT 2;",
            "SELECT 1 // c '${v}'\n;SELECT 2;",
            "SELECT /* c */* FROM (VALUES ('${v}')) AS v(s) /* d */;\nSELECT 2;",
            "SELECT E'it\\'s' || '${v}';",
            "SELECT 1 /* ${v} */;\nSELECT 2;",
            "EXECUTE STATEMENT SET BEGIN INSERT INTO t SELECT '${v}'; INSERT INTO t SELECT s FROM src; END;\nSELECT 2;",
            "EXECUTE STATEMENT SET BEGIN INSERT INTO t SELECT s FROM src AS ${v}; INSERT INTO t SELECT 'a'; END;",
            "SET 'k' = '${v}'; -- c\nSELECT 2;",
            "SELECT s FROM src WHERE s = '${v}' -- '\n;SELECT 2;",
    };
    private static final String ALPHABET = "'\"`;-/*\\\r\n aE1${}.:+_";

    /** What the reader made of a script: where its statements end, which failed, and whether it refused. */
    private record Reading(List<Integer> ends, List<Boolean> failed, boolean refused) {

        static Reading of(String script, Parser parser) {
            List<Integer> ends = new ArrayList<>();
            List<Boolean> failed = new ArrayList<>();
            try {
                ScriptReader reader = new ScriptReader(script);
                for (ScriptReader.Statement s = reader.next(parser); s != null; s = reader.next(parser)) {
                    ends.add(s.offset() + s.text().length());
                    failed.add(s.failure() != null);
                }
            } catch (JobBuildException e) {
                return new Reading(ends, failed, true);
            }
            return new Reading(ends, failed, false);
        }
    }

    @Test
    void randomValuesNeverMoveTheEndOfAStatement() {
        TableEnvironment tableEnv = TableEnvironment.create(EnvironmentSettings.inStreamingMode());
        tableEnv.executeSql("CREATE TEMPORARY TABLE src (s STRING) WITH ('connector' = 'datagen')");
        tableEnv.executeSql("CREATE TEMPORARY TABLE t (s STRING) WITH ('connector' = 'blackhole')");
        Parser parser = ((TableEnvironmentInternal) tableEnv).getParser();
        Random random = new Random(20_261_128);
        int substituted = 0;
        for (String template : TEMPLATES) {
            String plain = resolve(template, "x");
            Reading expected = Reading.of(plain, parser);
            assertThat(expected.refused() || expected.failed().contains(true)).as(plain).isFalse();
            for (int k = 0; k < 300; k++) {
                StringBuilder value = new StringBuilder();
                for (int i = random.nextInt(8); i >= 0; i--) {
                    value.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
                }
                String resolved;
                try {
                    resolved = resolve(template, value.toString());
                } catch (BadParameterException e) {
                    continue;
                }
                substituted++;
                Reading actual = Reading.of(resolved, parser);
                // No statement ends inside the value, and every statement before the first that fails (which ends
                // the script, and holds the value or follows it) ends where it ended with a harmless value.
                List<Integer> ends = inTemplate(template, resolved, actual.ends());
                List<Integer> plainEnds = inTemplate(template, plain, expected.ends());
                int failing = actual.failed().indexOf(true);
                assertThat(actual.refused()).as(resolved).isFalse();
                assertThat(ends).as(resolved).doesNotContain(-1);
                if (failing < 0) {
                    assertThat(ends).as(resolved).isEqualTo(plainEnds);
                } else {
                    assertThat(ends.subList(0, failing)).as(resolved).isEqualTo(plainEnds.subList(0, failing));
                    assertThat(ends.get(failing)).as(resolved).isGreaterThan(template.indexOf("${v}"));
                }
            }
        }
        assertThat(substituted).isGreaterThan(TEMPLATES.length * 300 / 4);
    }

    /** Positions in a resolution of a template with one placeholder, moved to the template's; -1 inside the value. */
    private static List<Integer> inTemplate(String template, String resolved, List<Integer> positions) {
        int placeholder = template.indexOf("${v}");
        int length = resolved.length() - template.length() + "${v}".length();
        return positions.stream().map(p -> p <= placeholder ? p
                : p >= placeholder + length ? p - length + "${v}".length() : -1).toList();
    }

    @Test
    void authorWrittenValuesAreSubstitutedAsTheyAre() {
        String script = "cols := id, 'a;b' AS c;\nSELECT ${cols}, ${more} FROM src;";

        String resolved = ScriptVariables.resolve("orders", script, true, Map.of("more", "name, 1 + 1"), Map.of())
                .script();

        assertThat(resolved).isEqualTo("\nSELECT id, 'a;b' AS c, name, 1 + 1 FROM src;");
    }
}
