package org.jamesexim.bench.queuefile;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import org.jamesexim.queuefile.SpoolDirectory;
import org.jamesexim.queuefile.SpoolEnvelope;
import org.jamesexim.queuefile.SpoolFormat;
import org.jamesexim.queuefile.SpoolRecipient;
import org.jamesexim.queuefile.SpooledMessage;

/**
 * Load run: durable queuefile writes per second beside the raw fsync'd file-write rate, <em>interleaved</em> in
 * short slices (raw, james, exim, raw, ...) so that both see the same disk and the same load from other processes
 * (on a shared machine, JMH's one-benchmark-after-the-other figures drift more than the effect measured).
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar org.jamesexim.bench.queuefile.QueueFileWriteRate [threads] [rounds] [sliceOps] [dir]</pre>
 */
public final class QueueFileWriteRate {
    private QueueFileWriteRate() {
    }

    interface Op {
        void run() throws IOException;
    }

    public static void main(String[] args) throws Exception {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 1;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int slice = args.length > 2 ? Integer.parseInt(args[2]) : 40;
        Path base = Path.of(args.length > 3 ? args[3] : System.getProperty("java.io.tmpdir"));
        Path dir = Files.createTempDirectory(base, "qf-rate");
        try {
            run(dir, threads, rounds, slice);
        } finally {
            try (Stream<Path> s = Files.walk(dir)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void run(Path dir, int threads, int rounds, int slice) throws Exception {
        Path raw = Files.createDirectories(dir.resolve("raw"));
        SpoolDirectory james = SpoolDirectory.open(Files.createDirectories(dir.resolve("james")), SpoolFormat.JAMES);
        SpoolDirectory exim = SpoolDirectory.open(Files.createDirectories(dir.resolve("exim")), SpoolFormat.EXIM);
        StringBuilder sb = new StringBuilder("From: Alice <alice@sender.example>\r\nTo: bob@test.example\r\nSubject: bench\r\n\r\n");
        while (sb.length() < 4096) {
            sb.append("The quick brown fox jumps over the lazy dog, again and again and again.\r\n");
        }
        byte[] bytes = sb.toString().getBytes(StandardCharsets.US_ASCII);
        SpooledMessage message = new SpooledMessage(null, SpoolEnvelope.builder().name("Mail-bench").sender("alice@sender.example")
                .addRecipient(SpoolRecipient.of("bob@test.example")).addRecipient(SpoolRecipient.of("carol@test.example"))
                .remoteAddr("192.0.2.10").remoteHost("client.example").heloName("client.example").receivedTime(Instant.now())
                .attribute("org.apache.james.smtp.helo", "{\"serializer\":\"StringSerializer\",\"value\":\"client.example\"}").build(), bytes);
        AtomicLong n = new AtomicLong();
        Path raw2 = Files.createDirectories(dir.resolve("raw2"));
        byte[] envelope = new byte[900];
        String[] names = {"raw one-file write+fsync", "raw two-file commit", "queuefile james", "queuefile exim"};
        Op[] ops = {
            () -> write(raw.resolve("m" + n.incrementAndGet()), bytes),
            () -> twoFileCommit(raw2, n.incrementAndGet(), bytes, envelope),
            () -> james.write(message),
            () -> exim.write(message),
        };
        long[] nanos = new long[ops.length];
        long[] count = new long[ops.length];
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        for (int warm = 0; warm < 2; warm++) {
            for (Op op : ops) {
                slice(pool, threads, slice, op);
            }
        }
        for (int r = 0; r < rounds; r++) {
            for (int i = 0; i < ops.length; i++) {
                nanos[i] += slice(pool, threads, slice, ops[i]);
                count[i] += (long) slice * threads;
            }
        }
        pool.shutdown();
        double rawRate = count[0] / (nanos[0] / 1e9);
        System.out.printf("threads=%d rounds=%d slice=%d ops/thread, 4 KiB message, dir %s%n", threads, rounds, slice, dir);
        for (int i = 0; i < ops.length; i++) {
            double rate = count[i] / (nanos[i] / 1e9);
            System.out.printf("%-26s %8.1f msg/s  (%5.1f%% of raw)%n", names[i], rate, 100 * rate / rawRate);
        }
    }

    private static long slice(ExecutorService pool, int threads, int ops, Op op) throws Exception {
        long t0 = System.nanoTime();
        List<Future<?>> fs = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            fs.add(pool.submit(() -> {
                for (int i = 0; i < ops; i++) {
                    op.run();
                }
                return null;
            }));
        }
        for (Future<?> f : fs) {
            f.get();
        }
        return System.nanoTime() - t0;
    }

    /** The file operations of a crash-safe two-file commit, no encoding: temp+fsync+link twice, directory fsync. */
    static void twoFileCommit(Path d, long n, byte[] data, byte[] envelope) throws IOException {
        Path t1 = d.resolve(".t" + n + "-D");
        write(t1, data);
        Files.createLink(d.resolve(n + "-D"), t1);
        Files.delete(t1);
        Path t2 = d.resolve(".t" + n + "-H");
        write(t2, envelope);
        Files.createLink(d.resolve(n + "-H"), t2);
        Files.delete(t2);
        try (FileChannel ch = FileChannel.open(d, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    static void write(Path p, byte[] data) throws IOException {
        try (FileChannel ch = FileChannel.open(p, EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE))) {
            ByteBuffer b = ByteBuffer.wrap(data);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        }
    }
}
