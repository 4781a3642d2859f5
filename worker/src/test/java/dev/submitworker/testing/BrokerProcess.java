package dev.submitworker.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * A Kafka broker in a process of its own, so that a test can make it unavailable for a while: SIGSTOP freezes it
 * (clients see timeouts, exactly as with a broker that hangs or a network partition), SIGCONT brings it back with all
 * its data.
 */
public final class BrokerProcess implements AutoCloseable {

    private static final String READY = "BROKER-BOOTSTRAP=";

    private final Process process;
    private final String bootstrap;

    private BrokerProcess(Process process, String bootstrap) {
        this.process = process;
        this.bootstrap = bootstrap;
    }

    /** Runs in the broker's own JVM: starts the broker, prints its address, and stays up until killed. */
    public static void main(String[] args) throws InterruptedException {
        EmbeddedKafkaKraftBroker broker = TestBroker.start();
        System.out.println(READY + broker.getBrokersAsString());
        System.out.flush();
        new CountDownLatch(1).await();
    }

    /** Small and quick to start: C1 only and a modest heap, for tests. */
    public static BrokerProcess start() {
        return start(List.of("-Xmx512m", "-XX:TieredStopAtLevel=1"));
    }

    /** @param jvmOptions the broker JVM's options (a benchmark gives it a full JIT) */
    public static BrokerProcess start(List<String> jvmOptions) {
        List<String> command = new java.util.ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-Dlogback.configurationFile=logback-quiet.xml", "-cp",
                System.getProperty("java.class.path"), BrokerProcess.class.getName()));
        try {
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .start();
            BufferedReader output = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8));
            String line;
            while ((line = output.readLine()) != null) {
                if (line.startsWith(READY)) {
                    drain(output);
                    return new BrokerProcess(process, line.substring(READY.length()).strip());
                }
            }
            throw new IllegalStateException("The broker process ended before it was ready");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Keeps reading the broker's output so that it never blocks on a full pipe. */
    private static void drain(BufferedReader output) {
        Thread drainer = new Thread(() -> {
            try {
                while (output.readLine() != null) {
                    // discarded: the broker's chatter
                }
            } catch (IOException ignored) {
                // the broker went away
            }
        }, "broker-output");
        drainer.setDaemon(true);
        drainer.start();
    }

    public String bootstrap() {
        return bootstrap;
    }

    public void freeze() throws IOException, InterruptedException {
        Signals.send(process, "STOP");
    }

    public void thaw() throws IOException, InterruptedException {
        Signals.send(process, "CONT");
    }

    @Override
    public void close() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }
}
