package dev.submitworker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.submitworker.testing.SharedInfrastructure;
import dev.submitworker.testing.WorkerTest;
import dev.submitworker.testing.WorkerTestInitializer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every submit-task command line of docs/orchestrators.md, run as it is written, by a shell, through the launcher
 * bin/submit-task and the built jar, against the shared worker: only the brokers' address is replaced. The variables
 * the recipes leave to their orchestrator ({@code $REQUEST_ID}, {@code $DAY}, {@code ${bizdate}}) come from the
 * environment, fresh for each block, and the worker's topics from the CLI's own environment variables.
 */
@WorkerTest
class RecipesTest {

    private static final Path REPOSITORY = Path.of("..").toAbsolutePath().normalize();
    private static final Path PAGE = REPOSITORY.resolve("docs/orchestrators.md");
    private static final Path JAR = REPOSITORY.resolve("cli/target/submit-task.jar");
    /** Where the launcher keeps its class-data archive: the build's, not the user's. */
    private static final Path CACHE = Path.of("target", "submit-task-cache").toAbsolutePath();
    private static final String DOCUMENTED_BROKERS = "kafka:9092";
    private static final Pattern FENCE = Pattern.compile("^```\\w*\\n(.*?)^```", Pattern.MULTILINE | Pattern.DOTALL);

    /** The command lines of each fenced block, continuation lines joined. */
    static List<List<String>> commandLines(String markdown) {
        List<List<String>> blocks = new ArrayList<>();
        Matcher fence = FENCE.matcher(markdown);
        while (fence.find()) {
            List<String> lines = new ArrayList<>();
            String[] raw = fence.group(1).replace("\\\n", " ").split("\n");
            for (String line : raw) {
                if (line.strip().startsWith("submit-task ")) {
                    lines.add(line.strip());
                }
            }
            if (!lines.isEmpty()) {
                blocks.add(lines);
            }
        }
        return blocks;
    }

    @Test
    void everyCommandLineOfTheOrchestratorsPageRunsAsWrittenAndExitsZero() throws Exception {
        assertThat(JAR).as("the CLI's jar: build it first (mvn -pl cli package, or make cli)").exists();
        List<List<String>> blocks = commandLines(Files.readString(PAGE, StandardCharsets.UTF_8));
        // the blocks side by side (each waits for its job more than it computes), each block's lines in order
        ExecutorService pool = Executors.newFixedThreadPool(blocks.size());
        List<Future<Integer>> runs = new ArrayList<>();
        try {
            for (List<String> block : blocks) {
                runs.add(pool.submit(() -> runBlock(block)));
            }
            int executed = 0;
            for (Future<Integer> run : runs) {
                executed += run.get(5, TimeUnit.MINUTES);
            }
            report(executed, blocks.size());
        } finally {
            pool.shutdownNow();
        }
    }

    private static int runBlock(List<String> block) throws IOException, InterruptedException {
        String run = UUID.randomUUID().toString().substring(0, 8);
        Map<String, String> environment = Map.of(
                "REQUEST_ID", "recipes." + run, "DAY", "2026-12-01", "bizdate", "2026-12-01-" + run);
        for (String line : block) {
            assertThat(line).contains(DOCUMENTED_BROKERS);
            Result result = shell(line.replace(DOCUMENTED_BROKERS, SharedInfrastructure.kafkaBootstrap()),
                    environment);
            assertThat(result.exitCode()).as(line + "\n" + result).isZero();
            assertThat(result.stdout()).as(line).startsWith("{");
        }
        return block.size();
    }

    private static void report(int executed, int blocks) {
        System.out.println("recipes: executed " + executed + " command lines of " + blocks
                + " fenced blocks in docs/orchestrators.md");
        // the page's quick start (2), Airflow, DolphinScheduler, Argo, the CI job (2) and the streaming job (2)
        assertThat(executed).isEqualTo(9);
    }

    private record Result(int exitCode, String stdout, String stderr) {}

    private static Result shell(String line, Map<String, String> environment) throws IOException,
            InterruptedException {
        Path out = Files.createTempFile("recipe-", ".out");
        Path err = Files.createTempFile("recipe-", ".err");
        ProcessBuilder builder = new ProcessBuilder("sh", "-c", line).redirectOutput(out.toFile())
                .redirectError(err.toFile());
        Map<String, String> env = builder.environment();
        env.putAll(environment);
        env.put("PATH", REPOSITORY.resolve("bin") + ":" + env.get("PATH"));
        env.put("SUBMIT_TASK_JAR", JAR.toString());
        env.put("XDG_CACHE_HOME", CACHE.toString());
        env.put("SUBMIT_WORKER_COMMANDS_TOPIC", WorkerTestInitializer.COMMANDS);
        env.put("SUBMIT_WORKER_RESULTS_TOPIC", WorkerTestInitializer.RESULTS);
        env.put("SUBMIT_WORKER_STATUS_TOPIC", WorkerTestInitializer.STATUS);
        Process process = builder.start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("still running after 120 s: " + line);
        }
        return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
    }
}
