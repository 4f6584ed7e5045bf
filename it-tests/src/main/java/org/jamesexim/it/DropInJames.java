package org.jamesexim.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * James the way an operator runs the pack: a separate JVM whose classpath has James but NONE of the pack's
 * classes, with only {@code pack/target/james-exim-pack.jar} in {@code extensions-jars/}. It runs
 * {@link EmbeddedJames} with random ports on a configuration folder the test prepared
 * (see {@link #sampleConfig(Path)}). Whatever happens, the child is killed after {@link #HARD_LIMIT_SECONDS}.
 */
public final class DropInJames implements AutoCloseable {
    /** Upper bound on a child's life, so a hung child never hangs the build. */
    public static final int HARD_LIMIT_SECONDS = 180;
    private static final Pattern READY = Pattern.compile("JAMES READY smtp=127\\.0\\.0\\.1:(\\d+) imap=127\\.0\\.0\\.1:(\\d+)");

    private final Process process;
    private final BufferedReader reader;
    private final List<String> output = Collections.synchronizedList(new ArrayList<>());
    private final int smtpPort;
    private final int imapPort;
    private final Path workingDirectory;

    private DropInJames(Process process, Path workingDirectory) throws IOException {
        this.process = process;
        this.workingDirectory = workingDirectory;
        this.reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        int smtp = -1;
        int imap = -1;
        String line;
        while ((line = reader.readLine()) != null) {
            output.add(line);
            Matcher m = READY.matcher(line);
            if (m.find()) {
                smtp = Integer.parseInt(m.group(1));
                imap = Integer.parseInt(m.group(2));
                break;
            }
        }
        if (smtp < 0) {
            close();
            throw new IllegalStateException("James did not start from the drop-in JAR; output:\n" + String.join("\n", output));
        }
        this.smtpPort = smtp;
        this.imapPort = imap;
        Thread drain = new Thread(() -> {
            try {
                String l;
                while ((l = reader.readLine()) != null) {
                    output.add(l);
                }
            } catch (IOException ignored) {
                // the child is gone
            }
        }, "drop-in-james-output");
        drain.setDaemon(true);
        drain.start();
    }

    /**
     * Copies the sample configuration ({@code james-config/}, top-level files only) into {@code dir}, which the test
     * then edits (e.g. copies an {@code examples/} file over {@code mailetcontainer.xml}); returns {@code dir}.
     */
    public static Path sampleConfig(Path dir) {
        try {
            Files.createDirectories(dir);
            try (Stream<Path> files = Files.list(JamesHarness.defaultConfigDir())) {
                for (Path f : files.filter(Files::isRegularFile).collect(Collectors.toList())) {
                    Files.copy(f, dir.resolve(f.getFileName().toString()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The built drop-in JAR (system property {@code jexim.pack.jar}); fails clearly when the package phase did not run. */
    public static Path packJar() {
        Path jar = Paths.get(System.getProperty("jexim.pack.jar", "../pack/target/james-exim-pack.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: the drop-in tests run after `./mvnw package` (failsafe)");
        }
        return jar;
    }

    /** Starts James with the configuration folder {@code conf} (null: the sample one) in {@code work}/james. */
    public static DropInJames start(Path work, Path conf) throws IOException {
        String classpath = DropInClasspath.withoutPack();
        List<String> cmd = new ArrayList<>(List.of(
            Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
            "-Djames.exit.on.startup.error=false", "-Djames.lifecycle.leak.detection.mode=NONE",
            "-Djexim.config.dir=" + JamesHarness.defaultConfigDir(),
            "-cp", classpath, "org.jamesexim.it.EmbeddedJames",
            "--random-ports", "--work-dir", work.resolve("james").toString(), "--extension-jar", packJar().toString()));
        if (conf != null) {
            cmd.add("--config-dir");
            cmd.add(conf.toString());
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        CompletableFuture.delayedExecutor(HARD_LIMIT_SECONDS, TimeUnit.SECONDS).execute(p::destroyForcibly);
        return new DropInJames(p, work.resolve("james"));
    }


    public int smtpPort() {
        return smtpPort;
    }

    public int imapPort() {
        return imapPort;
    }

    public Path workingDirectory() {
        return workingDirectory;
    }

    /** Everything the child printed so far (stdout and stderr). */
    public List<String> output() {
        synchronized (output) {
            return List.copyOf(output);
        }
    }

    /** SIGTERM (as Ctrl-C or docker stop), then waits for the JVM to exit; true when it did within the time. */
    public boolean stop() throws InterruptedException {
        process.toHandle().destroy();
        boolean exited = process.waitFor(60, TimeUnit.SECONDS);
        if (!exited) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        return exited;
    }

    @Override
    public void close() {
        try {
            if (process.isAlive()) {
                stop();
            }
            reader.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
