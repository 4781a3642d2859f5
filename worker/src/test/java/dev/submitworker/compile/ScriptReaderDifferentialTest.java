package dev.submitworker.compile;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.flink.table.gateway.service.application.FlinkScriptSplitter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link ScriptReader} against Flink 2.2's own application-mode SQL driver ({@code ScriptExecutor}, cutting and
 * trial-parsing only): the same statements, failing in the same places; or, where the reader refuses a script, the
 * driver fails on it too or (a {@code //} comment) runs what its parser reads as commented out.
 */
class ScriptReaderDifferentialTest {

    private static FlinkScriptSplitter flink;

    @BeforeAll
    static void startFlinksDriver() throws ReflectiveOperationException {
        flink = new FlinkScriptSplitter();
    }

    @AfterAll
    static void stopFlinksDriver() {
        flink.close();
    }

    /** What a reader made of a script: statement texts, which failed, and, for ours, a refusal. */
    private record Reading(List<String> texts, List<Boolean> failed, String refusal) {

        static Reading ours(String script) {
            List<String> texts = new ArrayList<>();
            List<Boolean> failed = new ArrayList<>();
            try {
                ScriptReader reader = new ScriptReader(script);
                for (ScriptReader.Statement s = reader.next(Scripts.parser()); s != null;
                     s = reader.next(Scripts.parser())) {
                    texts.add(s.text());
                    failed.add(s.failure() != null);
                }
            } catch (JobBuildException e) {
                return new Reading(texts, failed, e.getMessage());
            }
            return new Reading(texts, failed, null);
        }

        static Reading flinks(String script) throws ReflectiveOperationException {
            List<FlinkScriptSplitter.Piece> pieces = flink.split(script);
            return new Reading(pieces.stream().map(FlinkScriptSplitter.Piece::text).toList(),
                    pieces.stream().map(p -> p.failure() != null).toList(), null);
        }
    }

    /** Null when the two readings agree as required, else what differs. */
    private static String difference(Reading ours, Reading flinks) {
        if (ours.refusal() == null) {
            return ours.equals(flinks) ? null : "ours " + ours + "\nflink's " + flinks;
        }
        int read = ours.texts().size();
        boolean sameSoFar = flinks.texts().size() > read && flinks.texts().subList(0, read).equals(ours.texts())
                && flinks.failed().subList(0, read).equals(ours.failed());
        boolean flinkFails = flinks.failed().subList(Math.min(read, flinks.failed().size()), flinks.failed().size())
                .contains(true);
        boolean silent = ours.refusal().contains("does not read // as a comment");
        return sameSoFar && (flinkFails || silent) ? null : "ours " + ours + "\nflink's " + flinks;
    }

    static Stream<Arguments> corpus() {
        return Stream.of(
                same("plain", "CREATE TEMPORARY TABLE t (a INT) WITH ('connector' = 'datagen');\n"
                        + "INSERT INTO t SELECT 1;\n"),
                same("semicolons in strings", "SELECT 'a;b', 'it''s; fine';\nSELECT 2;"),
                same("comment marks in strings", "SELECT '-- not a comment;', '/* nor; this */';\nSELECT 2;"),
                same("line comments", "-- header; with semicolon\nSELECT 1; -- trailing; comment\n-- about two\n"
                        + "SELECT 2;\n-- end comment\n"),
                same("block comments", "/* lead; */ SELECT 1 /* mid; */ FROM (VALUES (1)) AS v(x);\n/* between */\n"
                        + "SELECT 2;"),
                same("nested comments", "/* a /* b */ SELECT 1; */ SELECT 2;"),
                same("hint", "SELECT /*+ OPTIONS('a'='b;c') */ 1;\nSELECT 2;"),
                same("quote in a line comment", "SELECT 1; -- don't\nSELECT 2;"),
                same("quote in a block comment", "SELECT 1 /* it's; */;\nSELECT 2;"),
                same("CRLF", "SELECT 1;\r\n-- comment\r\nSELECT\r\n2;\r\n"),
                same("tabs", "SELECT\t1;\tSELECT\t2;\t"),
                same("CJK", "CREATE TEMPORARY TABLE 表一 (列 INT) WITH ('connector' = 'datagen');\n"
                        + "SELECT '中;文' FROM 表一;\n"),
                same("backticks with semicolons", "CREATE TEMPORARY TABLE `we;ird` (`a``;b` INT) WITH "
                        + "('connector' = 'datagen');\nSELECT `a;b` FROM (VALUES (1)) AS t(`a;b`);"),
                same("double quotes", "SELECT \"a;b\";\nSELECT 2;"),
                same("E-literal with a tab escape", "SELECT E'a\\tb;c';\nSELECT 2;"),
                same("E-literal with '' ", "SELECT E'it''s;x'; SELECT 2;"),
                same("E-literal with \\' as the last statement", "SELECT 1;\nSELECT E'it\\'s';"),
                same("E-literal with \\' run on", "SELECT E'it\\'s'; SELECT 2;"),
                refused("E-literal with \\' cut", "SELECT E'it\\'s;x'; SELECT 2;"),
                same("*/* run on", "SELECT /* c */* FROM (VALUES (1)) AS v(x); SELECT 2;"),
                same("*/* as the last statement", "SELECT /* c */* FROM (VALUES (1)) AS v(x);"),
                refused("/*/ cut", "SELECT 1 /*/ ; SELECT 2 */;\nSELECT 3;"),
                same("/*/ harmless", "SELECT 1 /*/ comment */ FROM (VALUES (1)) AS v(x);\nSELECT 2;"),
                same("CR-only line ends with a comment", "-- c;\rSELECT 1;\rSELECT 2;"),
                same("CR-only line ends", "SELECT 1;\rSELECT 2;\r"),
                same("CR in a glued comment", "SELECT 1; -- c\rSELECT 2\n;SELECT 3;"),
                same("// leading comment", "// c; x\nSELECT 1;\nSELECT 2;"),
                same("// between statements", "SELECT 1; // c; x\nSELECT 2;"),
                same("// with a quote", "SELECT 1; // don't\nSELECT 2;\nSELECT 3;"),
                refused("// cut inside a statement", "SELECT 1 // c; x\n, 2;\nSELECT 3;"),
                refused("// comments out a statement", "SELECT 1 // off; SELECT 2\n;"),
                refused("byte-order mark", "\uFEFFSELECT 1;\nSELECT 2;"),
                same("EXECUTE STATEMENT SET", "CREATE TEMPORARY TABLE a (x INT) WITH ('connector' = 'datagen');\n"
                        + "CREATE TEMPORARY TABLE b (x INT) WITH ('connector' = 'blackhole');\n"
                        + "EXECUTE STATEMENT SET BEGIN\n  INSERT INTO b SELECT * FROM a;\n  -- two; more\n"
                        + "  INSERT INTO b SELECT x + 1 FROM a;\nEND;\nSELECT 1;"),
                same("statement set in lower case", "execute statement set begin /* c; */ insert into b select 1; "
                        + "insert into b select 2; end;\nselect 1;"),
                same("EXPLAIN STATEMENT SET", "EXPLAIN STATEMENT SET BEGIN INSERT INTO b SELECT 1; END;\nSELECT 2;"),
                same("COMPILE PLAN FOR STATEMENT SET", "COMPILE PLAN '/tmp/p;q.json' FOR STATEMENT SET BEGIN "
                        + "INSERT INTO b SELECT 1; INSERT INTO b SELECT 2; END;\nSELECT 3;"),
                same("statement set without END", "EXECUTE STATEMENT SET BEGIN INSERT INTO b SELECT 1; SELECT 2; "
                        + "SELECT 3;"),
                same("statement set with ;;", "EXECUTE STATEMENT SET BEGIN INSERT INTO b SELECT 1;; END;"),
                same("statement set at the end", "SELECT 1;\nEXECUTE STATEMENT SET BEGIN INSERT INTO b SELECT 1;"),
                same("END without ;", "EXECUTE STATEMENT SET BEGIN INSERT INTO b SELECT 1; END"),
                same("BEGIN STATEMENT SET; ... END;", "BEGIN STATEMENT SET;\nINSERT INTO b SELECT 1;\n"
                        + "INSERT INTO b SELECT 2;\nEND;"),
                same("quoted SET with a comment", "SET 'pipeline.name' = 'a;b'; -- c\nSELECT 1;"),
                same("SET spanning lines", "SET 'k' = 'a;\nb';\nSELECT 1;"),
                same("unquoted SET", "SET pipeline.name = abc;\nSELECT 1;"),
                same("unquoted SET and a comment line", "SET pipeline.name = abc;\n-- next\nSELECT 1;"),
                same("unquoted SET with ;;", "SET a = b;;\nSELECT 1;"),
                same("RESET", "RESET 'a';\nRESET;\nSELECT 1;"),
                same("ADD JAR", "ADD JAR '/tmp/x;y.jar';\nSHOW JARS;"),
                same("EXECUTE JAR (Dinky's)", "SET 'a' = 'b';\nEXECUTE JAR WITH ('uri'='a;b.jar', 'args'='x -- y');"),
                same("multi-line string", "SELECT 'multi\nline;';\nSELECT 2;"),
                same("comment then ;", "SELECT 1 -- c;\n;SELECT 2;"),
                same("-- right after code", "SELECT 5--3;\nSELECT 2;"),
                same("trailing statement without ;", "SELECT 1;\nSELECT 2"),
                same("trailing statement and a comment", "SELECT 1;\nSELECT 2\n-- end"),
                same("empty statements", "SELECT 1;;;\nSELECT 2;;"),
                same("leading ;", ";;SELECT 1;"),
                same("comment, then ;", "-- c\n;SELECT 1;"),
                same("only ;", ";;;"),
                same("empty", ""),
                same("blank", "  \n\t\r\n"),
                same("comment only", "-- only a comment\n"),
                same("block comment only", "/* only */"),
                same("unclosed string", "SELECT 'abc; SELECT 2;"),
                same("unclosed comment", "SELECT 1 /* never closed; SELECT 2;"),
                same("lone trailing -", "SELECT 1;-"),
                same("lone trailing /", "SELECT 1;/"),
                same("glued comment open at the end", "SELECT 1; /* c *"),
                same("vertical tab and form feed", "SELECT 1;\u000B\u000C\nSELECT\u000C2;"),
                same("no-break space", "SELECT 1;\u00A0\nSELECT 2;"));
    }

    private static Arguments same(String name, String script) {
        return Arguments.of(name, script, false);
    }

    private static Arguments refused(String name, String script) {
        return Arguments.of(name, script, true);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void readsTheCorpusAsFlinksDriverDoes(String name, String script, boolean refused)
            throws ReflectiveOperationException {
        Reading ours = Reading.ours(script);

        assertThat(ours.refusal() != null).as("refused: " + ours.refusal()).isEqualTo(refused);
        assertThat(difference(ours, Reading.flinks(script))).isNull();
    }

    /** Scripts made of the pieces that matter to either reading, in the spirit of the research fuzz. */
    private static final String[] PIECES = {
            "SELECT 1", "SELECT 'a;b'", "SELECT 'it''s;'", "SELECT E'x\\'y;'", "SELECT E'x''y;'",
            "CREATE TEMPORARY TABLE `t;1` (x INT) WITH ('connector'='datagen')", "SELECT \"q;\"",
            ";", ";", ";", ";", "\n", "\n", "\r\n", "\r", " ", "\t", "-- c; '\n", "--", "-", "// c; '\n", "//",
            "/* b; ' */", "/*", "*/", "*", "/", "/*/", "*/*", "'", "`", "\"", "E'", "\\'",
            "SET 'a'='b'", "SET a=b", "RESET", "EXECUTE STATEMENT SET BEGIN ", "INSERT INTO b SELECT * FROM a",
            "END", "BEGIN STATEMENT SET", "表", "SELECT /* c */* FROM (VALUES (1)) AS v(x)", "\uFEFF",
    };

    @Test
    void readsRandomScriptsAsFlinksDriverDoes() throws ReflectiveOperationException {
        Random random = new Random(20_261_128);
        int scripts = 3000;
        int refusedScripts = 0;
        int failingScripts = 0;
        List<String> differences = new ArrayList<>();
        for (int k = 0; k < scripts; k++) {
            StringBuilder script = new StringBuilder();
            for (int i = random.nextInt(12); i >= 0; i--) {
                script.append(PIECES[random.nextInt(PIECES.length)]);
            }
            Reading ours = Reading.ours(script.toString());
            String difference = difference(ours, Reading.flinks(script.toString()));
            if (difference != null && differences.size() < 5) {
                differences.add("script " + visible(script.toString()) + "\n" + visible(difference));
            }
            refusedScripts += ours.refusal() != null ? 1 : 0;
            failingScripts += ours.failed().contains(true) ? 1 : 0;
        }
        assertThat(differences).isEmpty();
        // the pieces reach both the refusals and the driver's failures
        assertThat(refusedScripts).isGreaterThan(scripts / 20);
        assertThat(failingScripts).isGreaterThan(scripts / 4);
    }

    private static String visible(String text) {
        return text.replace("\r", "\\r").replace("\t", "\\t").replace("\uFEFF", "\\uFEFF");
    }
}
