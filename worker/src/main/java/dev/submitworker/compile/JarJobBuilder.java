package dev.submitworker.compile;

import dev.submitworker.core.RequestId;
import dev.submitworker.core.Task;
import java.io.File;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.JobID;
import org.apache.flink.client.program.PackagedProgram;
import org.apache.flink.client.program.PackagedProgramUtils;
import org.apache.flink.client.program.ProgramInvocationException;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.core.fs.Path;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;

/**
 * Turns a jar program into a JobGraph without running it on a cluster: Flink's {@link PackagedProgram} runs the
 * program's main method in this JVM, in a class loader of its own, and captures the pipeline at {@code execute()}.
 *
 * <p>Option precedence, lowest first: the task's parallelism, then {@code configJson}; the program's own settings
 * (e.g. {@code env.setParallelism}, {@code env.execute("name")}) win over both, as with {@code flink run}.
 *
 * <p>The JobGraph names the jars the cluster must receive; they are uploaded when the job is submitted, so they must
 * exist until then. A jar at a local path or {@code file:} URI is used in place. Anything else (a URI of any file
 * system Flink can read) is copied into the staging directory, and so are the {@code lib/*.jar} files nested in a
 * program jar (Flink extracts them to temporary files that it deletes with the program). {@link #release} deletes what
 * was staged for a job once its submission is over.
 */
public final class JarJobBuilder {

    private final java.nio.file.Path stagingDirectory;

    /** @param stagingDirectory where jars that must outlive the build are kept until {@link #release} */
    public JarJobBuilder(java.nio.file.Path stagingDirectory) {
        this.stagingDirectory = stagingDirectory.toAbsolutePath().normalize();
    }

    /**
     * @param options               the job's Flink options ({@link JobOptions}); without {@code parallelism.default},
     *                              Flink's default of 1 as the worker sees it, not the cluster's, as with
     *                              {@code flink run}
     * @param requestId             fixes the JobID (see {@link RequestId#jobId()})
     * @param savepointPath         a savepoint to restore from, or null (then configJson's
     *                              {@code execution.state-recovery.path}, if any, applies)
     * @param allowNonRestoredState whether state in the savepoint that no operator takes is skipped (else an error)
     */
    public BuiltJob build(Task.JarSpec jar, Map<String, String> options, String requestId, String savepointPath,
                          boolean allowNonRestoredState) {
        JobID jobId = JobID.fromHexString(new RequestId(requestId).jobId());
        Configuration configuration = Configuration.fromMap(options);
        if (savepointPath != null && !savepointPath.isBlank()) {
            SavepointRestoreSettings.toConfiguration(
                    SavepointRestoreSettings.forPath(savepointPath.strip(), allowNonRestoredState), configuration);
        }
        Staging staging = new Staging(jobId);
        try {
            JobGraph jobGraph = createJobGraph(jar, localJar(jar.uri(), staging), configuration, jobId, staging);
            return new BuiltJob(jobGraph, jobId, jobGraph.getName(), ExecuteJarStatement.toStatement(jar),
                    new LinkedHashMap<>(configuration.toMap()));
        } catch (Throwable e) { // the program's own errors included: nothing staged may stay behind
            staging.delete();
            throw e;
        }
    }

    /**
     * Deletes the files staged for the job (copied jars, extracted libraries). Call it once the submission is over,
     * successful or not; a JobGraph must not be submitted after its release.
     */
    public void release(BuiltJob job) {
        Set<java.nio.file.Path> directories = new LinkedHashSet<>();
        for (Path jar : job.jobGraph().getUserJars()) {
            java.nio.file.Path file = Paths.get(jar.toUri()).toAbsolutePath().normalize();
            if (file.startsWith(stagingDirectory)) {
                deleteQuietly(file);
                directories.add(file.getParent());
            }
        }
        directories.stream().filter(dir -> !dir.equals(stagingDirectory)).forEach(JarJobBuilder::deleteQuietly);
    }

    private JobGraph createJobGraph(Task.JarSpec jar, File jarFile, Configuration configuration, JobID jobId,
                                    Staging staging) {
        PackagedProgram program;
        try {
            program = PackagedProgram.newBuilder()
                    .setJarFile(jarFile)
                    .setEntryPointClassName(jar.mainClass())
                    .setArguments(jar.args().toArray(String[]::new))
                    .setConfiguration(configuration)
                    // the JobGraph takes the program's settings, not the configuration's
                    .setSavepointRestoreSettings(SavepointRestoreSettings.fromConfiguration(configuration))
                    .build();
        } catch (ProgramInvocationException | RuntimeException e) {
            // Flink's own message ("entry point class 'x' was not found in the jar file") is the precise one here
            throw new JobBuildException("Cannot load the program of jar '" + jar.uri() + "': "
                    + Failures.explain(e), e);
        }
        try {
            int parallelism = configuration.getOptional(CoreOptions.DEFAULT_PARALLELISM)
                    .orElse(ExecutionConfig.PARALLELISM_DEFAULT);
            JobGraph jobGraph;
            try {
                // suppressOutput swaps System.out/err for the whole JVM, which would swallow other threads' logs
                jobGraph = PackagedProgramUtils.createJobGraph(program, configuration, parallelism, jobId, false);
            } catch (ProgramInvocationException | RuntimeException e) {
                throw new JobBuildException("The main method of '" + program.getMainClassName() + "' in jar '"
                        + jar.uri() + "' failed to build a job: " + Failures.explain(e), e);
            }
            keepExtractedLibraries(jobGraph, program, staging);
            return jobGraph;
        } finally {
            program.close(); // closes the program's class loader and deletes the libraries it extracted
        }
    }

    /** The jar as a local file: a local path used in place, any other URI copied into the staging directory. */
    private static File localJar(String uri, Staging staging) {
        Path path = new Path(uri.strip());
        String scheme = path.toUri().getScheme();
        if (scheme == null || scheme.equals("file")) {
            File file = new File(path.toUri().getPath());
            if (!file.isFile()) {
                throw new JobBuildException("The jar '" + uri + "' does not exist (no file " + file.getAbsolutePath()
                        + " on the worker)");
            }
            return file;
        }
        java.nio.file.Path copy = staging.file(path.getName());
        try (InputStream in = path.getFileSystem().open(path)) {
            Files.copy(in, copy);
            return copy.toFile();
        } catch (FileNotFoundException e) {
            throw new JobBuildException("The jar '" + uri + "' does not exist", e);
        } catch (IOException e) {
            throw new JobBuildException("Cannot read the jar '" + uri + "': " + Failures.explain(e), e);
        }
    }

    /**
     * Replaces the JobGraph's references to the libraries Flink extracted from the jar's {@code lib/} folder, which
     * {@link PackagedProgram#close()} deletes, with staged copies.
     */
    private static void keepExtractedLibraries(JobGraph jobGraph, PackagedProgram program, Staging staging) {
        List<URL> extracted = new ArrayList<>(program.getJobJarAndDependencies());
        extracted.remove(0); // the program jar itself, which stays where it is
        if (extracted.isEmpty()) {
            return;
        }
        List<Path> userJars = jobGraph.getUserJars(); // the JobGraph's own list: setting an element replaces the jar
        try {
            for (URL library : extracted) {
                Path original = new Path(library.toURI());
                java.nio.file.Path copy = staging.file(original.getName());
                Files.copy(Paths.get(library.toURI()), copy);
                int index = userJars.indexOf(original);
                if (index < 0) {
                    throw new IllegalStateException("The JobGraph does not list the extracted library " + original);
                }
                userJars.set(index, new Path(copy.toUri()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot stage the libraries nested in the jar", e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void deleteQuietly(java.nio.file.Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // a leftover file in the staging directory does no harm to later jobs
        }
    }

    /** A build's directory under the staging directory, created on first use. */
    private final class Staging {

        private final JobID jobId;
        private java.nio.file.Path directory;

        Staging(JobID jobId) {
            this.jobId = jobId;
        }

        java.nio.file.Path file(String name) {
            try {
                if (directory == null) {
                    Files.createDirectories(stagingDirectory);
                    directory = Files.createTempDirectory(stagingDirectory, jobId + "-");
                }
                return directory.resolve(name);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot create a staging directory in " + stagingDirectory, e);
            }
        }

        void delete() {
            if (directory == null) {
                return;
            }
            try (var files = Files.list(directory)) {
                files.forEach(JarJobBuilder::deleteQuietly);
            } catch (IOException ignored) {
                // as in deleteQuietly
            }
            deleteQuietly(directory);
        }
    }
}
