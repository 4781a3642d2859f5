package dev.submitworker.compile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.submitworker.core.Task;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExecuteJarStatementTest {

    private static ExecuteJarStatement parse(String statement) {
        return ExecuteJarStatement.parse(statement).orElseThrow();
    }

    @Test
    void readsAllOptionsWhateverTheCaseSpacingAndLineBreaks() {
        ExecuteJarStatement statement = parse("""
                -- runs the enrichment jar
                /* owned by the data team */
                execute   JAR
                  with(
                  'uri' = 's3://jobs/app.jar' ,
                  'main-class'='com.acme.Main',
                  'args' = '--name "my job" --greeting ''hello''',
                  'parallelism'   =  '4',
                  'savepoint-path' = 's3://sp/6-orders/savepoint-1',
                  'allowNonRestoredState' = 'TRUE'
                ) ;
                """);

        assertThat(statement.jar()).isEqualTo(new Task.JarSpec("s3://jobs/app.jar", "com.acme.Main",
                List.of("--name", "my job", "--greeting", "'hello'")));
        assertThat(statement.parallelism()).isEqualTo(4);
        assertThat(statement.savepointPath()).isEqualTo("s3://sp/6-orders/savepoint-1");
        assertThat(statement.allowNonRestoredState()).isTrue();
    }

    @Test
    void readsTheStatementAsFlinksDriverCutsIt() {
        // as the driver cuts it: the ';' and the ';' and comments after it belong to the statement
        ExecuteJarStatement statement = parse("""
                EXECUTE JAR WITH ( // options as Flink's parser reads comments
                  'uri' = 'a;b.jar', -- a ';' in a value or a comment is no end
                  'args' = '/* not a comment */ x' /* 'a comment' */
                );;
                -- the end
                """);

        assertThat(statement.jar()).isEqualTo(new Task.JarSpec("a;b.jar", null, List.of("/*", "not", "a",
                "comment", "*/", "x")));
    }

    @Test
    void optionalOptionsMayBeLeftOut() {
        ExecuteJarStatement statement = parse("EXECUTE JAR WITH ('uri'='/jobs/app.jar')");

        assertThat(statement.jar()).isEqualTo(new Task.JarSpec("/jobs/app.jar", null, List.of()));
        assertThat(statement.parallelism()).isNull();
        assertThat(statement.savepointPath()).isNull();
        assertThat(statement.allowNonRestoredState()).isNull();
    }

    @Test
    void optionNamesMatchAsDinkyBindsThem() {
        ExecuteJarStatement statement = parse("EXECUTE JAR WITH ('URI'='a.jar', 'mainClass'='x.Y', "
                + "'allow-non-restored-state'='false')");

        assertThat(statement.jar().mainClass()).isEqualTo("x.Y");
        assertThat(statement.allowNonRestoredState()).isFalse();
    }

    @Test
    void dinkysBase64ArgsAreDecoded() {
        String encoded = Base64.getEncoder().encodeToString("--offset.init \"latest one\"".getBytes(StandardCharsets.UTF_8));

        assertThat(parse("EXECUTE JAR WITH ('uri'='a.jar', 'args'='base64@" + encoded + "')").jar().args())
                .containsExactly("--offset.init", "latest one");
    }

    @Test
    void argsSplitOnWhitespaceAndKeepDoubleQuotedParts() {
        assertThat(ExecuteJarStatement.splitArgs("  a\tb\n c  ")).containsExactly("a", "b", "c");
        assertThat(ExecuteJarStatement.splitArgs("--sql \"SELECT 1; SELECT 2\" \"\" x")).containsExactly(
                "--sql", "SELECT 1; SELECT 2", "", "x");
        assertThat(ExecuteJarStatement.splitArgs("--k=\"a b\"c")).containsExactly("--k=a bc");
        assertThat(ExecuteJarStatement.splitArgs("")).isEmpty();
        assertThatThrownBy(() -> ExecuteJarStatement.splitArgs("--name \"open"))
                .isInstanceOf(JobBuildException.class).hasMessageContaining("unclosed double quote");
    }

    @Test
    void otherStatementsAreNotExecuteJar() {
        assertThat(ExecuteJarStatement.parse("INSERT INTO t SELECT 1")).isEmpty();
        assertThat(ExecuteJarStatement.parse("EXECUTE STATEMENT SET BEGIN INSERT INTO t SELECT 1; END")).isEmpty();
        assertThat(ExecuteJarStatement.parse("-- EXECUTE JAR WITH ('uri'='a.jar')\nSELECT 1")).isEmpty();
        assertThat(ExecuteJarStatement.parse("EXECUTE JARS WITH ('uri'='a.jar')")).isEmpty();
    }

    @Test
    void theBuildersDescriptionReadsBack() {
        Task.JarSpec jar = new Task.JarSpec("file:///jobs/o'brien.jar", "com.acme.Main",
                List.of("--name", "my job", "", "it's"));

        String statement = ExecuteJarStatement.toStatement(jar);

        assertThat(statement).isEqualTo("EXECUTE JAR WITH ('uri'='file:///jobs/o''brien.jar', "
                + "'main-class'='com.acme.Main', 'args'='--name \"my job\" \"\" it''s')");
        assertThat(parse(statement).jar()).isEqualTo(jar);
    }

    @Test
    void mistakesAreExplainedWithTheirPosition() {
        assertThatThrownBy(() -> parse("EXECUTE JAR WITH ('main-class'='x.Y')"))
                .isInstanceOf(JobBuildException.class).hasMessageContaining("needs the jar's location: 'uri'");
        assertThatThrownBy(() -> parse("EXECUTE JAR WITH ('uri'='a.jar', 'class'='x.Y')"))
                .hasMessageContaining("unknown option 'class'")
                .hasMessageContaining("uri, main-class, args, parallelism, savepoint-path, allowNonRestoredState");
        assertThatThrownBy(() -> parse("EXECUTE JAR WITH ('uri'='a.jar', 'URI'='b.jar')"))
                .hasMessageContaining("option 'URI' is given twice");
        assertThatThrownBy(() -> parse("EXECUTE JAR WITH ('uri'='a.jar', 'parallelism'='0')"))
                .hasMessageContaining("'parallelism' must be a positive whole number, not '0'");
        assertThatThrownBy(() -> parse("EXECUTE JAR WITH ('uri'='a.jar', 'parallelism'='two')"))
                .hasMessageContaining("not 'two'");
        assertThatThrownBy(() -> parse("EXECUTE JAR WITH ('uri'='a.jar', 'allowNonRestoredState'='yes')"))
                .hasMessageContaining("must be 'true' or 'false'");
        assertThatThrownBy(() -> parse("-- comment\nEXECUTE JAR WITH (\n  'uri' 'a.jar')"))
                .hasMessageContaining("expected '=' at line 3, column 9, found '''");
        assertThatThrownBy(() -> parse("EXECUTE JAR WITH ('uri'='a.jar'"))
                .hasMessageContaining("expected ',' or ')' at line 1, column 32, found the end of the statement");
        assertThatThrownBy(() -> parse("EXECUTE JAR WITH ('uri'='a.jar) x"))
                .hasMessageContaining("the quote opened at line 1, column 25 is never closed");
        assertThatThrownBy(() -> parse("EXECUTE JAR WITH ('uri'='a.jar') trailing"))
                .hasMessageContaining("expected the end of the statement at line 1, column 34");
        assertThatThrownBy(() -> parse("EXECUTE JAR WITH (uri='a.jar')"))
                .hasMessageContaining("expected an option name in quotes");
    }
}
