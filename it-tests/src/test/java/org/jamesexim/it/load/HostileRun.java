package org.jamesexim.it.load;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.james.core.MailAddress;
import org.jamesexim.dovecot.testing.RealDovecot;
import org.jamesexim.it.JamesHarness;
import org.jamesexim.it.UdpDns;
import org.jamesexim.it.SmtpClient;
import org.jamesexim.it.load.FaultRun.Mailboxes;
import org.jamesexim.it.load.HostileCorpus.Expect;
import org.jamesexim.it.load.HostileCorpus.Input;
import org.jamesexim.it.load.PackSetup.Feature;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import ch.qos.logback.core.AppenderBase;

/**
 * The hostile run: James 3.8.1 with the pack's full configuration (ARC, SRS, DCC, BMI on a real Rspamd, queuefile
 * with an untrusted scanner directory, Dovecot AUTH on a real Dovecot, DSN info) takes good mail from authenticated
 * users while {@link HostileCorpus} throws everything an outsider can at it: ARC headers of every bad shape and key
 * records that are garbage or never answer, header and MIME bombs, bare line ends and NUL bytes, odd and quoted
 * addresses, forged and case-changed SRS bounces, relay attempts, AUTH that must fail, a hostile remote MX, Rspamd and
 * dccifd answers that are invalid, endless or stall, and files dropped into the scanner directory.
 *
 * <p>Three phases: good mail alone, hostile input alone (the CPU each costs, per message), then both at once. Then it
 * counts every copy, by mailbox, repository and remote envelope, against what each input must give (see
 * {@link Expect}); it reads every log line the pack wrote (at DEBUG) and James's warnings and errors for the run's
 * secrets (the SRS secret, the Dovecot password and its AUTH tokens, the ARC private key) and for crashes; and it
 * looks for pack threads still busy. The last line printed is the counts; it ends in PASS only if all the failure
 * counts are 0.
 *
 * <pre>HostileRun [--good 2000] [--rounds 20] [--connections 20]</pre>
 */
public final class HostileRun {
    private HostileRun() {
    }

    /**
     * Where the hostile SMTP clients connect from: not the good clients' address, so that Dovecot's penalty for failed
     * logins (auth_penalty, per client IP) falls on them and not on the good users, as on the internet.
     */
    private static final java.net.InetAddress HOSTILE_CLIENT = loopback(66);
    /** Where the users who send hostile content with their right password connect from (not penalised by the others). */
    private static final java.net.InetAddress USER_CLIENT = loopback(67);
    private static final Pattern ID = Pattern.compile("(?i)Message-ID:\\s*<([^>]+)>");
    private static final String FIELDS = "MESSAGE-ID X-Injected Bcc X-Jexim-ARC Authentication-Results X-Brightmail-Verdict"
        + " X-Brightmail-Tracker X-DCC-Hostile-Metrics";
    /** Exceptions that mean the pack's code broke, wherever they are logged. */
    private static final Set<String> CRASH_TYPES = Set.of("java.lang.NullPointerException", "java.lang.IndexOutOfBoundsException",
        "java.lang.ArrayIndexOutOfBoundsException", "java.lang.StringIndexOutOfBoundsException", "java.lang.ClassCastException",
        "java.lang.StackOverflowError", "java.lang.OutOfMemoryError", "java.lang.ArithmeticException",
        "java.lang.NegativeArraySizeException", "java.util.ConcurrentModificationException", "java.util.NoSuchElementException");

    /** What the run found. */
    static final class Report {
        int inputs;
        int good;
        int goodAccepted;
        int hostileAccepted;
        int hostileRefused;
        int sessionsDropped;
        /** mails James's own mailets or matchers sent to the error repository (kept there, not lost; not the pack's) */
        int jamesErrors;
        int wrong5xx;
        int forgeriesBelieved;
        int unsafeOutput;
        int duplicated;
        int acceptedLost;
        int crashes;
        int hungThreads;
        int goodLost;
        int misdelivered;
        int secretsInLogs;
        double cpuMsNormal;
        double cpuMsHostile;
        final Map<String, Map<String, Integer>> outcomes = new TreeMap<>();
        final List<String> problems = new ArrayList<>();
        final Map<String, Integer> daemonAnswers = new TreeMap<>();
        int dnsDroppedByName;
        /** AUTH answered 454 to the good users (Dovecot's penalty for the attackers' IP must not reach them) */
        long goodAuth454;
        int remoteHostileReplies;

        boolean ok() {
            return good > 0 && goodAccepted == good && wrong5xx == 0 && forgeriesBelieved == 0 && unsafeOutput == 0 && duplicated == 0
                && acceptedLost == 0 && crashes == 0 && hungThreads == 0 && goodLost == 0 && misdelivered == 0 && secretsInLogs == 0;
        }

        String line() {
            return String.format(Locale.ROOT, "HOSTILE RUN inputs=%d good=%d good_accepted=%d hostile_accepted=%d hostile_refused=%d"
                    + " sessions_dropped=%d james_errors=%d good_auth_454=%d wrong_5xx=%d forgeries_believed=%d unsafe_output=%d duplicated=%d accepted_lost=%d"
                    + " crashes=%d hung_threads=%d good_lost=%d misdelivered=%d secrets_in_logs=%d %s",
                inputs, good, goodAccepted, hostileAccepted, hostileRefused, sessionsDropped, jamesErrors, goodAuth454, wrong5xx, forgeriesBelieved, unsafeOutput,
                duplicated, acceptedLost, crashes, hungThreads, goodLost, misdelivered, secretsInLogs, ok() ? "PASS" : "FAIL");
        }

        void problem(String p) {
            synchronized (problems) {
                if (problems.size() < 200) {
                    problems.add(p);
                }
            }
        }
    }

    public static void main(String[] args) throws Exception {
        int good = 2000;
        int rounds = 20;
        int connections = 20;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--good":
                    good = Integer.parseInt(args[++i]);
                    break;
                case "--rounds":
                    rounds = Integer.parseInt(args[++i]);
                    break;
                case "--connections":
                    connections = Integer.parseInt(args[++i]);
                    break;
                default:
                    throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        Report r = run(good, rounds, connections, System.out);
        System.out.println(r.line());
        System.exit(r.ok() ? 0 : 1);
    }

    static Report run(int good, int rounds, int connections, PrintStream log) throws Exception {
        Report report = new Report();
        report.good = good;
        long t0 = System.nanoTime();
        try (PackSetup services = new PackSetup(true, false, true);
             HostileDaemons daemons = new HostileDaemons(services.dir, () -> services.rspamd.endpoint(), () -> services.dccSocket)) {
            services.sink.recordEnvelopes();
            // dccifd at a real one's pace (docs/dcc.md)
            services.dccLatency(org.jamesexim.dcc.sim.DccifdSimulator.REAL_LATENCY);
            hostileZone(services.dns);
            services.hostile = new PackSetup.Hostile();
            services.hostile.bmiEndpoint = daemons.rspamdEndpoint();
            services.hostile.dccAddress = daemons.dccAddress();
            Set<Feature> features = EnumSet.copyOf(Feature.PACK);
            features.add(Feature.QUEUEFILE);
            features.add(Feature.DOVECOT);
            try (JamesHarness james = services.boot(features, false);
                 Mailboxes boxes = new Mailboxes(james);
                 LogScan logs = LogScan.attach()) {
                String srsBounce = PackSetup.srsEngine().forward("bob@origin.example", "example.test").address();
                String sealed = services.message(0, "x");
                sealed = sealed.substring(sealed.indexOf("\r\n") + 2);

                // warm-up (JIT, pools), counted away
                LoadRun.Outcome warm = LoadRun.drive("127.0.0.1", james.smtpPort(), FaultRun.plan(services, 100, 10, "warmup", true));
                settle(james, boxes, services, 2 * warm.accepted.size(), Duration.ofMinutes(2));
                boxes.empty();
                services.sink.clear();
                double idleMsPerS = idleCpuMsPerSecond();
                log.printf(Locale.ROOT, "warm-up done; idle CPU %.1f ms/s%n", idleMsPerS);

                List<LoadRun.Outcome> goodRuns = new ArrayList<>();
                List<Input> inputs = new ArrayList<>();
                int half = good / 2;
                int hostileRounds = Math.max(1, rounds / 2);

                // phase 1: good mail alone
                long cpu = cpuMs();
                long s = System.nanoTime();
                LoadRun.Outcome o1 = LoadRun.drive("127.0.0.1", james.smtpPort(), FaultRun.plan(services, half, connections, "good1", true));
                goodRuns.add(o1);
                settle(james, boxes, services, 2 * o1.accepted.size(), Duration.ofMinutes(5));
                report.cpuMsNormal = (cpuMs() - cpu - idleMsPerS * (System.nanoTime() - s) / 1e9) / Math.max(1, o1.accepted.size());
                log.printf(Locale.ROOT, "phase 1 (good mail alone): %d accepted in %.1f s, %.1f ms CPU per mail%n", o1.accepted.size(),
                    (System.nanoTime() - s) / 1e9, report.cpuMsNormal);

                // phase 2: hostile input alone
                cpu = cpuMs();
                s = System.nanoTime();
                List<Input> p2 = rounds(0, hostileRounds, sealed, srsBounce);
                tryAll(p2, james.smtpPort(), services, report, log);
                inputs.addAll(p2);
                settle(james, boxes, services, 2 * o1.accepted.size() + expectedCopies(p2), Duration.ofMinutes(5));
                report.cpuMsHostile = (cpuMs() - cpu - idleMsPerS * (System.nanoTime() - s) / 1e9) / Math.max(1, p2.size());
                log.printf(Locale.ROOT, "phase 2 (hostile input alone): %d inputs in %.1f s, %.1f ms CPU per input%n", p2.size(),
                    (System.nanoTime() - s) / 1e9, report.cpuMsHostile);

                // phase 3: both at once
                s = System.nanoTime();
                List<Input> p3 = rounds(hostileRounds, Math.max(rounds, hostileRounds + 1), sealed, srsBounce);
                ExecutorService bg = Executors.newSingleThreadExecutor();
                Future<?> hostile = bg.submit(() -> {
                    tryAll(p3, james.smtpPort(), services, report, log);
                    return null;
                });
                LoadRun.Outcome o3 = LoadRun.drive("127.0.0.1", james.smtpPort(),
                    FaultRun.plan(services, good - half, connections, "good3", true));
                goodRuns.add(o3);
                hostile.get();
                bg.shutdown();
                inputs.addAll(p3);
                settle(james, boxes, services, 2 * (o1.accepted.size() + o3.accepted.size()) + expectedCopies(p2) + expectedCopies(p3),
                    Duration.ofMinutes(5));
                log.printf(Locale.ROOT, "phase 3 (both): %d good accepted, %d inputs, %.1f s%n", o3.accepted.size(), p3.size(),
                    (System.nanoTime() - s) / 1e9);

                report.inputs = inputs.size();
                report.goodAuth454 = o1.replies("AUTH 454") + o3.replies("AUTH 454");
                count(james, boxes, services, goodRuns, inputs, report);
                // the hostile daemons' stalls end after 12 s; the pack's own threads must be idle well before
                Thread.sleep(5000);
                report.hungThreads = FaultRun.stuckThreads(report.problems, log);
                logs.check(report, secrets(services));
                daemons.given.forEach((k, v) -> report.daemonAnswers.put(k, v.get()));
                report.dnsDroppedByName = services.dns.droppedByName();
                report.remoteHostileReplies = services.sink.hostileReplies.get();
                log.println("hostile answers given: " + report.daemonAnswers + "; DNS queries left unanswered: " + report.dnsDroppedByName
                    + "; hostile remote replies: " + report.remoteHostileReplies + "; AUTH 454 to good users: " + report.goodAuth454 + "; requests passed on: " + daemons.passedOn.get());
                log.println("outcomes by kind (final reply or result -> inputs):");
                report.outcomes.forEach((k, v) -> log.println("  " + k + " " + v));
                log.printf(Locale.ROOT, "CPU per message: good %.1f ms, hostile %.1f ms (%.1fx)%n", report.cpuMsNormal, report.cpuMsHostile,
                    report.cpuMsHostile / Math.max(0.001, report.cpuMsNormal));
                report.problems.forEach(p -> log.println("PROBLEM " + p));
            }
        }
        log.printf(Locale.ROOT, "total %.1f s%n", (System.nanoTime() - t0) / 1e9);
        return report;
    }

    /** Rounds {@code from} (inclusive) to {@code to} of the corpus, round r aimed at mailbox r % USERS + 1. */
    private static List<Input> rounds(int from, int to, String sealed, String srsBounce) {
        List<Input> out = new ArrayList<>();
        for (int r = from; r < to; r++) {
            out.addAll(HostileCorpus.round(r, Mailboxes.user(r % Mailboxes.USERS + 1), sealed, srsBounce));
        }
        return out;
    }

    /** The ARC key records of {@link HostileCorpus#ZONE}: garbage, oversized, many strings, a non-RSA key; one zone never answers. */
    static void hostileZone(UdpDns dns) {
        String z = HostileCorpus.ZONE;
        dns.txt("garbage._domainkey." + z, "v=DKIM1; k=rsa; p=!!!not base64\u0000\u00ff;;;=;=");
        StringBuilder b64 = new StringBuilder();
        java.util.Random random = new java.util.Random(7);
        byte[] junk = new byte[2400];
        random.nextBytes(junk);
        b64.append(Base64.getEncoder().encodeToString(junk));
        dns.txt("huge._domainkey." + z, "v=DKIM1; k=rsa; p=" + b64);
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            many.add("v=DKIM1; k=rsa; t=y; h=sha1:md5; n=" + "x".repeat(20) + i + ";");
        }
        dns.txtStrings("many._domainkey." + z, many);
        dns.txt("wrongkey._domainkey." + z, "v=DKIM1; k=ed25519; p=" + Base64.getEncoder().encodeToString(new byte[32]));
        dns.drop("slow." + z);
    }

    /** Tries every input, six at a time (the drops one after the other: they share the staging directory's names). */
    static void tryAll(List<Input> inputs, int port, PackSetup services, Report report, PrintStream log) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(6);
        List<Future<?>> futures = new ArrayList<>();
        for (Input in : inputs) {
            if (in.dropper != null) {
                try {
                    in.dropper.drop(services.queuefileDir, in);
                } catch (IOException | RuntimeException e) {
                    report.problem("could not drop " + in.kind + ": " + e);
                }
                outcome(report, in, "dropped into the scanner directory");
                continue;
            }
            futures.add(pool.submit(() -> {
                tryInput(in, port, report);
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
        pool.shutdown();
    }

    private static void outcome(Report report, Input in, String what) {
        String kind = in.kind.replaceAll("-\\d+$", "");
        synchronized (report.outcomes) {
            report.outcomes.computeIfAbsent(kind, k -> new TreeMap<>()).merge(what, 1, Integer::sum);
        }
    }

    static void tryInput(Input in, int port, Report report) {
        boolean rightPassword = in.authUser != null && in.authPassword.equals(HostileCorpus.PASSWORD);
        try (SmtpClient c = SmtpClient.connect("127.0.0.1", port, rightPassword ? USER_CLIENT : HOSTILE_CLIENT)) {
            c.socket().setSoTimeout(120_000);
            reply(in, "EHLO", c.ehlo(in.helo));
            if (in.authUser != null) {
                SmtpClient.Reply a = c.authPlain(in.authUser, in.authPassword);
                reply(in, "AUTH", a);
                in.authenticated = a.code == 235;
                if (rightPassword && !in.authenticated) {
                    report.problem(in.kind + ": AUTH with the right password answered " + a.code + " " + a.text());
                }
            }
            if (in.lines != null) {
                for (byte[] chunk : in.lines) {
                    String text = new String(chunk, StandardCharsets.ISO_8859_1);
                    String[] commands = text.split("\r\n");
                    SmtpClient.Reply first = c.raw(chunk);
                    for (int i = 0; i < commands.length; i++) {
                        SmtpClient.Reply r = i == 0 ? first : c.readReply();
                        reply(in, commands[i].split(" ", 2)[0], r);
                        if (r.code == 235) {
                            in.authenticated = true;
                        }
                        if (commands[i].startsWith("RCPT") && !HostileCorpus.isLocal(address(commands[i])) && r.code / 100 == 2) {
                            in.remoteRcptAccepted = true;
                        }
                    }
                }
                outcome(report, in, "session: " + in.lastReply);
                quietQuit(c);
                return;
            }
            SmtpClient.Reply m = c.mailFrom(in.sender);
            reply(in, "MAIL", m);
            List<String> accepted = new ArrayList<>();
            if (m.code / 100 == 2) {
                for (String rcpt : in.recipients) {
                    SmtpClient.Reply r = c.rcptTo(rcpt);
                    reply(in, "RCPT", r);
                    if (r.code / 100 == 2) {
                        accepted.add(rcpt);
                        if (!HostileCorpus.isLocal(rcpt)) {
                            in.remoteRcptAccepted = true;
                        }
                    }
                }
            }
            if (!accepted.isEmpty()) {
                SmtpClient.Reply d = in.raw != null ? c.dataRaw(in.raw) : c.data(in.message);
                reply(in, "DATA", d);
                if (d.code == 250) {
                    in.accepted = true;
                    for (String rcpt : accepted) {
                        String lower = rcpt.toLowerCase(Locale.ROOT);
                        if (lower.matches("load\\d\\d@example\\.test")) {
                            in.local.add(lower);
                        } else if (!HostileCorpus.isLocal(rcpt)) {
                            in.remote++;
                        }
                    }
                    if (in.remoteTo != null) {
                        in.remote = 1;
                    }
                } else if (d.code / 100 == 5 && in.expect == Expect.KEEP_NO_5XX) {
                    synchronized (report) {
                        report.wrong5xx++;
                    }
                    report.problem(in.kind + ": permanent refusal where only temporary faults were met: " + in.lastReply);
                }
            }
            outcome(report, in, in.accepted ? "accepted" : "refused " + in.lastReply.replaceAll("^\\S+ ", ""));
            quietQuit(c);
        } catch (IOException e) {
            in.dropped = true;
            outcome(report, in, "connection closed after " + in.lastReply);
        }
    }

    private static java.net.InetAddress loopback(int last) {
        try {
            return java.net.InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) last});
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String address(String command) {
        int lt = command.indexOf('<');
        int gt = command.lastIndexOf('>');
        return lt >= 0 && gt > lt ? command.substring(lt + 1, gt) : command;
    }

    private static void reply(Input in, String command, SmtpClient.Reply r) {
        in.lastReply = command + " " + r.code;
        in.replies.add(in.lastReply);
    }

    private static void quietQuit(SmtpClient c) {
        try {
            c.quit();
        } catch (IOException e) {
            // the server closed first
        }
    }

    /** The copies the accepted inputs must give (local and remote), at least. */
    static int expectedCopies(List<Input> inputs) {
        int n = 0;
        for (Input in : inputs) {
            if (in.accepted || in.dropper != null) {
                n += in.local.size() + in.remote;
            }
        }
        return n;
    }

    /** Waits until mailboxes, repositories and the sink hold at least {@code atLeast} copies and stay the same for 5 s. */
    static void settle(JamesHarness james, Mailboxes boxes, PackSetup services, int atLeast, Duration timeout) throws Exception {
        FaultRun.settle(james, boxes, services, atLeast, 10, timeout);
    }

    /** Counts every copy against what each input and each good mail must give. */
    static void count(JamesHarness james, Mailboxes boxes, PackSetup services, List<LoadRun.Outcome> goodRuns, List<Input> inputs,
                      Report report) throws Exception {
        Map<String, Input> byId = new HashMap<>();
        for (Input in : inputs) {
            byId.put(in.id, in);
            if (in.dropper == null && !in.dropped && !in.accepted && in.lines == null) {
                report.hostileRefused++;
            }
            if (in.accepted && in.dropper == null) {
                report.hostileAccepted++;
            }
            if (in.dropped) {
                report.sessionsDropped++;
            }
            if (in.remoteRcptAccepted && !in.authenticated) {
                report.misdelivered++;
                report.problem(in.kind + ": a remote recipient was accepted without AUTH: " + in.replies);
            }
        }
        // expected local copies: (user, id) -> 1
        Map<String, Integer> expectedLocal = new HashMap<>();
        Map<String, Integer> expectedRemote = new HashMap<>();
        for (LoadRun.Outcome o : goodRuns) {
            report.goodAccepted += o.accepted.size();
            for (String id : o.accepted) {
                int n = Integer.parseInt(id.split("-")[1]);
                expectedLocal.put(Mailboxes.recipientFor(n) + " " + id, 1);
                expectedRemote.put(id, 1);
            }
        }
        for (Input in : inputs) {
            if (in.accepted || in.dropper != null) {
                in.local.forEach(u -> expectedLocal.put(u + " " + in.id, 1));
                if (in.remote > 0) {
                    expectedRemote.put(in.id, in.remote);
                }
            }
        }
        Set<String> knownIds = new java.util.HashSet<>(byId.keySet());
        goodRuns.forEach(o -> knownIds.addAll(o.accepted));

        Map<String, Integer> local = new HashMap<>();
        for (Map.Entry<String, List<String>> e : boxes.headers(FIELDS).entrySet()) {
            for (String block : e.getValue()) {
                Matcher m = ID.matcher(block);
                String id = m.find() ? m.group(1) : "(no Message-ID)";
                local.merge(e.getKey() + " " + id, 1, Integer::sum);
                inspect(block, id, e.getKey(), byId, report);
            }
        }
        Map<String, Integer> remote = new HashMap<>();
        RepositoryMails.forEach(james, (url, mail) -> {
            String id = mail.getMessage().getMessageID() == null ? "(no Message-ID)" : mail.getMessage().getMessageID().replaceAll("^<|>$", "");
            if (url.asString().contains("/error")) {
                String why = String.valueOf(mail.getErrorMessage());
                if (why.contains("org.jamesexim")) {
                    report.crashes++;
                    report.problem("in the error repository: " + id + " to " + mail.getRecipients() + ": " + why);
                } else {
                    // kept in the error repository by a failure of James's own code, on an address James accepted
                    report.jamesErrors++;
                    report.problem("note: James's own code sent " + id + " to " + mail.getRecipients() + " to the error repository: "
                        + why.lines().findFirst().orElse(""));
                }
            }
            for (MailAddress rcpt : mail.getRecipients()) {
                if (rcpt.getDomain().asString().equals("example.test")) {
                    local.merge(rcpt.asString().toLowerCase(Locale.ROOT) + " " + id, 1, Integer::sum);
                } else {
                    remote.merge(id, 1, Integer::sum);
                }
            }
        });
        for (CountingSink.Received got : services.sink.envelopes) {
            if (got.controlOctets > 0 || got.size > 4 * 1024 * 1024) {
                report.unsafeOutput++;
                report.problem("the remote side got a mail with " + got.controlOctets + " control octets, " + got.size + " octets: "
                    + got.messageId + " " + got.recipients);
            }
            for (String r : got.recipients) {
                if (r.toLowerCase(Locale.ROOT).contains("victim@remote.test")) {
                    report.misdelivered++;
                    report.problem("relayed to victim@remote.test: " + got.messageId + " from " + got.from);
                }
            }
            if (got.messageId != null && knownIds.contains(got.messageId)) {
                remote.merge(got.messageId, 1, Integer::sum);
                Input in = byId.get(got.messageId);
                if (in != null && (in.expect == Expect.NO_RELAY || in.expect == Expect.SESSION || in.expect == Expect.DROP)) {
                    report.misdelivered++;
                    report.problem(in.kind + ": relayed to " + got.recipients);
                }
                if (in != null && in.remoteTo != null && got.recipients.stream().noneMatch(r -> r.toLowerCase(Locale.ROOT)
                        .contains("<" + in.remoteTo + ">"))) {
                    report.misdelivered++;
                    report.problem(in.kind + ": reversed to " + got.recipients + ", not " + in.remoteTo);
                }
            } else {
                // a notification James made: it stands for the mails it mentions
                Set<String> mentioned = new java.util.HashSet<>(got.mentioned);
                mentioned.retainAll(knownIds);
                for (String id : mentioned) {
                    remote.merge(id, 1, Integer::sum);
                    if (got.recipients.stream().anyMatch(r -> r.toLowerCase(Locale.ROOT).contains(PackSetup.REMOTE))) {
                        report.misdelivered++;
                        report.problem("a notification about " + id + " went to the mail's recipient " + got.recipients);
                    }
                }
            }
        }
        // the good mails and the kept hostile ones
        for (Map.Entry<String, Integer> e : expectedLocal.entrySet()) {
            int n = local.getOrDefault(e.getKey(), 0);
            boolean goodMail = !e.getKey().contains(" hostile-");
            if (n == 0) {
                if (goodMail) {
                    report.goodLost++;
                } else {
                    report.acceptedLost++;
                }
                report.problem("lost: " + e.getKey());
            } else if (n > 1) {
                report.duplicated++;
                report.problem("duplicated x" + n + ": " + e.getKey());
            }
        }
        for (Map.Entry<String, Integer> e : expectedRemote.entrySet()) {
            int n = remote.getOrDefault(e.getKey(), 0);
            boolean goodMail = !e.getKey().startsWith("hostile-");
            if (n < e.getValue()) {
                if (goodMail) {
                    report.goodLost++;
                } else {
                    report.acceptedLost++;
                }
                report.problem("lost on the remote side (" + n + " of " + e.getValue() + "): " + e.getKey());
            } else if (n > e.getValue()) {
                report.duplicated++;
                report.problem("duplicated on the remote side (" + n + " of " + e.getValue() + "): " + e.getKey());
            }
        }
        for (Map.Entry<String, Integer> e : local.entrySet()) {
            String[] userId = e.getKey().split(" ", 2);
            boolean isUser = userId[0].matches("load\\d\\d@example\\.test");
            if (isUser && !expectedLocal.containsKey(e.getKey())) {
                report.misdelivered++;
                report.problem("delivered where it was not addressed: " + e.getKey());
            }
        }
    }

    /** A delivered copy's fetched header fields: nothing an outsider wrote may be believed or injected. */
    private static void inspect(String block, String id, String user, Map<String, Input> byId, Report report) {
        if (CountingSink.controlOctets(block) > 0) {
            report.unsafeOutput++;
            report.problem("control character in the header fields of " + id + " at " + user + ": " + block.strip());
        }
        String lower = block.toLowerCase(Locale.ROOT);
        if (lower.contains("\nx-injected:") || lower.startsWith("x-injected:") || lower.contains("\nbcc:") || lower.startsWith("bcc:")) {
            report.forgeriesBelieved++;
            report.problem("an injected header field in " + id + " at " + user + ": " + block.strip());
        }
        if (lower.contains(HostileCorpus.FORGED.toLowerCase(Locale.ROOT))) {
            report.forgeriesBelieved++;
            report.problem("a sender's own verdict or result kept in " + id + " at " + user + ": " + block.strip());
        }
        Input in = byId.get(id);
        if (in != null && (lower.contains("x-jexim-arc: pass") || (lower.contains("authentication-results: mx.example.test") && lower.contains("arc=pass")))) {
            report.forgeriesBelieved++;
            report.problem("ARC pass for a hostile chain " + id + ": " + block.strip());
        }
        for (int u = 1; u <= Mailboxes.USERS; u++) {
            String other = Mailboxes.user(u);
            if (!other.equals(user) && lower.contains(other)) {
                report.misdelivered++;
                report.problem("another recipient (" + other + ") shown to " + user + " in " + id + ": " + block.strip());
            }
        }
    }

    /** The run's secrets, in the forms a log line could show them. */
    static List<String> secrets(PackSetup services) throws IOException {
        List<String> out = new ArrayList<>();
        out.add(services.srsSecret);
        out.add(RealDovecot.PASSWORD);
        for (int i = 1; i <= RealDovecot.NUMBERED_USERS; i++) {
            String user = String.format(Locale.ROOT, "user%02d", i);
            out.add(Base64.getEncoder().encodeToString(("\0" + user + "\0" + RealDovecot.PASSWORD).getBytes(StandardCharsets.UTF_8)));
        }
        String pem = Files.readString(services.arcKey);
        String[] lines = pem.split("\n");
        out.add(lines[1].trim());
        out.add(lines[lines.length / 2].trim());
        return out;
    }

    private static long cpuMs() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime() / 1_000_000;
    }

    private static double idleCpuMsPerSecond() throws InterruptedException {
        long c = cpuMs();
        long s = System.nanoTime();
        Thread.sleep(3000);
        return (cpuMs() - c) / ((System.nanoTime() - s) / 1e9);
    }

    /**
     * Every log event of the run: the pack's at DEBUG (kept out of the console, which shows its WARN and ERROR lines),
     * everyone's at the levels the configuration gives. Checked for the run's secrets and for crashes.
     */
    static final class LogScan extends AppenderBase<ILoggingEvent> implements AutoCloseable {
        private final List<String> texts = java.util.Collections.synchronizedList(new ArrayList<>());
        private final List<String> crashes = java.util.Collections.synchronizedList(new ArrayList<>());
        private final AtomicLong events = new AtomicLong();
        private final LongAdder packWarnings = new LongAdder();
        private Logger root;
        private Logger pack;
        private Level packLevel;

        static LogScan attach() {
            LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
            LogScan scan = new LogScan();
            scan.setContext(ctx);
            scan.start();
            scan.root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
            scan.root.addAppender(scan);
            scan.pack = ctx.getLogger("org.jamesexim");
            scan.packLevel = scan.pack.getLevel();
            scan.pack.setLevel(Level.DEBUG);
            scan.pack.setAdditive(false);
            scan.pack.addAppender(scan);
            return scan;
        }

        @Override
        protected void append(ILoggingEvent e) {
            events.incrementAndGet();
            boolean fromPack = e.getLoggerName().startsWith("org.jamesexim");
            StringBuilder text = new StringBuilder(e.getFormattedMessage() == null ? "" : e.getFormattedMessage());
            boolean packFrame = false;
            boolean crashType = false;
            for (IThrowableProxy t = e.getThrowableProxy(); t != null; t = t.getCause()) {
                text.append(" | ").append(t.getClassName()).append(": ").append(t.getMessage());
                crashType |= CRASH_TYPES.contains(t.getClassName());
                for (StackTraceElementProxy f : t.getStackTraceElementProxyArray()) {
                    String c = f.getStackTraceElement().getClassName();
                    packFrame |= c.startsWith("org.jamesexim.") && !c.startsWith("org.jamesexim.it.");
                }
            }
            texts.add(text.toString());
            // a stack trace through the pack's code at ERROR, or an exception that only a bug throws, logged by anyone
            // about the pack's code; a refusal the pack logs at ERROR without a stack trace (a scanner file moved to
            // failed/) is the documented result, not a crash
            if ((e.getThrowableProxy() != null && packFrame && e.getLevel() == Level.ERROR) || (crashType && (fromPack || packFrame))) {
                crashes.add(e.getLevel() + " " + e.getLoggerName() + ": " + text);
            }
            if (fromPack && e.getLevel().isGreaterOrEqual(Level.WARN)) {
                packWarnings.increment();
                if (packWarnings.sum() <= 20) {
                    System.err.println("[pack " + e.getLevel() + "] " + e.getLoggerName() + ": " + text);
                }
            }
        }

        void check(Report report, List<String> secrets) {
            synchronized (texts) {
                for (String t : texts) {
                    for (String secret : secrets) {
                        if (secret != null && !secret.isEmpty() && t.contains(secret)) {
                            report.secretsInLogs++;
                            report.problem("a secret in a log line: " + t.replace(secret, "<the secret>"));
                        }
                    }
                }
            }
            report.crashes += crashes.size();
            crashes.stream().limit(20).forEach(c -> report.problem("crash: " + c));
            report.problem("note: " + events.get() + " log events read, " + packWarnings.sum() + " WARN/ERROR from the pack");
        }

        @Override
        public void close() {
            root.detachAppender(this);
            pack.detachAppender(this);
            pack.setAdditive(true);
            pack.setLevel(packLevel);
            stop();
        }
    }
}
