package dev.submitworker.compile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.submitworker.compile.ScriptVariables.ResolvedScript;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Where variable values come from, which wins, and what happens when one is missing. */
class VariableResolutionTest {

    private static ResolvedScript resolve(String script, Map<String, String> declared, Map<String, String> command) {
        return ScriptVariables.resolve("orders", script, true, declared, command);
    }

    private static Map<String, String> mustSupply(String name) {
        Map<String, String> declared = new HashMap<>();
        declared.put(name, null);
        return declared;
    }

    @Test
    void aDefinitionOverridesTheDefaultAndTheCommandOverridesBoth() {
        String script = "env := staging;\nINSERT INTO t SELECT '${env}';";

        assertThat(resolve("INSERT INTO t SELECT '${env}';", Map.of("env", "dev"), Map.of()).script())
                .isEqualTo("INSERT INTO t SELECT 'dev';");
        assertThat(resolve(script, Map.of("env", "dev"), Map.of()).script())
                .isEqualTo("\nINSERT INTO t SELECT 'staging';");
        assertThat(resolve(script, Map.of("env", "dev"), Map.of("env", "prod")).script())
                .isEqualTo("\nINSERT INTO t SELECT 'prod';");
    }

    @Test
    void aDefinitionAppliesFromItsStatementOn() {
        String script = "SELECT '${env}';\nenv := staging;\nSELECT '${env}';";

        assertThat(resolve(script, Map.of("env", "dev"), Map.of()).script())
                .isEqualTo("SELECT 'dev';\n\nSELECT 'staging';");
    }

    @Test
    void definitionsAreRemovedKeepTheirLineBreaksAndMayUseEarlierVariables() {
        String script = """
                -- the source table
                src_table := db_${env}.orders;
                cols := id, name;
                sep := ';';
                INSERT INTO snk SELECT ${cols}, ${sep} FROM ${src_table};
                """;

        ResolvedScript resolved = resolve(script, Map.of("env", "dev"), Map.of());

        assertThat(resolved.script()).isEqualTo("\n\n\n\nINSERT INTO snk SELECT id, name, ';' FROM db_dev.orders;\n");
        assertThat(Scripts.read(resolved.script())).singleElement().satisfies(statement -> {
            assertThat(statement.text()).isEqualTo(resolved.script());
            assertThat(statement.line()).isEqualTo(5);
        });
    }

    @Test
    void theEffectiveValuesComeBackForTheAnswer() {
        String script = "tbl := db_${env}.orders;\nINSERT INTO ${tbl} SELECT '${day}';";
        Map<String, String> declared = new HashMap<>(Map.of("env", "dev"));
        declared.put("day", null);

        ResolvedScript resolved = resolve(script, declared, Map.of("day", "2026-11-28"));

        assertThat(resolved.variables()).containsExactlyInAnyOrderEntriesOf(
                Map.of("env", "dev", "day", "2026-11-28", "tbl", "db_dev.orders"));
    }

    @Test
    void aVariableWithoutDefaultThatTheCommandDoesNotSupplyIsNamedWithItsLine() {
        String script = "CREATE TABLE t (x INT);\n\nINSERT INTO t SELECT * FROM s WHERE dt = '${day}';";

        assertThatThrownBy(() -> resolve(script, mustSupply("day"), Map.of()))
                .isInstanceOf(JobBuildException.class)
                .hasMessage("Variable 'day' is used at line 3 but has no value: the command must supply it in "
                        + "'variables'");
    }

    @Test
    void aVariableWithoutDefaultIsRequiredEvenWhereTheScriptDoesNotUseIt() {
        assertThatThrownBy(() -> resolve("INSERT INTO t SELECT 1;", mustSupply("day"), Map.of()))
                .isInstanceOf(JobBuildException.class)
                .hasMessageContaining("'day'")
                .hasMessageContaining("must supply it");
    }

    @Test
    void aVariableWithoutDefaultMayBeDefinedByTheScript() {
        assertThat(resolve("day := 2026-01-01;\nSELECT '${day}';", mustSupply("day"), Map.of()).script())
                .isEqualTo("\nSELECT '2026-01-01';");
    }

    @Test
    void aVariableThatIsNeitherDeclaredNorDefinedIsRefused() {
        assertThatThrownBy(() -> resolve("SELECT 1;\nSELECT '${nope}';", Map.of(), Map.of()))
                .isInstanceOf(JobBuildException.class)
                .hasMessageContaining("Variable 'nope' is used at line 2 but has no value")
                .hasMessageContaining("does not declare it");
        assertThatThrownBy(() -> resolve("x := ${nope}_1;\nSELECT '${x}';", Map.of(), Map.of()))
                .isInstanceOf(JobBuildException.class)
                .hasMessageContaining("Variable 'nope' is used at line 1");
    }

    @Test
    void aCommandMayNotSendAVariableTheTaskNeitherDeclaresNorDefines() {
        assertThatThrownBy(() -> resolve("SELECT '${env}';", Map.of("env", "dev"), Map.of("evil", "1")))
                .isInstanceOf(JobBuildException.class)
                .hasMessageContaining("Variable 'evil' is not declared by task 'orders'");
    }

    @Test
    void aCommandMayOverrideAVariableTheScriptDefines() {
        assertThat(resolve("lim := 10;\nSELECT ${lim};", Map.of(), Map.of("lim", "20")).script())
                .isEqualTo("\nSELECT 20;");
    }

    @Test
    void aNullValueInTheCommandIsRefused() {
        Map<String, String> command = new HashMap<>();
        command.put("env", null);

        assertThatThrownBy(() -> resolve("SELECT '${env}';", Map.of("env", "dev"), command))
                .isInstanceOf(JobBuildException.class)
                .hasMessageContaining("Variable 'env' is null in the command");
    }

    @Test
    void withoutFragmentTheScriptIsLeftAsWritten() {
        String script = "x := 1;\nSELECT '${x}', ${undefined_is_fine};";

        ResolvedScript resolved = ScriptVariables.resolve("orders", script, false, Map.of("x", "2"), Map.of());

        assertThat(resolved.script()).isEqualTo(script);
        assertThat(resolved.variables()).isEmpty();
    }

    @Test
    void withoutFragmentCommandVariablesAreRefused() {
        assertThatThrownBy(() -> ScriptVariables.resolve("orders", "SELECT '${x}';", false, Map.of("x", "1"),
                Map.of("x", "2")))
                .isInstanceOf(JobBuildException.class)
                .hasMessageContaining("fragment: false");
    }

    @Test
    void placeholdersInCommentsAreLeftAsWrittenAndNeedNoValue() {
        String script = """
                -- for ${day}: ${undefined}
                /* ${day} */ SELECT '${day}' // ${day}
                ;""";

        assertThat(resolve(script, Map.of("day", "mon"), Map.of()).script()).isEqualTo("""
                -- for ${day}: ${undefined}
                /* ${day} */ SELECT 'mon' // ${day}
                ;""");
    }
}
