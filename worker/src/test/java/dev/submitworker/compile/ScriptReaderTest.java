package dev.submitworker.compile;

import static dev.submitworker.compile.Scripts.read;
import static dev.submitworker.compile.Scripts.texts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.submitworker.compile.ScriptReader.Statement;
import java.util.List;
import org.apache.flink.table.api.SqlParserEOFException;
import org.apache.flink.table.operations.command.SetOperation;
import org.junit.jupiter.api.Test;

/** The reader cuts a script as Flink's SQL driver does; ScriptReaderDifferentialTest compares it with the driver. */
class ScriptReaderTest {

    @Test
    void endsStatementsAtSemicolonsInCodeKeepingTheSemicolonAndTheBlanksAfterIt() {
        assertThat(texts("CREATE TABLE a (x INT);\nINSERT INTO a SELECT 1; SELECT 2"))
                .containsExactly("CREATE TABLE a (x INT);\n", "INSERT INTO a SELECT 1; ", "SELECT 2");
    }

    @Test
    void keepsSemicolonsInsideStringLiteralsIncludingEscapedQuotes() {
        assertThat(texts("INSERT INTO t SELECT 'a;b', 'it''s; fine' FROM s; SELECT 2"))
                .containsExactly("INSERT INTO t SELECT 'a;b', 'it''s; fine' FROM s; ", "SELECT 2");
    }

    @Test
    void keepsSemicolonsInsideQuotedIdentifiers() {
        assertThat(texts("SELECT `we;ird`, `a``;b` FROM t; SELECT 1"))
                .containsExactly("SELECT `we;ird`, `a``;b` FROM t; ", "SELECT 1");
    }

    @Test
    void commentsBelongToTheFirstStatementOrToTheOneBeforeThem() {
        assertThat(texts("-- header; comment\nSELECT 1 /* a; b */; -- trailing; comment\n/* only; a comment */\n"
                + "SELECT 2;\n-- end"))
                .containsExactly("-- header; comment\nSELECT 1 /* a; b */; -- trailing; comment\n/* only; a comment */\n",
                        "SELECT 2;\n-- end");
    }

    @Test
    void extraSemicolonsGoWithTheStatementBeforeThemButNotBeforeTheFirst() {
        List<Statement> statements = read(";;SELECT 1;;\n SELECT 2;;");

        assertThat(statements).extracting(Statement::text).containsExactly(";;", "SELECT 1;;\n ", "SELECT 2;;");
        assertThat(statements.get(0).failure()).hasMessageContaining("Encountered \";\"");
        assertThat(statements.get(1).failure()).isNull();
        assertThat(read("   \n \t")).isEmpty();
    }

    @Test
    void aScriptOfCommentsOnlyIsAnUnfinishedStatement() {
        List<Statement> statements = read("   \n -- nothing here\n");

        assertThat(statements).hasSize(1);
        assertThat(statements.get(0).failure()).isInstanceOf(SqlParserEOFException.class);
        assertThat(statements.get(0).caveat()).contains("only comments");
        assertThat(read("SELECT 1;\nEXECUTE STATEMENT SET BEGIN INSERT INTO t SELECT 1;").get(1).caveat())
                .isEqualTo("the script ends before this statement does");
    }

    @Test
    void anExecuteStatementSetBlockStaysOneStatementBecauseTheParserWantsMore() {
        String script = """
                CREATE TEMPORARY TABLE a (x INT) WITH ('connector' = 'blackhole');
                EXECUTE STATEMENT SET BEGIN
                  INSERT INTO a SELECT 1;
                  -- a comment; inside
                  INSERT INTO a SELECT 2;
                END;
                SELECT 3;
                """;

        List<Statement> statements = read(script);

        assertThat(statements).extracting(Statement::text).containsExactly(
                "CREATE TEMPORARY TABLE a (x INT) WITH ('connector' = 'blackhole');\n",
                "EXECUTE STATEMENT SET BEGIN\n  INSERT INTO a SELECT 1;\n  -- a comment; inside\n"
                        + "  INSERT INTO a SELECT 2;\nEND;\n",
                "SELECT 3;\n");
        // nothing was applied, so the parser does not know table a; the block still ends at END
        assertThat(statements.get(1).failure()).hasMessageContaining("a");
    }

    @Test
    void theParseResultComesWithTheStatement() {
        Statement set = read("SET 'pipeline.name' = 'x';").get(0);
        assertThat(set.operations()).singleElement().isInstanceOf(SetOperation.class);
        assertThat(set.failure()).isNull();

        Statement unknown = read("INSERT INTO missing SELECT 1;").get(0);
        assertThat(unknown.operations()).isNull();
        assertThat(unknown.failure()).hasMessageContaining("missing");
    }

    @Test
    void reportsTheLineOfEachStatementsFirstCode() {
        List<Statement> statements = read("""
                -- header comment
                SELECT 1;

                SELECT 'multi
                line';
                /* block
                   comment */ SELECT 3;
                """);

        assertThat(statements).extracting(Statement::line).containsExactly(2, 4, 7);
        assertThat(statements).extracting(Statement::number).containsExactly(1, 2, 3);
        assertThat(statements.get(2).where()).isEqualTo("Statement 3 (line 7 of the script)");
    }

    @Test
    void carriageReturnLineFeedsAreJustWhitespace() {
        assertThat(texts("insert\r\ninto t select 1;\r\n-- c\r\nselect 2"))
                .containsExactly("insert\r\ninto t select 1;\r\n-- c\r\n", "select 2");
    }

    @Test
    void aByteOrderMarkIsRefused() {
        assertThatThrownBy(() -> read("\uFEFFSELECT 1;"))
                .isInstanceOf(JobBuildException.class)
                .hasMessageContaining("byte-order mark");
    }

    @Test
    void aStatementEndInsideADoubleSlashCommentIsRefusedBecauseTheDriverWouldRunWhatTheParserCommentsOut() {
        assertThatThrownBy(() -> read("SELECT 1 // off; SELECT 2\n;"))
                .isInstanceOf(JobBuildException.class)
                .hasMessageContaining("Statement 1 (line 1 of the script) is read differently")
                .hasMessageContaining("after the ';' at line 1, column 16")
                .hasMessageContaining("comment // that opens at line 1, column 10")
                .hasMessageContaining("write the comment with -- instead");
        // a // comment the parser wants more after is no statement end: it joins the next statement
        assertThat(texts("// c; x\nSELECT 1;\nSELECT 2;")).containsExactly("// c; x\nSELECT 1;\n", "SELECT 2;");
    }

    @Test
    void aStatementEndAfterABackslashQuoteInAnELiteralIsRefused() {
        assertThatThrownBy(() -> read("SELECT E'it\\'s;x'; SELECT 2;"))
                .isInstanceOf(JobBuildException.class)
                .hasMessageContaining("string E'...' that opens at line 1, column 8")
                .hasMessageContaining("write a quote inside the string as ''");
        // written with '' both read it the same
        assertThat(texts("SELECT E'it''s;x'; SELECT 2;")).containsExactly("SELECT E'it''s;x'; ", "SELECT 2;");
    }

    @Test
    void aStatementEndInsideACommentTheDriverClosesAtSlashStarSlashIsRefused() {
        assertThatThrownBy(() -> read("SELECT 1 /*/ ; SELECT 2 */;\nSELECT 3;"))
                .isInstanceOf(JobBuildException.class)
                .hasMessageContaining("comment /* that opens at line 1, column 10")
                .hasMessageContaining("put a space after /*");
    }

    @Test
    void whereTheDriverRunsOnPastAStatementEndTheFailureSaysWhy() {
        Statement starSlashStar = read("SELECT /* c */* FROM t; SELECT 2;").get(0);
        assertThat(starSlashStar.text()).isEqualTo("SELECT /* c */* FROM t; SELECT 2;");
        assertThat(starSlashStar.failure()).hasMessageContaining("only single statement supported");
        assertThat(starSlashStar.caveat()).contains("the ';' at line 1, column 23")
                .contains("comment /* that opens at line 1, column 14").contains("*/*");

        Statement carriageReturn = read("-- c;\rSELECT 1;\rSELECT 2;").get(0);
        assertThat(carriageReturn.caveat()).contains("comment --").contains("lone carriage return");

        Statement glued = read("SELECT 1; -- c\rSELECT 2\n;SELECT 3;").get(0);
        assertThat(glued.text()).isEqualTo("SELECT 1; -- c\rSELECT 2\n;");
        assertThat(glued.caveat()).contains("the 'S' at line 1, column 16").contains("lone carriage return");

        Statement quoteInComment = read("SELECT 1; // don't\nSELECT 2;\nSELECT 3;").get(1);
        assertThat(quoteInComment.caveat()).contains("string '...' that opens at line 1, column 17");
    }

    @Test
    void whereNothingFollowsBothReadTheSameStatementAndItParses() {
        assertThat(read("SELECT 1;\nSELECT E'it\\'s';")).allSatisfy(s -> assertThat(s.failure()).isNull());
        assertThat(read("SELECT /* c */* FROM (VALUES (1)) AS t(x);")).singleElement()
                .satisfies(s -> assertThat(s.failure()).isNull());
    }

    @Test
    void anUnquotedSetFollowedByACommentFailsAsOnTheDriverWithAHint() {
        List<Statement> statements = read("SET pipeline.name = abc;\n-- next\nSELECT 1;");

        assertThat(statements.get(0).text()).isEqualTo("SET pipeline.name = abc;\n-- next\n");
        assertThat(statements.get(0).failure()).hasMessageContaining("Encountered \"pipeline\"");
        assertThat(statements.get(0).caveat()).contains("write SET 'key' = 'value'");
        assertThat(read("SET pipeline.name = abc;\nSELECT 1;").get(0).failure()).isNull();
    }

    @Test
    void aLoneTrailingMinusIsGluedOnAndALoneTrailingSlashIsNot() {
        assertThat(texts("SELECT 1;-")).containsExactly("SELECT 1;-");
        assertThat(texts("SELECT 1;/")).containsExactly("SELECT 1;", "/");
    }

    @Test
    void codeStartSkipsBlanksAndCommentsAsTheParserReadsThem() {
        String text = " -- a\r/* b */ // c\n x";
        assertThat(ScriptReader.codeStart(text, 0, text.length())).isEqualTo(text.indexOf('x'));
        assertThat(ScriptReader.codeStart("-x", 0, 2)).isZero();
        assertThat(ScriptReader.codeStart("  ", 0, 2)).isEqualTo(2);
        assertThat(ScriptReader.literalEnd("'it''s' x", 0)).isEqualTo(7);
        assertThat(ScriptReader.literalEnd("'open", 0)).isEqualTo(-1);
    }

    @Test
    void theParserViewReadsELiteralsOnlyWhereAnEStartsAWord() {
        assertThat(escapesAtEnd("SELECT E'")).isTrue();
        assertThat(escapesAtEnd("SELECT 1e'")).isTrue();
        assertThat(escapesAtEnd("SELECT e'it''s ")).isTrue();
        assertThat(escapesAtEnd("SELECT _UTF16LE'")).isFalse();
        assertThat(escapesAtEnd("SELECT a1E'")).isFalse();
        assertThat(escapesAtEnd("SELECT '")).isFalse();
    }

    private static boolean escapesAtEnd(String text) {
        ScriptReader.ParserView view = new ScriptReader.ParserView();
        view.feed(text);
        return view.backslashEscapes();
    }
}
