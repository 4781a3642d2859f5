package dev.submitworker.compile;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.table.delegation.Parser;

/** Reads scripts with {@link ScriptReader} and Flink's parser over an empty catalog (nothing is applied). */
final class Scripts {

    private static Parser parser;

    private Scripts() {}

    static synchronized Parser parser() {
        if (parser == null) {
            parser = new SqlJobBuilder().parser();
        }
        return parser;
    }

    /** @throws JobBuildException the reader refuses the script */
    static List<ScriptReader.Statement> read(String script) {
        ScriptReader reader = new ScriptReader(script);
        List<ScriptReader.Statement> statements = new ArrayList<>();
        for (ScriptReader.Statement s = reader.next(parser()); s != null; s = reader.next(parser())) {
            statements.add(s);
        }
        return statements;
    }

    static List<String> texts(String script) {
        return read(script).stream().map(ScriptReader.Statement::text).toList();
    }
}
