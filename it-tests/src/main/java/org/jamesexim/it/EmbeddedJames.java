package org.jamesexim.it;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the pack inside a real James 3.8.1 memory server in this JVM (what {@code ./run-james} starts).
 *
 * <pre>
 * java -cp ... org.jamesexim.it.EmbeddedJames [--config-dir DIR] [--work-dir DIR] [--random-ports] [--extension-jar JAR] [--no-demo]
 * </pre>
 * Defaults: the repository's {@code james-config/} with its {@code demo/} laid over it ({@link org.jamesexim.it.demo.Demo}:
 * material generated at first start in the working directory, the demo MX, the embedded DNS), working directory
 * {@code run/james}, the configured ports (SMTP 2525, IMAP 1143, WebAdmin 8000, demo MX 2526). Prints one
 * {@code demo: ...} line per demo piece and outside service, then one {@code JAMES READY ...} line with where it
 * listens, then one {@code demo-mx: stored ...} line per mail the demo MX receives; SIGINT/SIGTERM stop the server
 * cleanly.
 */
public final class EmbeddedJames {
    private EmbeddedJames() {
    }

    public static void main(String[] args) throws Exception {
        JamesHarness james;
        try {
            james = start(args, System.out);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("JAMES STOPPING");
            james.close();
            System.out.println("JAMES STOPPED");
            stopped.countDown();
        }, "james-shutdown"));
        stopped.await();
    }

    /**
     * Boots James as {@link #main} does and returns it running, after printing the {@code demo:} and
     * {@code JAMES READY} lines to {@code out} (the walkthrough test boots it this way).
     */
    public static JamesHarness start(String[] args, PrintStream out) {
        long t0 = System.nanoTime();
        Path workDir = Paths.get("run/james");
        JamesHarness.Builder b = JamesHarness.builder().fixedPorts();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--config-dir":
                    b.configDir(Paths.get(args[++i]));
                    break;
                case "--work-dir":
                    workDir = Paths.get(args[++i]);
                    break;
                case "--random-ports":
                    b.randomPorts();
                    break;
                case "--extension-jar":
                    b.extensionJar(Paths.get(args[++i]));
                    break;
                case "--no-demo":
                    b.withoutDemo();
                    break;
                default:
                    throw new IllegalArgumentException("unknown argument: " + args[i]);
            }
        }
        workDir = workDir.toAbsolutePath().normalize();
        try {
            Files.createDirectories(workDir);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        JamesHarness james = b.workingDirectory(workDir).demoMxLog(line -> {
            out.println("demo-mx: " + line);
            out.flush();
        }).start();
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (james.demo() != null) {
            james.demo().lines().forEach(out::println);
        }
        out.printf("JAMES READY smtp=127.0.0.1:%d imap=127.0.0.1:%d webadmin=127.0.0.1:%d user=%s password=%s started_in=%.2fs workdir=%s%n",
            james.smtpPort(), james.imapPort(), james.webAdminPort(), JamesHarness.DEMO_USER, JamesHarness.DEMO_PASSWORD,
            seconds, workDir);
        out.flush();
        return james;
    }
}
