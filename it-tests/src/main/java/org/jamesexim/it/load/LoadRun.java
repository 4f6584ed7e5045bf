package org.jamesexim.it.load;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import org.jamesexim.it.ImapReader;
import org.jamesexim.it.JamesHarness;
import org.jamesexim.it.SmtpClient;

/**
 * SMTP load generator against real embedded James servers: for each setup (a configuration folder) and each
 * connection count, {@code messages} mails to demo@example.test over persistent SMTP connections (MAIL, RCPT,
 * DATA repeated). Reports accepted messages per second, p50/p99 latency of one transaction (MAIL to the 250 after
 * DATA) and the end-to-end rate (until the last mail is in the mailbox, read over IMAP).
 *
 * <pre>
 * LoadRun --setup bare=benchmarks/load/bare --setup pack=james-config --connections 1,10,50 --messages 2000 --size 4096
 * </pre>
 * Prints a Markdown table, one row per setup and connection count.
 */
public final class LoadRun {
    private LoadRun() {
    }

    /** One measured cell. */
    public static final class Result {
        public final String setup;
        public final int connections;
        public final int accepted;
        public final int refused;
        public final double smtpPerSecond;
        public final double endToEndPerSecond;
        public final double p50Ms;
        public final double p99Ms;

        Result(String setup, int connections, int accepted, int refused, double smtpPerSecond, double endToEndPerSecond,
               double p50Ms, double p99Ms) {
            this.setup = setup;
            this.connections = connections;
            this.accepted = accepted;
            this.refused = refused;
            this.smtpPerSecond = smtpPerSecond;
            this.endToEndPerSecond = endToEndPerSecond;
            this.p50Ms = p50Ms;
            this.p99Ms = p99Ms;
        }

        String row() {
            return String.format(Locale.ROOT, "| %s | %d | %d | %d | %.0f | %.0f | %.1f | %.1f |",
                setup, connections, accepted, refused, smtpPerSecond, endToEndPerSecond, p50Ms, p99Ms);
        }
    }

    public static void main(String[] args) throws Exception {
        Map<String, Path> setups = new LinkedHashMap<>();
        List<Integer> connections = List.of(1, 10, 50);
        int messages = 1000;
        int size = 4096;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--setup":
                    String[] kv = args[++i].split("=", 2);
                    setups.put(kv[0], Paths.get(kv[1]));
                    break;
                case "--connections":
                    connections = Arrays.stream(args[++i].split(",")).map(Integer::valueOf).collect(Collectors.toList());
                    break;
                case "--messages":
                    messages = Integer.parseInt(args[++i]);
                    break;
                case "--size":
                    size = Integer.parseInt(args[++i]);
                    break;
                default:
                    throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        System.out.println("| setup | connections | accepted | refused | SMTP msg/s | end-to-end msg/s | p50 ms | p99 ms |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        for (Map.Entry<String, Path> setup : setups.entrySet()) {
            for (int c : connections) {
                try (JamesHarness james = JamesHarness.builder().configDir(setup.getValue()).start()) {
                    run(james, setup.getKey(), Math.min(200, messages), c, size); // warm-up, not reported
                    Result r = run(james, setup.getKey(), messages, c, size);
                    System.out.println(r.row());
                }
            }
        }
        System.exit(0);
    }

    /** Sends {@code messages} mails over {@code connections} connections and waits for their delivery. */
    public static Result run(JamesHarness james, String setup, int messages, int connections, int size) throws Exception {
        int before = inboxCount(james);
        String body = body(size);
        AtomicInteger next = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        long[] latencies = new long[messages];
        AtomicInteger done = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(connections);
        long t0 = System.nanoTime();
        List<Future<?>> futures = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            futures.add(pool.submit(() -> {
                try (SmtpClient smtp = james.smtp()) {
                    smtp.ehlo("load.example.net");
                    int n;
                    while ((n = next.getAndIncrement()) < messages) {
                        long s = System.nanoTime();
                        boolean ok = smtp.mailFrom("load@example.net").code == 250
                            && smtp.rcptTo(JamesHarness.DEMO_USER).code == 250
                            && smtp.data("From: load@example.net\r\nTo: demo@example.test\r\nSubject: load " + n
                                + "\r\nMessage-ID: <load-" + n + "-" + t0 + "@example.net>\r\n\r\n" + body).code == 250;
                        latencies[done.getAndIncrement()] = System.nanoTime() - s;
                        if (!ok) {
                            refused.incrementAndGet();
                            smtp.command("RSET");
                        }
                    }
                    smtp.quit();
                }
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
        long smtpNanos = System.nanoTime() - t0;
        pool.shutdown();
        int accepted = messages - refused.get();
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (inboxCount(james) < before + accepted && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        long e2eNanos = System.nanoTime() - t0;
        long[] sorted = Arrays.copyOf(latencies, done.get());
        Arrays.sort(sorted);
        return new Result(setup, connections, accepted, refused.get(), messages / (smtpNanos / 1e9),
            accepted / (e2eNanos / 1e9), percentile(sorted, 0.50) / 1e6, percentile(sorted, 0.99) / 1e6);
    }

    private static int inboxCount(JamesHarness james) throws IOException {
        try (ImapReader imap = ImapReader.login("127.0.0.1", james.imapPort(), JamesHarness.DEMO_USER, JamesHarness.DEMO_PASSWORD)) {
            return Math.max(0, imap.count("INBOX"));
        }
    }

    private static long percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }

    private static String body(int size) {
        StringBuilder b = new StringBuilder(size + 80);
        String line = "The quick brown fox jumps over the lazy dog, load test line of roughly seventy octets.\r\n";
        while (b.length() < size) {
            b.append(line);
        }
        return b.toString();
    }
}
