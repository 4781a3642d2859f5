package dev.submitworker.compile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.submitworker.compile.StatementSplitter.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatementSplitterTest {

    private static List<String> sql(String script) {
        return StatementSplitter.split(script).stream().map(Statement::sql).toList();
    }

    @Test
    void splitsAtTopLevelSemicolons() {
        assertThat(sql("CREATE TABLE a (x INT);\nINSERT INTO a SELECT 1;"))
                .containsExactly("CREATE TABLE a (x INT)", "INSERT INTO a SELECT 1");
    }

    @Test
    void keepsSemicolonsInsideStringLiteralsIncludingEscapedQuotes() {
        assertThat(sql("INSERT INTO t SELECT 'a;b', 'it''s; fine' FROM s; SELECT 2"))
                .containsExactly("INSERT INTO t SELECT 'a;b', 'it''s; fine' FROM s", "SELECT 2");
    }

    @Test
    void keepsSemicolonsInsideQuotedIdentifiers() {
        assertThat(sql("SELECT `we;ird`, \"also;odd\" FROM t; SELECT 1"))
                .containsExactly("SELECT `we;ird`, \"also;odd\" FROM t", "SELECT 1");
    }

    @Test
    void ignoresSemicolonsInLineAndBlockComments() {
        assertThat(sql("-- first; comment\nSELECT 1 /* a; b */ FROM t;\n/* only; a comment */;\n-- trailing;"))
                .containsExactly("-- first; comment\nSELECT 1 /* a; b */ FROM t");
    }

    @Test
    void dropsEmptyStatements() {
        assertThat(sql(";;  ;\n SELECT 1;;\n\n;")).containsExactly("SELECT 1");
        assertThat(sql("   \n -- nothing here\n")).isEmpty();
    }

    @Test
    void keepsAnExecuteStatementSetBlockAsOneStatement() {
        String script = """
                CREATE TABLE a (x INT);
                EXECUTE STATEMENT SET BEGIN
                  INSERT INTO a SELECT 1;
                  INSERT INTO a SELECT 2;
                END;
                SELECT 3;
                """;
        List<String> statements = sql(script);
        assertThat(statements).hasSize(3);
        assertThat(statements.get(1)).startsWith("EXECUTE STATEMENT SET BEGIN")
                .contains("INSERT INTO a SELECT 1;\nINSERT INTO a SELECT 2;\nEND");
    }

    @Test
    void reportsTheLineEachStatementStartsOn() {
        List<Statement> statements = StatementSplitter.split("""
                -- header comment
                SELECT 1;

                SELECT 'multi
                line';
                /* block
                   comment */ SELECT 3;
                """);
        assertThat(statements).extracting(Statement::line).containsExactly(2, 4, 7);
    }

    @Test
    void carriageReturnLineFeedsAreJustWhitespace() {
        assertThat(sql("insert\r\ninto t select 1;\r\nselect 2")).containsExactly("insert\r\ninto t select 1", "select 2");
    }
}
