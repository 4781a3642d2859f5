package dev.submitworker.compile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A command's value can never add, end or comment out a statement, wherever its placeholder stands. */
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

    /** Flink, unlike the statement splitter, reads // as a line comment and does not quote with double quotes. */
    @ParameterizedTest
    @ValueSource(strings = {"SELECT 1 // don't\n, ${v} -- '\n;", "SELECT \"'\", '${v}';", "SELECT \"'${v}'\";"})
    void whereTheSplitterAndFlinkReadThePlaceDifferentlyTheValueMustBeAToken(String script) {
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

    @Test
    void authorWrittenValuesAreSubstitutedAsTheyAre() {
        String script = "cols := id, 'a;b' AS c;\nSELECT ${cols}, ${more} FROM src;";

        String resolved = ScriptVariables.resolve("orders", script, true, Map.of("more", "name, 1 + 1"), Map.of())
                .script();

        assertThat(resolved).isEqualTo("\nSELECT id, 'a;b' AS c, name, 1 + 1 FROM src;");
    }
}
