package dev.submitworker.testing;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * Real Flink program jars, compiled during the test against the test class path. Their classes exist only inside the
 * jar, so a cluster can run them only if the jar really travels with the job.
 */
public final class TestJars {

    /**
     * A bounded DataStream job: doubles 1..100 into a discarding sink. Its first argument, if any, is the job name
     * (so a test sees that arguments reach the program); without one the job is named by {@code pipeline.name}.
     */
    public static final String DOUBLING_JOB = "testjobs.DoublingJob";

    /** A main method that fails before building any pipeline, as a program rejecting its arguments does. */
    public static final String FAILING_JOB = "testjobs.FailingJob";
    public static final String FAILING_JOB_MESSAGE = "no input topic given (--topic)";

    /**
     * A bounded job that shows what it was given in its global job parameters, which the cluster's job config endpoint
     * returns as "user-config": argument i as {@code arg.<i>}, and when it names an option of the program's
     * configuration or a global job parameter, that one's value as {@code config.<i>} or {@code global.<i>}. So a test
     * sees the options a job really got; the names are numbered because Flink hides the values of secret-looking ones.
     */
    public static final String CONFIG_ECHO_JOB = "testjobs.ConfigEchoJob";

    private static final String DOUBLING_JOB_SOURCE = """
            package testjobs;

            import org.apache.flink.api.common.typeinfo.Types;
            import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
            import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

            public class DoublingJob {
                public static void main(String[] args) throws Exception {
                    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
                    env.fromSequence(1, 100).map(x -> x * 2).returns(Types.LONG).sinkTo(new DiscardingSink<>());
                    if (args.length > 0) {
                        env.execute(args[0]);
                    } else {
                        env.execute();
                    }
                }
            }
            """;

    private static final String CONFIG_ECHO_JOB_SOURCE = """
            package testjobs;

            import java.util.HashMap;
            import java.util.Map;
            import org.apache.flink.configuration.ConfigOptions;
            import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
            import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
            import org.apache.flink.util.ParameterTool;

            public class ConfigEchoJob {
                public static void main(String[] args) throws Exception {
                    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
                    Map<String, String> global = env.getConfig().getGlobalJobParameters().toMap();
                    Map<String, String> shown = new HashMap<>(global);
                    for (int i = 0; i < args.length; i++) {
                        String arg = args[i];
                        int index = i;
                        shown.put("arg." + i, arg);
                        env.getConfiguration().getOptional(ConfigOptions.key(arg).stringType().noDefaultValue())
                                .ifPresent(value -> shown.put("config." + index, value));
                        if (global.containsKey(arg)) {
                            shown.put("global." + i, global.get(arg));
                        }
                    }
                    env.getConfig().setGlobalJobParameters(ParameterTool.fromMap(shown));
                    env.fromSequence(1, 10).sinkTo(new DiscardingSink<>());
                    env.execute();
                }
            }
            """;

    private static final String FAILING_JOB_SOURCE = """
            package testjobs;

            public class FailingJob {
                public static void main(String[] args) {
                    throw new IllegalArgumentException("%s");
                }
            }
            """.formatted(FAILING_JOB_MESSAGE);

    /**
     * A main method that sleeps for its first argument's milliseconds before it builds a bounded pipeline (as
     * {@link #DOUBLING_JOB} does, named by {@code pipeline.name}): a program whose compile takes that long.
     */
    public static final String SLOW_JOB = "testjobs.SlowJob";

    private static final String SLOW_JOB_SOURCE = """
            package testjobs;

            import org.apache.flink.api.common.typeinfo.Types;
            import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
            import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

            public class SlowJob {
                public static void main(String[] args) throws Exception {
                    Thread.sleep(Long.parseLong(args[0]));
                    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
                    env.fromSequence(1, 10).map(x -> x * 2).returns(Types.LONG).sinkTo(new DiscardingSink<>());
                    env.execute();
                }
            }
            """;

    /** Task code that misbehaves while its job is built: each class is named by what it does. */
    private static final Map<String, String> FAULTY_SOURCES = Map.of(
            "faulty.ExitingMain", """
                    package faulty;
                    public class ExitingMain {
                        public static void main(String[] args) {
                            System.exit(3);
                        }
                    }
                    """,
            "faulty.BrokenInitMain", """
                    package faulty;
                    public class BrokenInitMain {
                        static final String SETTING = load();
                        static String load() { throw new IllegalStateException("main's static init says no"); }
                        public static void main(String[] args) {}
                    }
                    """,
            "faulty.RecursingMain", """
                    package faulty;
                    public class RecursingMain {
                        static long depth(long n) { return depth(n + 1) + 1; }
                        public static void main(String[] args) { depth(0); }
                    }
                    """,
            "faulty.OutOfMemoryMain", """
                    package faulty;
                    public class OutOfMemoryMain {
                        public static void main(String[] args) { throw new OutOfMemoryError("simulated"); }
                    }
                    """,
            "faulty.BrokenInitFunction", """
                    package faulty;
                    public class BrokenInitFunction extends org.apache.flink.table.functions.ScalarFunction {
                        static final String SETTING = load();
                        static String load() { throw new IllegalStateException("UDF's static init says no"); }
                        public long eval(long x) { return x; }
                    }
                    """,
            "faulty.ExitingFunction", """
                    package faulty;
                    public class ExitingFunction extends org.apache.flink.table.functions.ScalarFunction {
                        static { System.exit(4); }
                        public long eval(long x) { return x; }
                    }
                    """);

    private TestJars() {}

    /** A jar with {@link #DOUBLING_JOB}, {@link #FAILING_JOB} and {@link #CONFIG_ECHO_JOB}, named in no manifest. */
    public static Path jobsJar(Path directory) {
        return jar(directory, "test-jobs.jar", Map.of(DOUBLING_JOB, DOUBLING_JOB_SOURCE,
                FAILING_JOB, FAILING_JOB_SOURCE, CONFIG_ECHO_JOB, CONFIG_ECHO_JOB_SOURCE), List.of());
    }

    /** A jar with {@link #SLOW_JOB}. */
    public static Path slowJobsJar(Path directory) {
        return jar(directory, "slow-jobs.jar", Map.of(SLOW_JOB, SLOW_JOB_SOURCE), List.of());
    }

    /**
     * A jar of misbehaving task code: programs ({@code faulty.ExitingMain} calls {@code System.exit(3)},
     * {@code BrokenInitMain} fails in its static initializer, {@code RecursingMain} overflows its stack,
     * {@code OutOfMemoryMain} throws an OutOfMemoryError) and functions ({@code faulty.BrokenInitFunction} fails in its
     * static initializer with "UDF's static init says no", {@code ExitingFunction} calls {@code System.exit(4)}).
     */
    public static Path faultyJar(Path directory) {
        return jar(directory, "faulty.jar", FAULTY_SOURCES, List.of());
    }

    /**
     * Compiles the sources (class name to source text) against the test class path and the libraries, and packages
     * the classes into {@code directory/jarName}; each library is packed as {@code lib/<file name>}, the layout whose
     * nested jars Flink's PackagedProgram puts on the program's class path.
     */
    public static Path jar(Path directory, String jarName, Map<String, String> sources, List<Path> libraries) {
        try {
            Path work = Files.createTempDirectory(directory, jarName + "-build");
            Path sourceDir = Files.createDirectories(work.resolve("src"));
            Path classesDir = Files.createDirectories(work.resolve("classes"));
            List<File> sourceFiles = new ArrayList<>();
            for (Map.Entry<String, String> source : sources.entrySet()) {
                Path file = sourceDir.resolve(source.getKey().replace('.', '/') + ".java");
                Files.createDirectories(file.getParent());
                Files.writeString(file, source.getValue());
                sourceFiles.add(file.toFile());
            }
            compile(sourceFiles, classesDir, libraries);
            Path jar = directory.resolve(jarName);
            Manifest manifest = new Manifest();
            manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
            try (OutputStream out = Files.newOutputStream(jar);
                    JarOutputStream jarOut = new JarOutputStream(out, manifest);
                    Stream<Path> classes = Files.walk(classesDir)) {
                for (Path file : (Iterable<Path>) classes.filter(Files::isRegularFile)::iterator) {
                    add(jarOut, classesDir.relativize(file).toString().replace(File.separatorChar, '/'), file);
                }
                for (Path library : libraries) {
                    add(jarOut, "lib/" + library.getFileName(), library);
                }
            }
            return jar;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void compile(List<File> sourceFiles, Path classesDir, List<Path> libraries) throws IOException {
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        if (compiler == null) {
            throw new IllegalStateException("Tests that build jars need a JDK (no system Java compiler found)");
        }
        StringBuilder classPath = new StringBuilder(System.getProperty("java.class.path"));
        libraries.forEach(library -> classPath.append(File.pathSeparator).append(library));
        StringWriter diagnostics = new StringWriter();
        try (StandardJavaFileManager files = compiler.getStandardFileManager(null, null, StandardCharsets.UTF_8)) {
            Iterable<? extends JavaFileObject> units = files.getJavaFileObjectsFromFiles(sourceFiles);
            List<String> options = List.of("--release", "17", "-proc:none", "-classpath", classPath.toString(),
                    "-d", classesDir.toString());
            if (!compiler.getTask(diagnostics, files, null, options, null, units).call()) {
                throw new IllegalStateException("Compiling the test program failed:\n" + diagnostics);
            }
        }
    }

    private static void add(JarOutputStream jarOut, String name, Path file) throws IOException {
        jarOut.putNextEntry(new JarEntry(name));
        Files.copy(file, jarOut);
        jarOut.closeEntry();
    }
}
