package org.jamesexim.bench.queuefile;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import org.jamesexim.queuefile.SpoolDirectory;
import org.jamesexim.queuefile.SpoolEnvelope;
import org.jamesexim.queuefile.SpoolFormat;
import org.jamesexim.queuefile.SpoolRecipient;
import org.jamesexim.queuefile.SpooledMessage;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Messages per second written durably by the queuefile writer, beside the raw fsync'd file-write rate of the same
 * disk in the same run: {@code rawOneFile} writes the message bytes to one new file and fsyncs it (the physical
 * limit for "one message = one durable file"); {@code rawTwoFileCommit} does the file operations a crash-safe
 * two-file commit needs (two files written and fsynced under temporary names, linked into place, directory fsync)
 * without any encoding. The spool directory is {@code -Djexim.bench.dir} (default: the system temp directory).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class QueueFileWriteBench {
    @Param({"4096"})
    public int messageBytes;

    private Path dir;
    private SpoolDirectory james;
    private SpoolDirectory exim;
    private SpooledMessage message;
    private byte[] raw;
    private byte[] envelope;
    private final AtomicLong counter = new AtomicLong();

    @Setup(Level.Iteration)
    public void setUp() throws IOException {
        Path base = Path.of(System.getProperty("jexim.bench.dir", System.getProperty("java.io.tmpdir")));
        dir = Files.createTempDirectory(base, "qf-bench");
        Files.createDirectories(dir.resolve("james"));
        Files.createDirectories(dir.resolve("exim"));
        Files.createDirectories(dir.resolve("raw"));
        james = SpoolDirectory.open(dir.resolve("james"), SpoolFormat.JAMES);
        exim = SpoolDirectory.open(dir.resolve("exim"), SpoolFormat.EXIM);
        StringBuilder sb = new StringBuilder("From: Alice <alice@sender.example>\r\nTo: bob@test.example\r\nSubject: bench\r\n"
                + "Message-ID: <bench@sender.example>\r\n\r\n");
        while (sb.length() < messageBytes) {
            sb.append("The quick brown fox jumps over the lazy dog, again and again and again.\r\n");
        }
        raw = sb.toString().getBytes(StandardCharsets.US_ASCII);
        SpoolEnvelope env = SpoolEnvelope.builder().name("Mail-bench").sender("alice@sender.example")
                .addRecipient(SpoolRecipient.of("bob@test.example")).addRecipient(SpoolRecipient.of("carol@test.example"))
                .remoteAddr("192.0.2.10").remoteHost("client.example").heloName("client.example").receivedTime(Instant.now())
                .attribute("org.apache.james.smtp.helo", "{\"serializer\":\"StringSerializer\",\"value\":\"client.example\"}")
                .build();
        message = new SpooledMessage(null, env, raw);
        envelope = new byte[900];
    }

    @TearDown(Level.Iteration)
    public void tearDown() throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Benchmark
    public void rawOneFile() throws IOException {
        QueueFileWriteRate.write(dir.resolve("raw").resolve("m" + counter.incrementAndGet()), raw);
    }

    @Benchmark
    public void rawTwoFileCommit() throws IOException {
        QueueFileWriteRate.twoFileCommit(dir.resolve("raw"), counter.incrementAndGet(), raw, envelope);
    }

    @Benchmark
    public String queuefileJames() throws IOException {
        return james.write(message);
    }

    @Benchmark
    public String queuefileExim() throws IOException {
        return exim.write(message);
    }
}
