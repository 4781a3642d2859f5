package dev.submitworker.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.submitworker.cli.SubmitTask;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The submit-task CLI run in the test's JVM, against the shared broker and the shared worker's topics: its exit code
 * and what it printed.
 */
public final class SubmitTaskCli {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One run: its exit code, what it printed on stdout and stderr. */
    public record Run(int exitCode, String stdout, String stderr) {

        /** Its stdout as JSON documents, one a line. */
        public List<JsonNode> documents() {
            return SubmitTaskCli.documents(stdout);
        }

        /** The last JSON document printed. */
        public JsonNode last() {
            List<JsonNode> documents = documents();
            return documents.get(documents.size() - 1);
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
        }
    }

    private SubmitTaskCli() {}

    /** {@code submit-task <args>} with the shared broker and the shared worker's topics added after the subcommand. */
    public static Run run(String subcommand, String... args) {
        List<String> all = new ArrayList<>(List.of(subcommand, "--bootstrap-servers",
                SharedInfrastructure.kafkaBootstrap(), "--commands-topic", WorkerTestInitializer.COMMANDS,
                "--results-topic", WorkerTestInitializer.RESULTS, "--status-topic", WorkerTestInitializer.STATUS));
        all.addAll(List.of(args));
        return exactly(all.toArray(String[]::new));
    }

    /** {@code submit-task <args>}, nothing added. */
    public static Run exactly(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = SubmitTask.execute(args, new PrintWriter(out), new PrintWriter(err));
        // a transcript of the exit codes in the test's output
        System.out.println("submit-task " + String.join(" ", args) + "  -> exit " + code);
        return new Run(code, out.toString(), err.toString());
    }

    /** The JSON documents of a CLI's stdout, one a line. */
    public static List<JsonNode> documents(String stdout) {
        List<JsonNode> documents = new ArrayList<>();
        for (String line : stdout.split("\n")) {
            if (!line.isBlank()) {
                try {
                    documents.add(JSON.readTree(line));
                } catch (IOException e) {
                    throw new UncheckedIOException("The CLI printed a line that is not JSON: " + line, e);
                }
            }
        }
        return documents;
    }
}
