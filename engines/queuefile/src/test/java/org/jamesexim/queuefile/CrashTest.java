package org.jamesexim.queuefile;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The writer and the requeuer are killed (SIGKILL) at random moments many times: no acknowledged message is lost,
 * no committed message is incomplete, none is requeued twice, none is left behind.
 */
class CrashTest {
    private static final int KILLS = 12;

    @TempDir
    Path tmp;

    @ParameterizedTest
    @EnumSource(SpoolFormat.class)
    void killedAtRandomPointsNothingLostNothingDoubled(SpoolFormat format) throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        Path out = Files.createDirectories(tmp.resolve("out"));
        Path in = Files.createDirectories(tmp.resolve("in"));
        Path sink = Files.createDirectories(tmp.resolve("sink"));

        // 1. the writer, killed KILLS times
        Map<Integer, String> acknowledged = new HashMap<>();
        int next = 0;
        for (int round = 0; round < KILLS; round++) {
            String output = runAndKill(random, "write", out.toString(), format.configName(), Integer.toString(next), "100000");
            for (String line : output.split("\n")) {
                String[] w = line.trim().split(" ");
                if (w.length == 3 && w[0].equals("ok")) {
                    acknowledged.put(Integer.parseInt(w[1]), w[2]);
                }
            }
            next += 100000;
        }
        SpoolDirectory outDir = SpoolDirectory.open(out, format);
        List<String> committed = outDir.committedIds();
        assertThat(acknowledged).as("seed " + seed + ": the writer was killed before it wrote anything").isNotEmpty();
        // every acknowledged message is there, complete
        assertThat(committed).as("seed " + seed).containsAll(acknowledged.values());
        Set<String> subjects = new TreeSet<>();
        for (String id : committed) {
            SpooledMessage m = outDir.read(id);     // throws if a committed message were incomplete
            assertThat(m.envelope()).isEqualTo(Messages.envelope());
            subjects.add(subject(m.content()));
        }
        assertThat(subjects).hasSize(committed.size());
        // at most one message per kill was committed but not yet acknowledged
        assertThat(committed.size() - acknowledged.size()).isBetween(0, KILLS);

        // 2. hand everything over to the incoming directory, plus the debris the kills left (orphans, temp files)
        try (Stream<Path> s = Files.list(out)) {
            for (Path p : s.collect(Collectors.toList())) {
                String n = p.getFileName().toString();
                if (SpoolDirectory.idOfCommitFile(format, n) == null) {
                    Files.move(p, in.resolve(n), StandardCopyOption.ATOMIC_MOVE);
                }
            }
        }
        for (String id : committed) {
            Files.move(out.resolve(SpoolDirectory.commitFileName(format, id)), in.resolve(SpoolDirectory.commitFileName(format, id)), StandardCopyOption.ATOMIC_MOVE);
        }

        // 3. the requeuer, killed KILLS times, then run to the end
        int killedMidMessage = 0;
        for (int round = 0; round < KILLS; round++) {
            runAndKill(random, "requeue", in.toString(), format.configName(), sink.toString());
            if (Files.isDirectory(in.resolve(Requeuer.CLAIMED).resolve(CrashChild.NODE))) {
                try (Stream<Path> s = Files.list(in.resolve(Requeuer.CLAIMED).resolve(CrashChild.NODE))) {
                    killedMidMessage += s.count() > 0 ? 1 : 0;
                }
            }
        }
        String last = run("requeue", in.toString(), format.configName(), sink.toString());
        assertThat(last).contains("finished");
        System.out.printf("crash test %s (seed %d): %d acknowledged, %d committed, %d requeuer kills left a claimed message%n",
                format, seed, acknowledged.size(), committed.size(), killedMidMessage);

        List<String> delivered;
        try (Stream<Path> s = Files.list(sink)) {
            delivered = s.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted().collect(Collectors.toList());
        }
        assertThat(delivered).as("seed " + seed + ": duplicates").noneMatch(n -> n.startsWith("dup-"));
        assertThat(delivered).as("seed " + seed).containsExactlyInAnyOrderElementsOf(
                committed.stream().map(Requeuer::key).collect(Collectors.toList()));
        for (String id : committed) {
            assertThat(Files.readString(sink.resolve(Requeuer.key(id)))).startsWith("msg-");
        }
        assertThat(SpoolDirectory.open(in, format).committedIds()).isEmpty();
        try (Stream<Path> s = Files.list(in.resolve(Requeuer.CLAIMED).resolve(CrashChild.NODE))) {
            assertThat(s).isEmpty();
        }
        try (Stream<Path> s = Files.list(in.resolve(Requeuer.FAILED))) {
            assertThat(s).isEmpty();
        }
    }

    private static String subject(byte[] content) {
        return new String(content, StandardCharsets.UTF_8).replaceAll("(?s).*\r\nSubject: ([^\r]*)\r\n.*", "$1");
    }

    private String runAndKill(Random random, String... args) throws Exception {
        Process p = start(args);
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        Thread reader = pump(p.getInputStream(), buf);
        // kill somewhere in the first 400 ms of real work (after the child said it is ready)
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!buf.toString(StandardCharsets.UTF_8).contains("ready") && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        Thread.sleep(random.nextInt(400));
        p.destroyForcibly();
        p.waitFor(30, TimeUnit.SECONDS);
        reader.join(10000);
        return buf.toString(StandardCharsets.UTF_8);
    }

    private String run(String... args) throws Exception {
        Process p = start(args);
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        Thread reader = pump(p.getInputStream(), buf);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("requeuer did not finish in 120 s");
        }
        reader.join(10000);
        return buf.toString(StandardCharsets.UTF_8);
    }

    private static Process start(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), CrashChild.class.getName()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).start();
    }

    private static Thread pump(InputStream in, ByteArrayOutputStream buf) {
        Thread t = new Thread(() -> {
            try {
                byte[] b = new byte[4096];
                int n;
                while ((n = in.read(b)) > 0) {
                    synchronized (buf) {
                        buf.write(b, 0, n);
                    }
                }
            } catch (Exception ignored) {
                // the child was killed
            }
        });
        t.start();
        return t;
    }
}
