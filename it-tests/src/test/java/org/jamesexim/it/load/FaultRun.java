package org.jamesexim.it.load;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.mail.internet.MimeMessage;

import org.apache.james.mailrepository.api.MailRepositoryUrl;
import org.apache.james.utils.MailRepositoryProbeImpl;
import org.jamesexim.dovecot.testing.RealDovecot;
import org.jamesexim.it.ImapReader;
import org.jamesexim.it.JamesHarness;
import org.jamesexim.it.load.PackSetup.Feature;

/**
 * Load with faults: {@code messages} mails over {@code connections} SMTP connections (each authenticating through
 * DovecotAuthHook against a real Dovecot, reconnecting every 25 mails or fewer) into James with the pack's full configuration
 * (ARC, SRS, DCC, BMI with a real Rspamd, queuefile, DSN info), while the harness restarts Dovecot, stops Rspamd and
 * the dccifd simulator for a while, and makes DNS time out for ARC keys. Then it counts, by Message-ID, the copies in
 * the mailboxes (IMAP), in every mail repository and at the remote sink (mails and bounces): every accepted message must
 * be delivered or bounced exactly once per recipient; every SMTP reply must be a documented one; no pack thread may be
 * left busy (thread dump); the heap after GC may grow no more than stock James's does with the same mails (a control
 * run first, without faults). The last line printed is the counts.
 *
 * <pre>FaultRun [--messages 10000] [--connections 50] [--fault-seconds 5] [--rate MSG_PER_S (default: as fast as it goes)]</pre>
 */
public final class FaultRun {
    private FaultRun() {
    }

    /** SMTP replies the documentation of James and of the pack's hooks promise, per command. */
    static final Map<String, Set<Integer>> DOCUMENTED = Map.of(
        "CONNECT", Set.of(220),
        "EHLO", Set.of(250),
        // docs/dovecot-auth.md: 235 ok, 535 refused, 454 Dovecot unusable (temporary)
        "AUTH", Set.of(235, 454, 535),
        "MAIL", Set.of(250),
        "RCPT", Set.of(250),
        // 250 accepted; docs/dcc.md: 550 R, 451 G or dccifd unusable without defer_ok; docs/arc.md: 550/451 with acceptable
        "DATA", Set.of(250, 451, 550),
        "RSET", Set.of(250),
        "QUIT", Set.of(221));

    private static final Pattern ID = Pattern.compile("(?i)Message-ID:\\s*<([^>]+)>");
    private static final String FIELDS = "MESSAGE-ID X-DCC-SIM-Metrics X-Brightmail-Verdict Authentication-Results";

    /**
     * The local recipients: {@link #USERS} mailboxes, message n to load(n % USERS + 1)@example.test, so that no memory
     * mailbox grows past a few hundred mails (James's memory mailbox gets slower with every mail it holds). Nothing is
     * SELECTed while mail is delivered: James 3.8.1's InVMEventBus can throw ConcurrentModificationException when an
     * IMAP client registers for a mailbox while a delivery dispatches its event, and MailDispatcher then stores the
     * mail again (a duplicate that is James's, not the pack's); counting uses STATUS until everything is in.
     */
    static final class Mailboxes implements AutoCloseable {
        static final int USERS = 50;
        static final String PASSWORD = "load";
        private final List<ImapReader> sessions = new ArrayList<>();

        Mailboxes(JamesHarness james) throws Exception {
            for (int i = 1; i <= USERS; i++) {
                james.addUser(user(i), PASSWORD);
                sessions.add(ImapReader.login("127.0.0.1", james.imapPort(), user(i), PASSWORD));
            }
        }

        static String user(int i) {
            return String.format(Locale.ROOT, "load%02d@example.test", i);
        }

        static String recipientFor(int n) {
            return user(n % USERS + 1);
        }

        int count() throws IOException {
            int n = 0;
            for (ImapReader s : sessions) {
                n += Math.max(0, s.count("INBOX")) + Math.max(0, s.count("Junk"));
            }
            return n;
        }

        /** Adds every local copy's Message-ID to {@code local}; records the fault evidence of its headers. */
        void collect(Map<String, Integer> local, Report report) throws IOException {
            for (List<String> blocks : headers(FIELDS).values()) {
                for (String h : blocks) {
                    Matcher m = ID.matcher(h);
                    local.merge(m.find() ? m.group(1) : "(no Message-ID)", 1, Integer::sum);
                    if (!h.contains("X-DCC-SIM-Metrics")) {
                        report.withoutDcc++;
                    }
                    if (!h.contains("X-Brightmail-Verdict")) {
                        report.withoutBmi++;
                    }
                    if (!h.contains("arc=pass")) {
                        report.arcTemperror++;
                    }
                }
            }
        }

        /** Every mailbox's header blocks of {@code fields} (INBOX and Junk), by user. */
        Map<String, List<String>> headers(String fields) throws IOException {
            Map<String, List<String>> out = new java.util.LinkedHashMap<>();
            for (int i = 0; i < sessions.size(); i++) {
                List<String> blocks = new ArrayList<>();
                for (String folder : List.of("INBOX", "Junk")) {
                    blocks.addAll(sessions.get(i).headerFields(folder, fields));
                }
                out.put(user(i + 1), blocks);
            }
            return out;
        }

        void empty() throws IOException {
            for (ImapReader s : sessions) {
                s.deleteAll("INBOX");
                s.deleteAll("Junk");
            }
        }

        @Override
        public void close() throws IOException {
            for (ImapReader s : sessions) {
                s.close();
            }
        }
    }

    /** What the run found. */
    static final class Report {
        int messages;
        int accepted;
        int refused;
        int inDoubt;
        int localOnce;
        int remoteOnce;
        int bounced;
        int inRepositories;
        int lost;
        int duplicated;
        int unexpected;
        long undocumentedReplies;
        long ioErrors;
        int stuckThreads;
        long heapStartMb;
        long heapEndMb;
        /** How much stock James's heap grew with the same mails (the control run); -1 without one. */
        long heapStockGrowthMb = -1;
        Map<String, Long> replies = new HashMap<>();
        List<String> problems = new ArrayList<>();
        List<String> faults = java.util.Collections.synchronizedList(new ArrayList<>());
        /** Evidence that each fault bit: AUTH 454 replies, DNS queries dropped, local copies without X-DCC, BMI verdict, ARC pass. */
        long auth454;
        int dnsDropped;
        int withoutDcc;
        int withoutBmi;
        int arcTemperror;

        /** The pack's growth may exceed stock James's by 16 MB or a quarter, whichever is more. */
        boolean heapFlat() {
            long stock = Math.max(0, heapStockGrowthMb);
            return heapEndMb - heapStartMb <= stock + Math.max(16, stock / 4);
        }

        boolean ok() {
            return accepted + refused + inDoubt == messages && accepted > 0 && inDoubt == 0 && lost == 0 && duplicated == 0
                && unexpected == 0 && undocumentedReplies == 0 && ioErrors == 0 && stuckThreads == 0 && heapFlat();
        }

        String line() {
            return String.format(Locale.ROOT, "FAULT RUN messages=%d accepted=%d refused=%d in_doubt=%d local_once=%d remote_once=%d"
                    + " bounced=%d in_repositories=%d lost=%d duplicated=%d unexpected=%d undocumented_replies=%d io_errors=%d"
                    + " stuck_threads=%d heap_after_gc_mb=%d->%d stock_james_heap_growth_mb=%d %s",
                messages, accepted, refused, inDoubt, localOnce, remoteOnce, bounced, inRepositories, lost, duplicated, unexpected,
                undocumentedReplies, ioErrors, stuckThreads, heapStartMb, heapEndMb, heapStockGrowthMb, ok() ? "PASS" : "FAIL");
        }

        String evidence() {
            return String.format(Locale.ROOT, "fault evidence: AUTH 454 x%d; DNS queries dropped %d; local copies without X-DCC %d,"
                + " without a BMI verdict %d, without arc=pass (DNS timeout) %d", auth454, dnsDropped, withoutDcc, withoutBmi, arcTemperror);
        }
    }

    public static void main(String[] args) throws Exception {
        int messages = 10_000;
        int connections = 50;
        double faultSeconds = 5;
        double rate = 0;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--messages":
                    messages = Integer.parseInt(args[++i]);
                    break;
                case "--connections":
                    connections = Integer.parseInt(args[++i]);
                    break;
                case "--rate":
                    rate = Double.parseDouble(args[++i]);
                    break;
                case "--fault-seconds":
                    faultSeconds = Double.parseDouble(args[++i]);
                    break;
                default:
                    throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        Report r = run(messages, connections, faultSeconds, rate, System.out);
        System.out.println(r.line());
        System.exit(r.ok() ? 0 : 1);
    }

    static Report run(int messages, int connections, double faultSeconds, double rate, PrintStream log) throws Exception {
        Report report = new Report();
        report.messages = messages;
        Set<Feature> features = EnumSet.copyOf(Feature.PACK);
        features.add(Feature.QUEUEFILE);
        features.add(Feature.DOVECOT);
        long t0 = System.nanoTime();
        try (PackSetup services = new PackSetup(true, false, true)) {
            // dccifd at a real one's pace (docs/dcc.md)
            services.dccLatency(org.jamesexim.dcc.sim.DccifdSimulator.REAL_LATENCY);
            // control: stock James, the same mails, no faults: how much its heap grows on its own (its memory blob store
            // keeps message bodies after they are deleted)
            try (JamesHarness stock = services.boot(EnumSet.noneOf(Feature.class), false);
                 Mailboxes boxes = new Mailboxes(stock)) {
                warmUp(stock, boxes, services, false);
                long start = heapAfterGcMb();
                LoadRun.Outcome o = LoadRun.drive("127.0.0.1", stock.smtpPort(), plan(services, messages, connections, "stock", false).rate(rate));
                awaitDelivery(stock, boxes, services, o.accepted.size(), Duration.ofSeconds(Math.max(120, messages / 10)));
                Report control = new Report();
                count(stock, boxes, services, o, control);
                clean(boxes, services);
                report.heapStockGrowthMb = heapAfterGcMb() - start;
                log.printf(Locale.ROOT, "stock James, same %d mails without faults: %d accepted, %d lost, %d duplicated; heap after GC grew %d MB%n",
                    messages, o.accepted.size(), control.lost, control.duplicated, report.heapStockGrowthMb);
            }
            try (JamesHarness james = services.boot(features, false);
                 Mailboxes boxes = new Mailboxes(james)) {
                warmUp(james, boxes, services, true);
                report.heapStartMb = heapAfterGcMb();
                log.printf(Locale.ROOT, "pack: warm-up done; heap after GC %d MB%n", report.heapStartMb);

                LoadRun.Plan plan = plan(services, messages, connections, "fault", true).rate(rate);
                List<Thread> faults = faults(services, plan, messages, faultSeconds, report.faults, log);
                long s = System.nanoTime();
                LoadRun.Outcome o = LoadRun.drive("127.0.0.1", james.smtpPort(), plan);
                log.printf(Locale.ROOT, "SMTP done in %.1f s: %d accepted, %d refused, %d in doubt, %d connection errors %s%n",
                    (System.nanoTime() - s) / 1e9, o.accepted.size(), o.refused.size(), o.inDoubt.size(), o.ioErrors.sum(), o.errors);
                for (Thread f : faults) {
                    f.join(Duration.ofMinutes(2).toMillis());
                }
                report.accepted = o.accepted.size();
                report.refused = o.refused.size();
                report.inDoubt = o.inDoubt.size();
                report.ioErrors = o.ioErrors.sum();
                report.replies = o.replyCounts();
                for (Map.Entry<String, Long> e : report.replies.entrySet()) {
                    String[] cmdCode = e.getKey().split(" ");
                    if (!DOCUMENTED.getOrDefault(cmdCode[0], Set.of()).contains(Integer.parseInt(cmdCode[1]))) {
                        report.undocumentedReplies += e.getValue();
                        report.problems.add("undocumented reply " + e.getKey() + " x" + e.getValue());
                    }
                }
                log.println("replies: " + report.replies);

                awaitDelivery(james, boxes, services, report.accepted, Duration.ofSeconds(Math.max(120, messages / 10)));
                count(james, boxes, services, o, report);
                log.printf(Locale.ROOT, "delivered and counted %.1f s after the start%n", (System.nanoTime() - s) / 1e9);

                Thread.sleep(3000);
                report.stuckThreads = stuckThreads(report.problems, log);
                clean(boxes, services);
                report.heapEndMb = heapAfterGcMb();
                log.printf(Locale.ROOT, "heap after GC: %d MB at the start, %d MB at the end (mailboxes emptied); stock James grew %d MB%n",
                    report.heapStartMb, report.heapEndMb, report.heapStockGrowthMb);
                log.println("faults: " + report.faults);
                report.auth454 = report.replies.getOrDefault("AUTH 454", 0L);
                report.dnsDropped = services.dns.dropped();
                log.println(report.evidence());
                report.problems.forEach(p -> log.println("PROBLEM " + p));
            }
        }
        log.printf(Locale.ROOT, "total %.1f s%n", (System.nanoTime() - t0) / 1e9);
        return report;
    }

    /** 200 mails without faults (JIT, connection pools), delivered and counted away: a clean slate for counting and the heap. */
    private static void warmUp(JamesHarness james, Mailboxes boxes, PackSetup services, boolean auth) throws Exception {
        LoadRun.Outcome warm = LoadRun.drive("127.0.0.1", james.smtpPort(), plan(services, 200, 10, "warmup", auth));
        awaitDelivery(james, boxes, services, warm.accepted.size(), Duration.ofMinutes(2));
        clean(boxes, services);
    }

    static LoadRun.Plan plan(PackSetup services, int messages, int connections, String prefix, boolean auth) {
        return new LoadRun.Plan().messages(messages).connections(connections).sender(PackSetup.SENDER)
            .recipients(n -> List.of(Mailboxes.recipientFor(n), PackSetup.REMOTE)).message(services::message)
            .auth(!auth ? null : i -> new String[] {String.format(Locale.ROOT, "user%02d", i % RealDovecot.NUMBERED_USERS + 1), RealDovecot.PASSWORD})
            .messagesPerConnection(Math.max(2, Math.min(25, messages / connections / 3))).retries(20, Duration.ofMillis(500)).idPrefix(prefix);
    }

    /**
     * The faults, each in its own thread, started when the run has settled the given share of its messages and lasting
     * {@code seconds} (they may overlap on a fast run).
     */
    private static List<Thread> faults(PackSetup services, LoadRun.Plan plan, int messages, double seconds, List<String> done,
                                       PrintStream log) {
        long ms = (long) (seconds * 1000);
        List<Thread> threads = new ArrayList<>();
        threads.add(fault(plan, messages, 0.10, done, log, () -> {
            services.dovecot.kill();
            note(done, log, "Dovecot killed");
            hold(ms, plan, messages, () -> plan.outcome().replies("AUTH 454") > 0);
            services.dovecot.restart();
            note(done, log, "Dovecot restarted");
        }));
        threads.add(fault(plan, messages, 0.25, done, log, () -> {
            services.stopRspamd();
            note(done, log, "Rspamd stopped");
            int before = services.sink.withoutBmi.get();
            hold(ms, plan, messages, () -> services.sink.withoutBmi.get() > before);
            services.startRspamd();
            note(done, log, "Rspamd started");
        }));
        threads.add(fault(plan, messages, 0.45, done, log, () -> {
            services.stopDcc();
            note(done, log, "dccifd stopped");
            int before = services.sink.withoutDcc.get();
            hold(ms, plan, messages, () -> services.sink.withoutDcc.get() > before);
            services.startDcc();
            note(done, log, "dccifd started");
        }));
        threads.add(fault(plan, messages, 0.65, done, log, () -> {
            services.dns.silent(true);
            note(done, log, "DNS silent");
            hold(ms, plan, messages, () -> services.dns.dropped() > 0);
            services.dns.silent(false);
            note(done, log, "DNS answering (" + services.dns.dropped() + " queries dropped, "
                + services.dns.answered() + " answered)");
        }));
        return threads;
    }

    /** Keeps a fault on for {@code ms}, and longer (at most a minute) until the load has met it. */
    private static void hold(long ms, LoadRun.Plan plan, int messages, java.util.function.BooleanSupplier bitten) throws InterruptedException {
        Thread.sleep(ms);
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (!bitten.getAsBoolean() && plan.progress() < messages && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
    }

    private interface Fault {
        void run() throws Exception;
    }

    private static Thread fault(LoadRun.Plan plan, int messages, double share, List<String> done, PrintStream log, Fault f) {
        Thread t = new Thread(() -> {
            try {
                at(plan, messages, share);
                f.run();
            } catch (Exception e) {
                note(done, log, "fault injection failed: " + e);
            }
        }, "fault-injector");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void at(LoadRun.Plan plan, int messages, double share) throws InterruptedException {
        while (plan.progress() < share * messages) {
            Thread.sleep(20);
        }
    }

    private static void note(List<String> done, PrintStream log, String what) {
        String line = String.format(Locale.ROOT, "%tT %s", System.currentTimeMillis(), what);
        done.add(line);
        log.println("fault: " + line);
    }

    /** Waits until the mailbox, the repositories and the sink together hold two copies of every accepted mail, and stay so. */
    private static void awaitDelivery(JamesHarness james, Mailboxes boxes, PackSetup services, int accepted, Duration timeout) throws Exception {
        settle(james, boxes, services, 2L * accepted, 4, timeout);
    }

    /**
     * Waits until mailboxes, repositories and the sink hold at least {@code atLeast} copies and the count stays the same
     * for {@code stableChecks} checks half a second apart (or {@code timeout} passes).
     */
    static void settle(JamesHarness james, Mailboxes boxes, PackSetup services, long atLeast, int stableChecks, Duration timeout)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        long last = -1;
        int stable = 0;
        while (System.nanoTime() < deadline) {
            long n = boxes.count() + repositoryCount(james) + services.sink.total.get();
            if (n >= atLeast && n == last) {
                if (++stable >= stableChecks) {
                    return;
                }
            } else {
                stable = 0;
            }
            last = n;
            Thread.sleep(500);
        }
    }

    static long repositoryCount(JamesHarness james) throws Exception {
        MailRepositoryProbeImpl probe = james.server().getProbe(MailRepositoryProbeImpl.class);
        long n = 0;
        for (MailRepositoryUrl url : probe.listRepositoryUrls()) {
            n += probe.getRepositoryMailCount(url);
        }
        return n;
    }

    /** Counts every accepted Message-ID's copies: local (mailbox folders, repositories) and remote (sink, bounces). */
    private static void count(JamesHarness james, Mailboxes boxes, PackSetup services, LoadRun.Outcome o, Report report) throws Exception {
        Map<String, Integer> local = new HashMap<>();
        Map<String, Integer> remote = new HashMap<>();
        boxes.collect(local, report);
        RepositoryMails.forEach(james, (url, mail) -> {
            MimeMessage msg = mail.getMessage();
            String id = msg.getMessageID() == null ? "" : msg.getMessageID().replaceAll("^<|>$", "");
            report.problems.add("note: in repository " + url.asString() + ": " + id + " to " + mail.getRecipients());
            for (org.apache.james.core.MailAddress rcpt : mail.getRecipients()) {
                (rcpt.getDomain().asString().equals("example.test") ? local : remote).merge(id, 1, Integer::sum);
                report.inRepositories++;
            }
        });
        services.sink.received.forEach((id, n) -> remote.merge(id, n, Integer::sum));
        services.sink.bounced.forEach((id, n) -> remote.merge(id, n, Integer::sum));
        for (String id : o.accepted) {
            int l = local.getOrDefault(id, 0);
            int r = remote.getOrDefault(id, 0);
            if (l == 1) {
                report.localOnce++;
            }
            if (r == 1) {
                report.remoteOnce++;
            }
            if (services.sink.bounced.containsKey(id)) {
                report.bounced++;
            }
            if (l == 0 || r == 0) {
                report.lost++;
                report.problems.add("lost " + id + " local=" + l + " remote=" + r);
            } else if (l > 1 || r > 1) {
                report.duplicated++;
                report.problems.add("duplicated " + id + " local=" + l + " remote=" + r);
            }
        }
        Set<String> known = new java.util.HashSet<>(o.accepted);
        known.addAll(o.inDoubt);
        for (String id : local.keySet()) {
            if (!known.contains(id)) {
                report.unexpected++;
                report.problems.add("delivered but never accepted: " + id);
            }
        }
        for (String id : remote.keySet()) {
            if (!known.contains(id) && !local.containsKey(id)) {
                report.unexpected++;
                report.problems.add("relayed but never accepted: " + id);
            }
        }
        if (report.problems.size() > 50) {
            List<String> head = new ArrayList<>(report.problems.subList(0, 50));
            head.add("... " + (report.problems.size() - 50) + " more");
            report.problems = head;
        }
    }

    /**
     * Threads left in the pack's code once the load is over: any thread with an {@code org.jamesexim} frame (outside the
     * test harness and fixtures) is busy or blocked there, except the Dovecot connection's reader, which waits for replies
     * by design.
     */
    static int stuckThreads(List<String> problems, PrintStream log) {
        int stuck = 0;
        int idleReaders = 0;
        for (ThreadInfo t : ManagementFactory.getThreadMXBean().dumpAllThreads(false, false)) {
            StackTraceElement[] stack = t.getStackTrace();
            boolean pack = false;
            String outermost = null;
            for (StackTraceElement e : stack) {
                String c = e.getClassName();
                if (c.startsWith("org.jamesexim.") && !c.startsWith("org.jamesexim.it.") && !c.startsWith("org.jamesexim.dcc.sim.")
                    && !c.contains(".testing.")) {
                    pack = true;
                    outermost = c;
                }
            }
            // the thread a Dovecot connection runs to read its replies (started in DovecotConnection itself)
            boolean dovecotReader = pack && outermost.startsWith("org.jamesexim.dovecot.DovecotConnection");
            if (dovecotReader) {
                idleReaders++;
            } else if (pack) {
                stuck++;
                StringBuilder sb = new StringBuilder("thread '" + t.getThreadName() + "' " + t.getThreadState() + " in pack code:");
                for (int i = 0; i < Math.min(12, stack.length); i++) {
                    sb.append("\n    at ").append(stack[i]);
                }
                problems.add(sb.toString());
            }
        }
        log.printf(Locale.ROOT, "thread dump: %d thread(s) in pack code, %d idle Dovecot reader(s)%n", stuck, idleReaders);
        return stuck;
    }

    private static void clean(Mailboxes boxes, PackSetup services) throws IOException {
        boxes.empty();
        services.sink.clear();
        services.dcc.clear();
    }

    static long heapAfterGcMb() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(300);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / (1024 * 1024);
    }
}
