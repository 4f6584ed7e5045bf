package org.jamesexim.it.load;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.jamesexim.dcc.sim.DccifdSimulator;
import org.jamesexim.it.ImapReader;
import org.jamesexim.it.JamesHarness;
import org.jamesexim.it.load.PackSetup.Feature;

/**
 * The production load run: the same real James 3.8.1, stock ({@code benchmarks/load/bare/}) and with the pack's
 * features added one at a time, all together (with a real Rspamd, and with Rspamd replaced by an instant stand-in),
 * and with queuefile on, each at 1, 10 and 50 SMTP connections, in one run. Each mail goes to a local mailbox and to a
 * relayed recipient; "end-to-end" waits until both copies are delivered (IMAP count and the remote sink).
 * Run by {@code benchmarks/load/run.sh}; prints Markdown.
 *
 * <pre>ProductionRun [--connections 1,10,50] [--messages 500,1500,3000] [--warmup 1500] [--rounds 3] [--setups 0,7] [--provider jdk|accp] [--out FILE]</pre>
 * Each setup is measured once per round (rounds one after the other), and the best end-to-end rate per cell reported.
 */
public final class ProductionRun {
    private ProductionRun() {
    }

    /** One setup of the run. */
    static final class Setup {
        final String name;
        final Set<Feature> features;
        final boolean instantBmi;
        /** the dccifd model's latency (zero: instant) */
        final java.time.Duration dccLatency;

        Setup(String name, Set<Feature> features, boolean instantBmi) {
            this(name, features, instantBmi, java.time.Duration.ZERO);
        }

        Setup(String name, Set<Feature> features, boolean instantBmi, java.time.Duration dccLatency) {
            this.name = name;
            this.features = features;
            this.instantBmi = instantBmi;
            this.dccLatency = dccLatency;
        }
    }

    static List<Setup> setups() {
        Set<Feature> pack = EnumSet.copyOf(Feature.PACK);
        Set<Feature> packQf = EnumSet.copyOf(Feature.PACK);
        packQf.add(Feature.QUEUEFILE);
        return List.of(
            new Setup("bare James", EnumSet.noneOf(Feature.class), false),
            new Setup("+ foundation, DSN info", EnumSet.of(Feature.FOUNDATION, Feature.DSN), false),
            new Setup("+ ARC", EnumSet.of(Feature.ARC), false),
            new Setup("+ SRS", EnumSet.of(Feature.SRS), false),
            new Setup("+ DCC (simulator)", EnumSet.of(Feature.DCC), false),
            new Setup("+ BMI (real Rspamd)", EnumSet.of(Feature.BMI), false),
            new Setup("+ queuefile", EnumSet.of(Feature.QUEUEFILE), false),
            new Setup("pack, services disabled (no DCC, BMI)", EnumSet.of(Feature.FOUNDATION, Feature.DSN, Feature.ARC, Feature.SRS), false),
            new Setup("pack, services stubbed", pack, true),
            new Setup("pack (real Rspamd)", pack, false),
            new Setup("pack + queuefile (real Rspamd)", packQf, false),
            // a real dccifd answers in about 0.4 s with a live DCC server (docs/dcc.md): the same setups with the model at that pace
            new Setup("+ DCC (model at a real dccifd's 0.4 s)", EnumSet.of(Feature.DCC), false, DccifdSimulator.REAL_LATENCY),
            new Setup("pack (real Rspamd, DCC at 0.4 s)", pack, false, DccifdSimulator.REAL_LATENCY));
    }

    public static void main(String[] args) throws Exception {
        List<Integer> connections = List.of(1, 10, 50);
        List<Integer> messages = List.of(500, 1500, 3000);
        int warmup = 1500;
        int rounds = 3;
        Path outFile = null;
        String only = null;
        String provider = "jdk";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--connections":
                    connections = ints(args[++i]);
                    break;
                case "--messages":
                    messages = ints(args[++i]);
                    break;
                case "--warmup":
                    warmup = Integer.parseInt(args[++i]);
                    break;
                case "--rounds":
                    rounds = Integer.parseInt(args[++i]);
                    break;
                case "--provider":
                    provider = args[++i];
                    break;
                case "--setups":
                    only = args[++i];
                    break;
                case "--out":
                    outFile = Paths.get(args[++i]);
                    break;
                default:
                    throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (messages.size() != connections.size()) {
            throw new IllegalArgumentException("--messages needs one count per connection count");
        }
        if (provider.equals("accp")) {
            // a native (AWS-LC) JCA provider ahead of the JDK's, for the whole JVM (bare James too), as an operator
            // would install it in James's; ArcSeal then signs through it
            Class.forName("com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider").getMethod("install").invoke(null);
            if (!"AmazonCorrettoCryptoProvider".equals(java.security.Security.getProviders()[0].getName())) {
                throw new IllegalStateException("ACCP did not install: " + java.security.Security.getProviders()[0]);
            }
        } else if (!provider.equals("jdk")) {
            throw new IllegalArgumentException("--provider jdk or accp, not " + provider);
        }
        StringBuilder out = new StringBuilder();
        double loadBefore = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        long start = System.nanoTime();
        List<Setup> setups = setups();
        if (only != null) {
            // a subset for investigations, by 0-based index in setups(); index 0 (bare James) is always kept
            List<Integer> keep = ints(only);
            List<Setup> all = setups;
            setups = new ArrayList<>();
            setups.add(all.get(0));
            for (int k : keep) {
                if (k != 0) {
                    setups.add(all.get(k));
                }
            }
        }
        Map<String, Measured> best = new HashMap<>();
        Map<String, String> checks = new HashMap<>();
        try (PackSetup services = new PackSetup(true, true, false)) {
            services.dns.ttl(3600); // keys as published in practice: the resolver's cache answers after the first lookup
            // JVM warm-up (JIT of James and of the pack), not reported
            Setup first = setups.get(setups.size() - 1);
            try (JamesHarness james = services.boot(first.features, first.instantBmi)) {
                System.err.println("== JVM warm-up");
                cell(services, james, "warm-up", 2 * warmup, 10);
            }
            for (int round = 0; round < rounds; round++) {
                for (Setup s : setups) {
                    System.err.println("== " + s.name + " (round " + (round + 1) + ")");
                    services.dccLatency(s.dccLatency);
                    try (JamesHarness james = services.boot(s.features, s.instantBmi)) {
                        cell(services, james, s.name, warmup, 10);
                        for (int k = 0; k < connections.size(); k++) {
                            int c = connections.get(k);
                            Measured m = cell(services, james, s.name, messages.get(k), c);
                            LoadRun.Result r = m.result;
                            String key = s.name + "/" + c;
                            if (!best.containsKey(key) || best.get(key).result.endToEndPerSecond < r.endToEndPerSecond) {
                                best.put(key, m);
                            }
                            checks.put(key, String.format(Locale.ROOT, "%d, %d", services.sink.srsSenders.get(),
                                services.sink.arcSealed.get()));
                            System.err.println(r.row() + String.format(Locale.ROOT, " %.2f ms CPU/mail |", m.cpuMsPerMail));
                        }
                    }
                }
            }
        }
        double minutes = (System.nanoTime() - start) / 60e9;
        double loadAfter = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        out.append(String.format(Locale.ROOT, "Run %s, %d cores, %s %s, first JCA provider %s, load average %.1f before / %.1f after, %.1f minutes, %d round(s)%s.%n%n",
            LocalDate.now(), Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name"),
            System.getProperty("java.version"), java.security.Security.getProviders()[0].getName(), loadBefore, loadAfter, minutes, rounds, rounds > 1 ? " (best end-to-end of the rounds)" : ""));
        out.append("| setup | connections | messages | SMTP msg/s | end-to-end msg/s | % of bare (end-to-end) | CPU ms/mail | p50 ms | p99 ms | relayed copies: SRS0 sender, ARC-sealed |\n");
        out.append("|---|---|---|---|---|---|---|---|---|---|\n");
        for (Setup s : setups) {
            for (int c : connections) {
                Measured m = best.get(s.name + "/" + c);
                LoadRun.Result r = m.result;
                LoadRun.Result bare = best.get(setups.get(0).name + "/" + c).result;
                out.append(String.format(Locale.ROOT, "| %s | %d | %d | %.0f | %.0f | %.0f %% | %.2f | %.1f | %.1f | %s |%n", s.name, c, r.accepted,
                    r.smtpPerSecond, r.endToEndPerSecond, 100 * r.endToEndPerSecond / bare.endToEndPerSecond, m.cpuMsPerMail, r.p50Ms, r.p99Ms,
                    checks.get(s.name + "/" + c)));
            }
        }
        System.out.println(out);
        if (outFile != null) {
            Files.writeString(outFile, out.toString());
        }
        System.exit(0);
    }

    /** Local mailboxes per cell: each mail goes to one of them (a server's mail is for many users). */
    static final int MAILBOXES = 100;

    /**
     * One measured cell: {@code messages} mails over {@code c} connections, until both copies of each are delivered.
     * Each cell delivers to {@link #MAILBOXES} fresh users, so no mailbox holds more than a few mails: James's memory
     * mailbox searches the whole mailbox on every append (thread-id guessing), which would otherwise make the cost of
     * a mail grow with the number delivered before it and measure the memory backend instead of the mail path.
     */
    static Measured cell(PackSetup services, JamesHarness james, String setup, int messages, int c) throws Exception {
        int cellNo = CELLS.incrementAndGet();
        for (int u = 0; u < MAILBOXES; u++) {
            james.addUser(localUser(cellNo, u), "load");
        }
        services.sink.clear();
        services.dcc.clear();
        DeliveryCounter counter = james.server().getProbe(DeliveryCounter.Probe.class).counter();
        long before = counter.added();
        LoadRun.Plan plan = new LoadRun.Plan().messages(messages).connections(c).sender(PackSetup.SENDER)
            .recipients(n -> List.of(localUser(cellNo, n % MAILBOXES), PackSetup.REMOTE)).message(services::message);
        long cpu0 = processCpuNanos();
        LoadRun.Result r = LoadRun.measure(setup, james.smtpPort(), plan,
            () -> (int) (counter.added() - before) + services.sink.received.size(), 2, Duration.ofMinutes(5));
        Measured m = new Measured(r, (processCpuNanos() - cpu0) / 1e6 / Math.max(1, r.accepted));
        // the cell's mail out of the heap (expunged over IMAP, after the measurement): the memory backend keeps every
        // message in the heap, and James 3.8.1 instances stay reachable after stop in this JVM with their mailboxes
        for (int u = 0; u < MAILBOXES; u++) {
            try (ImapReader imap = ImapReader.login("127.0.0.1", james.imapPort(), localUser(cellNo, u), "load")) {
                imap.deleteAll("INBOX");
                imap.deleteAll("Junk");
            }
        }
        return m;
    }

    /** A cell's result and the CPU the whole JVM (James, load generator, sink, stand-ins) spent per mail accepted. */
    static final class Measured {
        final LoadRun.Result result;
        final double cpuMsPerMail;

        Measured(LoadRun.Result result, double cpuMsPerMail) {
            this.result = result;
            this.cpuMsPerMail = cpuMsPerMail;
        }
    }

    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static final java.util.concurrent.atomic.AtomicInteger CELLS = new java.util.concurrent.atomic.AtomicInteger();

    static String localUser(int cell, int u) {
        return String.format(Locale.ROOT, "c%d-u%03d@example.test", cell, u);
    }

    static List<Integer> ints(String s) {
        return Arrays.stream(s.split(",")).map(String::trim).map(Integer::valueOf).collect(Collectors.toList());
    }
}
