package org.jamesexim.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the pack inside a real James 3.8.1 memory server in this JVM (what {@code ./run-james} starts).
 *
 * <pre>
 * java -cp ... org.jamesexim.it.EmbeddedJames [--config-dir DIR] [--work-dir DIR] [--random-ports] [--extension-jar JAR]
 * </pre>
 * Defaults: the repository's {@code james-config/}, working directory {@code run/james}, the configured ports
 * (SMTP 2525, IMAP 1143, WebAdmin 8000). Prints one {@code JAMES READY ...} line with where it listens;
 * SIGINT/SIGTERM stop the server cleanly.
 */
public final class EmbeddedJames {
    private EmbeddedJames() {
    }

    public static void main(String[] args) throws Exception {
        long t0 = System.nanoTime();
        JamesHarness.Builder b = JamesHarness.builder().fixedPorts().workingDirectory(Paths.get("run/james"));
        Path workDir = Paths.get("run/james");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--config-dir":
                    b.configDir(Paths.get(args[++i]));
                    break;
                case "--work-dir":
                    workDir = Paths.get(args[++i]);
                    b.workingDirectory(workDir);
                    break;
                case "--random-ports":
                    b.randomPorts();
                    break;
                case "--extension-jar":
                    b.extensionJar(Paths.get(args[++i]));
                    break;
                default:
                    System.err.println("unknown argument: " + args[i]);
                    System.exit(2);
            }
        }
        Files.createDirectories(workDir);
        JamesHarness james = b.start();
        double seconds = (System.nanoTime() - t0) / 1e9;
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("JAMES STOPPING");
            james.server().stop();
            System.out.println("JAMES STOPPED");
            stopped.countDown();
        }, "james-shutdown"));
        System.out.printf("JAMES READY smtp=127.0.0.1:%d imap=127.0.0.1:%d webadmin=127.0.0.1:%d user=%s password=%s started_in=%.2fs workdir=%s%n",
            james.smtpPort(), james.imapPort(), james.webAdminPort(), JamesHarness.DEMO_USER, JamesHarness.DEMO_PASSWORD,
            seconds, workDir.toAbsolutePath());
        System.out.flush();
        stopped.await();
    }
}
