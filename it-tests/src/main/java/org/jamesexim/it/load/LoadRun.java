package org.jamesexim.it.load;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiFunction;
import java.util.function.IntFunction;
import java.util.function.IntSupplier;
import java.util.stream.Collectors;

import org.jamesexim.it.ImapReader;
import org.jamesexim.it.JamesHarness;
import org.jamesexim.it.SmtpClient;

/**
 * SMTP load generator against real embedded James servers: {@code messages} mails over {@code connections}
 * persistent SMTP connections (MAIL, RCPT, DATA repeated). Reports accepted messages per second, p50/p99 latency of one
 * transaction (MAIL to the reply after DATA) and the end-to-end rate (until every copy is delivered).
 *
 * <p>A {@link Plan} says what to send (recipients, message text, SMTP AUTH per connection, reconnecting every N
 * messages, retrying 4xx refusals); {@link #drive} sends it and returns an {@link Outcome}: the Message-IDs the server
 * accepted, every reply code per command, and the connections that broke. {@code org.jamesexim.it.load.ProductionRun}
 * and {@code FaultRun} (it-tests test tree, where the service fixtures are) build on it.</p>
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

        public Result(String setup, int connections, int accepted, int refused, double smtpPerSecond, double endToEndPerSecond,
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

        public String row() {
            return String.format(Locale.ROOT, "| %s | %d | %d | %d | %.0f | %.0f | %.1f | %.1f |",
                setup, connections, accepted, refused, smtpPerSecond, endToEndPerSecond, p50Ms, p99Ms);
        }
    }

    /** What to send. Fluent setters; defaults: one recipient demo@example.test, 4 KiB body, no AUTH, no retries. */
    public static final class Plan {
        int messages = 1000;
        int connections = 10;
        String sender = "load@example.net";
        String helo = "load.example.net";
        List<String> recipients = List.of(JamesHarness.DEMO_USER);
        IntFunction<List<String>> recipientsFor;
        BiFunction<Integer, String, String> message;
        IntFunction<String[]> auth;
        int messagesPerConnection = Integer.MAX_VALUE;
        int maxAttempts = 1;
        Duration retryDelay = Duration.ofMillis(200);
        String idPrefix = "load";
        final AtomicInteger progress = new AtomicInteger();
        long intervalNanos;
        final java.util.concurrent.atomic.AtomicLong nextSlot = new java.util.concurrent.atomic.AtomicLong();
        final Outcome outcome = new Outcome();

        /** The outcome {@link #drive} fills (live while it runs; a plan is driven once). */
        public Outcome outcome() {
            return outcome;
        }

        /** Messages settled so far (accepted, refused for good or in doubt), for a harness that acts as the run goes. */
        public int progress() {
            return progress.get();
        }

        public Plan messages(int n) {
            this.messages = n;
            return this;
        }

        public Plan connections(int n) {
            this.connections = n;
            return this;
        }

        public Plan sender(String s) {
            this.sender = s;
            return this;
        }

        public Plan recipients(List<String> r) {
            this.recipients = List.copyOf(r);
            return this;
        }

        /** Recipients that depend on the message number (instead of the same list for all). */
        public Plan recipients(IntFunction<List<String>> r) {
            this.recipientsFor = r;
            return this;
        }

        List<String> recipientsOf(int n) {
            return recipientsFor == null ? recipients : recipientsFor.apply(n);
        }

        /** The message for number {@code n} with Message-ID {@code id} (without the angle brackets). */
        public Plan message(BiFunction<Integer, String, String> m) {
            this.message = m;
            return this;
        }

        /** A plain message of about {@code size} bytes. */
        public Plan size(int size) {
            String body = body(size);
            this.message = (n, id) -> "From: " + sender + "\r\nTo: " + String.join(", ", recipients) + "\r\nSubject: load " + n
                + "\r\nMessage-ID: <" + id + ">\r\n\r\n" + body;
            return this;
        }

        /** SMTP AUTH PLAIN on each connection: user and password for connection number {@code i} (null: no AUTH). */
        public Plan auth(IntFunction<String[]> a) {
            this.auth = a;
            return this;
        }

        /** QUIT and connect again (with a new AUTH) after this many messages. */
        public Plan messagesPerConnection(int n) {
            this.messagesPerConnection = n;
            return this;
        }

        /** Send a message again after a 4xx reply (like an MTA's retry), at most this many tries in all. */
        public Plan retries(int maxAttempts, Duration delay) {
            this.maxAttempts = maxAttempts;
            this.retryDelay = delay;
            return this;
        }

        /** At most this many transactions a second over all connections (no catching up after a stall); 0: unpaced. */
        public Plan rate(double perSecond) {
            this.intervalNanos = perSecond <= 0 ? 0 : (long) (1e9 / perSecond);
            return this;
        }

        public Plan idPrefix(String p) {
            this.idPrefix = p;
            return this;
        }
    }

    /** What happened. */
    public static final class Outcome {
        /** Message-IDs (without brackets) the server answered 250 after DATA. */
        public final Set<String> accepted = ConcurrentHashMap.newKeySet();
        /** Message-IDs refused for good (5xx, or 4xx after the last try). */
        public final Set<String> refused = ConcurrentHashMap.newKeySet();
        /** Message-IDs whose DATA reply never arrived (connection broke after the final dot): delivered or not. */
        public final Set<String> inDoubt = ConcurrentHashMap.newKeySet();
        /** Reply counts by "COMMAND code", e.g. "RCPT 250", "AUTH 454", "CONNECT 220". */
        public final Map<String, LongAdder> replies = new ConcurrentHashMap<>();
        /** Connections that ended in an I/O error (the first 20 messages kept). */
        public final LongAdder ioErrors = new LongAdder();
        public final List<String> errors = Collections.synchronizedList(new ArrayList<>());
        long[] latencies;
        final AtomicInteger done = new AtomicInteger();
        public long nanos;

        void reply(String command, int code) {
            replies.computeIfAbsent(command + " " + code, k -> new LongAdder()).increment();
        }

        /** The reply counts, sorted. */
        public long replies(String commandAndCode) {
            LongAdder a = replies.get(commandAndCode);
            return a == null ? 0 : a.sum();
        }

        public Map<String, Long> replyCounts() {
            Map<String, Long> m = new TreeMap<>();
            replies.forEach((k, v) -> m.put(k, v.sum()));
            return m;
        }

        public double percentileMs(double p) {
            long[] sorted = Arrays.copyOf(latencies, Math.min(done.get(), latencies.length));
            Arrays.sort(sorted);
            return percentile(sorted, p) / 1e6;
        }
    }

    private static final class Pending {
        final int n;
        final String id;
        int attempts;
        long notBefore;
        boolean dataSent;

        Pending(int n, String id) {
            this.n = n;
            this.id = id;
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
        System.out.println(header());
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

    /** The Markdown table head for {@link Result#row()}. */
    public static String header() {
        return "| setup | connections | accepted | refused | SMTP msg/s | end-to-end msg/s | p50 ms | p99 ms |\n"
            + "|---|---|---|---|---|---|---|---|";
    }

    /** Sends {@code messages} mails over {@code connections} connections and waits for their delivery. */
    public static Result run(JamesHarness james, String setup, int messages, int connections, int size) throws Exception {
        // one IMAP session for the polling (a login per poll would spend James's CPU on password hashing)
        try (ImapReader imap = ImapReader.login("127.0.0.1", james.imapPort(), JamesHarness.DEMO_USER, JamesHarness.DEMO_PASSWORD)) {
            int before = Math.max(0, imap.count("INBOX"));
            Plan plan = new Plan().messages(messages).connections(connections).size(size);
            return measure(setup, james.smtpPort(), plan, () -> {
                try {
                    return Math.max(0, imap.count("INBOX")) - before;
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, 1, Duration.ofMinutes(5));
        }
    }

    /**
     * Drives the plan, then waits until {@code delivered} reaches {@code copiesPerMessage} times the accepted count
     * (or the timeout): one {@link Result} row.
     */
    public static Result measure(String setup, int port, Plan plan, IntSupplier delivered, int copiesPerMessage, Duration timeout)
        throws Exception {
        long t0 = System.nanoTime();
        Outcome o = drive("127.0.0.1", port, plan);
        int accepted = o.accepted.size();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (delivered.getAsInt() < accepted * copiesPerMessage && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        long e2eNanos = System.nanoTime() - t0;
        int got = delivered.getAsInt();
        if (got < accepted * copiesPerMessage) {
            throw new IllegalStateException(setup + ": only " + got + " of " + accepted * copiesPerMessage + " copies delivered within "
                + timeout);
        }
        return new Result(setup, plan.connections, accepted, plan.messages - accepted, plan.messages / (o.nanos / 1e9),
            accepted / (e2eNanos / 1e9), o.percentileMs(0.50), o.percentileMs(0.99));
    }

    /** Sends the plan's messages over its connections; returns when every message is accepted, refused or in doubt. */
    public static Outcome drive(String host, int port, Plan plan) throws Exception {
        if (plan.message == null) {
            plan.size(4096);
        }
        Outcome o = plan.outcome;
        o.latencies = new long[plan.messages * plan.maxAttempts];
        AtomicInteger next = new AtomicInteger();
        AtomicInteger outstanding = new AtomicInteger(plan.messages);
        ConcurrentLinkedQueue<Pending> retry = new ConcurrentLinkedQueue<>();
        long t0 = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(plan.connections, r -> {
            Thread t = new Thread(r, "load-client");
            t.setDaemon(true);
            return t;
        });
        List<Future<?>> futures = new ArrayList<>();
        for (int c = 0; c < plan.connections; c++) {
            int conn = c;
            futures.add(pool.submit(() -> {
                client(host, port, plan, conn, o, next, outstanding, retry, t0);
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
        o.nanos = System.nanoTime() - t0;
        pool.shutdown();
        return o;
    }

    private static Pending take(Plan plan, AtomicInteger next, ConcurrentLinkedQueue<Pending> retry, long t0) {
        Pending p = retry.peek();
        if (p != null && p.notBefore <= System.nanoTime() && retry.remove(p)) {
            return p;
        }
        int n = next.getAndIncrement();
        if (n < plan.messages) {
            return new Pending(n, plan.idPrefix + "-" + n + "-" + t0 + "@example.net");
        }
        return null;
    }

    private static void client(String host, int port, Plan plan, int conn, Outcome o, AtomicInteger next, AtomicInteger outstanding,
                               ConcurrentLinkedQueue<Pending> retry, long t0) throws InterruptedException {
        while (outstanding.get() > 0) {
            Pending current = null;
            try (SmtpClient smtp = SmtpClient.connect(host, port)) {
                o.reply("CONNECT", smtp.greeting().code);
                if (smtp.greeting().code != 220) {
                    Thread.sleep(plan.retryDelay.toMillis());
                    continue;
                }
                SmtpClient.Reply r = smtp.ehlo(plan.helo);
                o.reply("EHLO", r.code);
                String[] credentials = plan.auth == null ? null : plan.auth.apply(conn);
                if (credentials != null) {
                    r = smtp.authPlain(credentials[0], credentials[1]);
                    o.reply("AUTH", r.code);
                    if (r.code != 235) {
                        o.reply("QUIT", smtp.quit().code);
                        Thread.sleep(plan.retryDelay.toMillis());
                        continue;
                    }
                }
                int sent = 0;
                while (sent < plan.messagesPerConnection && outstanding.get() > 0) {
                    current = take(plan, next, retry, t0);
                    if (current == null) {
                        Thread.sleep(10);
                        continue;
                    }
                    if (plan.intervalNanos > 0) {
                        long now = System.nanoTime();
                        long slot = plan.nextSlot.getAndUpdate(v -> Math.max(v, now) + plan.intervalNanos);
                        long wait = Math.max(slot, now) - now;
                        if (wait > 0) {
                            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                        }
                    }
                    current.attempts++;
                    sent++;
                    long s = System.nanoTime();
                    int code = transaction(smtp, plan, current, o);
                    o.latencies[Math.min(o.done.getAndIncrement(), o.latencies.length - 1)] = System.nanoTime() - s;
                    if (code == 250) {
                        o.accepted.add(current.id);
                        outstanding.decrementAndGet();
                        plan.progress.incrementAndGet();
                    } else if (code >= 400 && code < 500 && current.attempts < plan.maxAttempts) {
                        current.notBefore = System.nanoTime() + plan.retryDelay.toNanos();
                        retry.add(current);
                    } else {
                        o.refused.add(current.id);
                        outstanding.decrementAndGet();
                        plan.progress.incrementAndGet();
                    }
                    current = null;
                }
                o.reply("QUIT", smtp.quit().code);
            } catch (IOException e) {
                o.ioErrors.increment();
                if (o.errors.size() < 20) {
                    o.errors.add("connection " + conn + ": " + e);
                }
                if (current != null && current.dataSent) {
                    // the reply to the final dot may be lost: the message may or may not have been accepted
                    o.inDoubt.add(current.id);
                    outstanding.decrementAndGet();
                        plan.progress.incrementAndGet();
                } else if (current != null) {
                    // broken before DATA: certainly not accepted, send it again
                    current.notBefore = System.nanoTime() + plan.retryDelay.toNanos();
                    retry.add(current);
                }
                Thread.sleep(plan.retryDelay.toMillis());
            }
        }
    }

    /** MAIL, RCPT..., DATA; RSET after a refusal. Returns the deciding reply code. */
    private static int transaction(SmtpClient smtp, Plan plan, Pending p, Outcome o) throws IOException {
        SmtpClient.Reply r = smtp.mailFrom(plan.sender);
        o.reply("MAIL", r.code);
        if (r.code != 250) {
            o.reply("RSET", smtp.command("RSET").code);
            return r.code;
        }
        int accepted = 0;
        int lastRefusal = 0;
        List<String> recipients = plan.recipientsOf(p.n);
        for (String rcpt : recipients) {
            r = smtp.rcptTo(rcpt);
            o.reply("RCPT", r.code);
            if (r.code == 250) {
                accepted++;
            } else {
                lastRefusal = r.code;
            }
        }
        if (accepted < recipients.size()) {
            // all or nothing: a message counts as accepted only with every recipient
            o.reply("RSET", smtp.command("RSET").code);
            return lastRefusal;
        }
        String text = plan.message.apply(p.n, p.id);
        p.dataSent = true;
        r = smtp.data(text);
        p.dataSent = false;
        o.reply("DATA", r.code);
        if (r.code != 250) {
            o.reply("RSET", smtp.command("RSET").code);
        }
        return r.code;
    }

    private static long percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }

    static String body(int size) {
        StringBuilder b = new StringBuilder(size + 80);
        String line = "The quick brown fox jumps over the lazy dog, load test line of roughly seventy octets.\r\n";
        while (b.length() < size) {
            b.append(line);
        }
        return b.toString();
    }
}
