package org.jamesexim.dcc.sim;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.newsclub.net.unix.AFUNIXServerSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;

/**
 * A model of dccifd for tests: speaks the dccifd ASCII protocol over TCP (127.0.0.1) and/or a unix socket and answers
 * as a real Rhyolite DCC 2.3.167 dccifd answered in the exchanges recorded in {@code shared/vectors/dcc-real/}
 * ({@code DccifdModelVsRealTest} sends it every recorded request and compares its replies with the real ones). Nothing
 * of it goes into the drop-in JAR.
 *
 * <p><b>What it reads, as dccifd does</b> (each line ends in LF; trailing CRs are dropped):</p>
 * <ol>
 *   <li>options: blank-separated words, any case, from {@code header cksums body query grey-off no-grey grey-query
 *       no-reject spam log rcvd-nxt rcvd-next}; an unknown word makes it close the connection without a reply;</li>
 *   <li>the client IP, optionally followed by CR and the client name ({@code ""}, {@code 0.0.0.0}: the IP is taken
 *       from the first {@code Received:} header instead);</li>
 *   <li>the HELO value; 4. the envelope sender (an empty line: taken from {@code Return-Path:});</li>
 *   <li>recipients, one a line, each optionally followed by CR and a local user name; {@code <...>} is stripped;
 *       an empty line ends the list; {@code <>} is an ordinary recipient;</li>
 *   <li>the message (headers, blank line, body) until EOF (the client's half-close). A request cut before the
 *       recipient list ends gets no reply.</li>
 * </ol>
 *
 * <p><b>How it decides</b> (the rules the captures show):</p>
 * <ul>
 *   <li>counts grow by one per recipient of each report ({@code query} and greylisted answers show the count but do
 *       not store it); the Body checksum ignores CR and white space, and a body of fewer than {@value #MIN_BODY}
 *       non-blank bytes has none ({@code Body=0}, no Fuz1/Fuz2);</li>
 *   <li>a count at or above the reject threshold ({@link #rejectAt}, dccifd {@code -t}) or whiteclnt
 *       {@code many env_From} ({@link #blacklistSender}, counts {@code many}, beats greylisting) marks every recipient
 *       {@code R} except those whitelisted by {@code ok env_To} ({@link #whitelistRecipient}); all {@code R} gives an
 *       overall {@code R} ({@code A} with {@code no-reject}), a mix gives an overall {@code A} (the MTA discards for
 *       the recipients marked {@code R}), or {@code R} for all with {@code option forced-discard-ok};</li>
 *   <li>{@code ok env_From} ({@link #whitelistSender}) or only whitelisted recipients: {@code A} with
 *       {@code X-DCC--Metrics: <host>; whitelist}, instantly;</li>
 *   <li>greylisting ({@link #greylist}, {@code -G on}): {@code G} for all while any (IP, sender, recipient) triple is
 *       new or within its embargo, unless {@code grey-off}/{@code no-grey};</li>
 *   <li>no DCC server ({@link #serverReachable}): {@code A} with {@code X-DCC--Metrics: <host> 0; Body=n ...}, or with
 *       {@code -x} ({@link #tryExtraHard}) {@code T} and {@code R} for every recipient;</li>
 *   <li>no recipients: {@code A}, an empty line 2, no header;</li>
 *   <li>{@code rep=NN%} once the client IP has {@value #REP_THRESHOLD} reports; the {@code cksums} table in dccifd's
 *       layout (its checksum words are the model's own);</li>
 *   <li>answers that ask a DCC server wait {@link #latency} (default none; {@link #REAL_LATENCY} is what the real one
 *       took).</li>
 * </ul>
 * <p>History it cannot know (other sites' reports, the client's reputation) can be given ({@link #nextShownCount},
 * {@link #nextPriorReports}, {@link #reputation}, {@link #repPercent}, {@link #preload}); {@link #force} overrides the
 * result byte (line 2 then takes the real shape: {@code G} for all, {@code R} for all under {@code R} or {@code T});
 * faults ({@link Fault}) simulate a broken daemon. Every request is recorded ({@link #requests()}).</p>
 */
public final class DccifdSimulator implements AutoCloseable {
    /** dccifd's option words (include/dccif.h). */
    static final Set<String> OPTIONS = Set.of("header", "cksums", "body", "query", "grey-off", "no-grey", "grey-query",
        "no-reject", "spam", "log", "rcvd-nxt", "rcvd-next");
    /** DCC's "many" count, written as {@code many} in the header. */
    public static final int MANY = 16_777_200;
    /** Non-blank body bytes (CR and white space not counted) below which dccifd computes no Body checksum. */
    public static final int MIN_BODY = 30;
    /** Reports from a client IP before dccifd shows its {@code rep=NN%} (the rep-total threshold of the cksums table). */
    public static final int REP_THRESHOLD = 20;
    /** What a real answer took with a live DCC server on loopback (shared/vectors/dcc-real: 0.40 s). */
    public static final Duration REAL_LATENCY = Duration.ofMillis(400);
    /** How much of each request is kept raw for assertions; the rest is only counted and hashed. */
    public static final int KEEP_RAW = 256 * 1024;

    /** Ways to misbehave. */
    public enum Fault {
        NONE,
        /** answer {@code HELLO garbage\r\n} */
        GARBAGE,
        /** read the request, then close without a reply */
        CLOSE,
        /** read the request, wait {@link #delay}, then answer */
        SLOW,
        /** answer line 1, wait {@link #delay}, then send the rest */
        SPLIT,
        /** accept the connection but never read from it (the client's writes stall once buffers fill) */
        STALL
    }

    /** One request as the simulator read it. */
    public static final class Request {
        public final String optionsLine;
        public final List<String> options;
        public final String clientLine;
        public final String clientIp;
        public final String clientName;
        public final String helo;
        public final String sender;
        public final List<String> recipients;
        public final List<String> users;
        public final String headers;
        public final long messageLength;
        public final String messageSha256;
        public final byte[] rawStart;
        public final long rawLength;
        public final boolean truncated;
        public final String closedBecause;
        public final char answered;

        Request(Parse p, char answered) {
            this.optionsLine = p.optionsLine;
            this.options = Collections.unmodifiableList(p.options);
            this.clientLine = p.clientLine;
            this.clientIp = p.clientIp;
            this.clientName = p.clientName;
            this.helo = p.helo;
            this.sender = p.sender;
            this.recipients = Collections.unmodifiableList(p.recipients);
            this.users = Collections.unmodifiableList(p.users);
            this.headers = p.headers.toString();
            this.messageLength = p.messageLength;
            this.messageSha256 = p.sha256;
            this.rawStart = p.raw.toByteArray();
            this.rawLength = p.rawLength;
            this.truncated = p.truncated;
            this.closedBecause = p.closedBecause;
            this.answered = answered;
        }

        /** The first {@link #KEEP_RAW} bytes of the request as text (ISO-8859-1, byte for byte). */
        public String rawText() {
            return new String(rawStart, StandardCharsets.ISO_8859_1);
        }
    }

    // configuration (volatile: tests change it while the server runs)
    private volatile Character force;
    private volatile boolean greylist;
    private volatile Duration embargo = Duration.ZERO;
    private volatile int rejectAt = Integer.MAX_VALUE;
    private volatile int manyAt = MANY;
    private volatile Fault fault = Fault.NONE;
    private volatile Duration delay = Duration.ofSeconds(1);
    private volatile String brand = "SIM";
    private volatile String hostname = "sim.dcc.test";
    private volatile int serverId = 1201;
    private volatile String headerText;
    private final Set<String> whitelistedSenders = Collections.synchronizedSet(new HashSet<>());
    private final Set<String> whitelistedRecipients = Collections.synchronizedSet(new HashSet<>());
    private final Set<String> blacklistedSenders = Collections.synchronizedSet(new HashSet<>());
    private volatile boolean forcedDiscardOk;
    private volatile boolean serverReachable = true;
    private volatile boolean greylistServerReachable = true;
    private volatile boolean tryExtraHard;
    private volatile boolean serverDownNoticed;
    private volatile Duration latency = Duration.ZERO;
    private volatile java.util.function.LongSupplier clock = System::currentTimeMillis;
    private Integer nextShownCount;
    private Integer nextPriorReports;
    private final Map<String, int[]> reputation = new HashMap<>();
    private final Map<String, Integer> repPercent = new HashMap<>();

    // state
    private final Map<String, Integer> bodyReports = new HashMap<>();
    private final Map<String, Long> greyTriples = new HashMap<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "dccifd-sim");
        t.setDaemon(true);
        return t;
    });
    private final List<ServerSocket> listeners = new CopyOnWriteArrayList<>();
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private volatile boolean closed;
    private int tcpPort = -1;
    private File unixSocket;

    /** Listens on 127.0.0.1 on a free port. */
    public DccifdSimulator listenTcp() throws IOException {
        ServerSocket ss = new ServerSocket();
        ss.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 200);
        tcpPort = ss.getLocalPort();
        start(ss);
        return this;
    }

    /** Listens on a unix socket at {@code path} (mode as the umask gives; dccifd uses 0666). */
    public DccifdSimulator listenUnix(File path) throws IOException {
        AFUNIXServerSocket ss = AFUNIXServerSocket.newInstance();
        ss.bind(AFUNIXSocketAddress.of(path), 200);
        unixSocket = path;
        start(ss);
        return this;
    }

    public int tcpPort() {
        return tcpPort;
    }

    /** The {@code dccifd_address} value for the TCP listener: {@code 127.0.0.1 <port>}. */
    public String tcpAddress() {
        return "127.0.0.1 " + tcpPort;
    }

    public File unixSocket() {
        return unixSocket;
    }

    /** Always answer this result byte (A G R S T or any other byte); null returns to the model. */
    public DccifdSimulator force(Character result) {
        this.force = result;
        return this;
    }

    /** dccifd {@code -G on}: embargo each new (IP, sender, recipient) triple for {@code embargo} (0: until the next try). */
    public DccifdSimulator greylist(boolean on, Duration embargo) {
        this.greylist = on;
        this.embargo = embargo;
        return this;
    }

    /** dccifd {@code -t CMN,rej-thold}: reject when the body count reaches this. */
    public DccifdSimulator rejectAt(int count) {
        this.rejectAt = count;
        return this;
    }

    /** The count from which the header says {@code many}. */
    public DccifdSimulator manyAt(int count) {
        this.manyAt = count;
        return this;
    }

    /** whiteclnt {@code ok env_From <address>}: header {@code X-DCC--Metrics: host; whitelist}, never rejected, not counted. */
    public DccifdSimulator whitelistSender(String address) {
        whitelistedSenders.add(address.toLowerCase(Locale.ROOT));
        return this;
    }

    /**
     * whiteclnt {@code ok env_To <address>}: that recipient is never marked {@code R}; a message to whitelisted
     * recipients only gets the whitelist header.
     */
    public DccifdSimulator whitelistRecipient(String address) {
        whitelistedRecipients.add(address.toLowerCase(Locale.ROOT));
        return this;
    }

    /** whiteclnt {@code many env_From <address>}: counts {@code many}, {@code R} for every recipient not whitelisted, beats greylisting. */
    public DccifdSimulator blacklistSender(String address) {
        blacklistedSenders.add(address.toLowerCase(Locale.ROOT));
        return this;
    }

    /** whiteclnt {@code option forced-discard-ok}: recipients that disagree are all rejected ({@code R} overall). */
    public DccifdSimulator forcedDiscardOk(boolean on) {
        this.forcedDiscardOk = on;
        return this;
    }

    /**
     * Whether a DCC server answers dccifd. Without one dccifd still answers: {@code A} (or the whiteclnt verdict) with
     * {@code X-DCC--Metrics: <host> 0; Body=n ...}, counting only this message; with {@link #tryExtraHard} {@code T}.
     */
    public DccifdSimulator serverReachable(boolean on) {
        this.serverReachable = on;
        this.serverDownNoticed = false;
        return this;
    }

    /** Whether the greylist server answers (without it, no greylisting). */
    public DccifdSimulator greylistServerReachable(boolean on) {
        this.greylistServerReachable = on;
        return this;
    }

    /** dccifd {@code -x}: with no DCC server, answer {@code T} and {@code R} for every recipient. */
    public DccifdSimulator tryExtraHard(boolean on) {
        this.tryExtraHard = on;
        return this;
    }

    /**
     * How long an answer that asks a DCC server takes (whitelisted, no-recipient and no-server answers are instant).
     * Default zero; {@link #REAL_LATENCY} is what a real dccifd took with a live server.
     */
    public DccifdSimulator latency(Duration d) {
        this.latency = d;
        return this;
    }

    /** The clock of the greylist embargo, in milliseconds (default: the system clock). */
    public DccifdSimulator clock(java.util.function.LongSupplier millis) {
        this.clock = millis;
        return this;
    }

    /**
     * History of the DCC network that a model cannot know: the Body/Fuz1/Fuz2 count the next answer shows (the reports
     * of other sites plus this one). Used once.
     */
    public synchronized DccifdSimulator nextShownCount(int count) {
        this.nextShownCount = count;
        return this;
    }

    /** History: how many reports of the next request's body the server had before it (the cksums table's server column). Used once. */
    public synchronized DccifdSimulator nextPriorReports(int count) {
        this.nextPriorReports = count;
        return this;
    }

    /** History: the reports ({@code total}) and spam reports ({@code spam}) the server has from this client IP. */
    public synchronized DccifdSimulator reputation(String ip, int total, int spam) {
        reputation.put(ip, new int[] {total, spam});
        return this;
    }

    /** History: the {@code rep=NN%} shown for this client IP (negative: none shown; null: computed from {@link #reputation}). */
    public synchronized DccifdSimulator repPercent(String ip, Integer percent) {
        if (percent == null) {
            repPercent.remove(ip);
        } else {
            repPercent.put(ip, percent);
        }
        return this;
    }

    public DccifdSimulator fault(Fault f, Duration d) {
        this.fault = f;
        this.delay = d;
        return this;
    }

    public DccifdSimulator fault(Fault f) {
        return fault(f, delay);
    }

    public DccifdSimulator brand(String b, String host, int id) {
        this.brand = b;
        this.hostname = host;
        this.serverId = id;
        return this;
    }

    /** Sends this text instead of the X-DCC header it would build (LF line ends, no final LF); null to build it. */
    public DccifdSimulator headerText(String text) {
        this.headerText = text;
        return this;
    }

    /** Pretends the body of {@code message} was already reported {@code count} times (e.g. {@link #MANY}). */
    public synchronized DccifdSimulator preload(String body, int count) {
        bodyReports.put(bodyChecksum(body.getBytes(StandardCharsets.ISO_8859_1)), count);
        return this;
    }

    public List<Request> requests() {
        return new ArrayList<>(requests);
    }

    public Request lastRequest() {
        List<Request> r = requests();
        return r.isEmpty() ? null : r.get(r.size() - 1);
    }

    public int connections() {
        return connections.get();
    }

    public void clear() {
        requests.clear();
    }

    private void start(ServerSocket ss) {
        listeners.add(ss);
        pool.execute(() -> {
            while (!closed) {
                Socket s;
                try {
                    s = ss.accept();
                } catch (IOException e) {
                    return;
                }
                connections.incrementAndGet();
                open.add(s);
                pool.execute(() -> {
                    try {
                        serve(s);
                    } catch (IOException | InterruptedException e) {
                        // the client went away; nothing to answer
                    } finally {
                        open.remove(s);
                        try {
                            s.close();
                        } catch (IOException ignored) {
                            // closing
                        }
                    }
                });
            }
        });
    }

    /** The request as parsed so far. */
    static final class Parse {
        String optionsLine;
        final List<String> options = new ArrayList<>();
        String clientLine;
        String clientIp;
        String clientName;
        String helo;
        String sender;
        final List<String> recipients = new ArrayList<>();
        final List<String> users = new ArrayList<>();
        final StringBuilder headers = new StringBuilder();
        long messageLength;
        String sha256;
        final ByteArrayOutputStream raw = new ByteArrayOutputStream();
        long rawLength;
        boolean truncated;
        String closedBecause;
        int headerLines;
        int crHeaderLines;
        String firstReceived;
        String fromHeader;
        String returnPath;
        String messageId;
        String bodyChecksum;
        int bodyNonBlank;
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
    }

    /** Reads the request the way dccifd does, keeping the first bytes raw. */
    private static final class Reader {
        private final InputStream in;
        private final Parse p;
        private final byte[] buf = new byte[16 * 1024];
        private int pos;
        private int len;

        Reader(InputStream in, Parse p) {
            this.in = in;
            this.p = p;
        }

        int read() throws IOException {
            if (pos == len) {
                len = in.read(buf, 0, buf.length);
                pos = 0;
                if (len <= 0) {
                    len = 0;
                    return -1;
                }
                int keep = (int) Math.min(len, Math.max(0, KEEP_RAW - p.rawLength));
                p.raw.write(buf, 0, keep);
                p.rawLength += len;
            }
            return buf[pos++] & 0xff;
        }

        /** A line without its LF and trailing CRs; null at EOF before the LF (a truncated request). */
        String line() throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            while (true) {
                int c = read();
                if (c < 0) {
                    return null;
                }
                if (c == '\n') {
                    break;
                }
                b.write(c);
            }
            String s = new String(b.toByteArray(), StandardCharsets.UTF_8);
            int end = s.length();
            while (end > 0 && s.charAt(end - 1) == '\r') {
                end--;
            }
            return s.substring(0, end);
        }
    }

    private void serve(Socket s) throws IOException, InterruptedException {
        Parse p = new Parse();
        if (fault == Fault.STALL) {
            Thread.sleep(delay.toMillis());
            p.closedBecause = "stalled";
            requests.add(new Request(p, '\0'));
            return;
        }
        Reader r = new Reader(s.getInputStream(), p);
        String reason = readRequest(r, p);
        if (reason != null) {
            p.closedBecause = reason;
            requests.add(new Request(p, '\0'));
            return;
        }
        Fault f = fault;
        if (f == Fault.CLOSE) {
            p.closedBecause = "fault: close";
            requests.add(new Request(p, '\0'));
            return;
        }
        OutputStream out = s.getOutputStream();
        if (f == Fault.GARBAGE) {
            requests.add(new Request(p, 'H'));
            out.write("HELLO garbage\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return;
        }
        Verdict v = decide(p);
        char result = v.result;
        String perRecipient = v.perRecipient;
        byte[] tail = tail(p, v);
        requests.add(new Request(p, result));
        if (v.consultedServer && !latency.isZero()) {
            Thread.sleep(latency.toMillis());
        }
        if (f == Fault.SLOW) {
            Thread.sleep(delay.toMillis());
        }
        byte[] line1 = (result + "\n").getBytes(StandardCharsets.ISO_8859_1);
        out.write(line1);
        out.flush();
        if (f == Fault.SPLIT) {
            Thread.sleep(delay.toMillis());
        }
        out.write((perRecipient + "\n").getBytes(StandardCharsets.ISO_8859_1));
        out.write(tail);
        out.flush();
        s.shutdownOutput();
    }

    /** @return null when complete, else why dccifd would close without a reply */
    private String readRequest(Reader r, Parse p) throws IOException {
        String options = r.line();
        if (options == null) {
            p.truncated = true;
            return "truncated request";
        }
        p.optionsLine = options;
        for (String w : options.trim().split("[ \t]+")) {
            if (w.isEmpty()) {
                continue;
            }
            String lw = w.toLowerCase(Locale.ROOT);
            if (!OPTIONS.contains(lw)) {
                return "unrecognized option value: \"" + w + "\"";
            }
            p.options.add(lw);
        }
        String client = r.line();
        if (client == null) {
            p.truncated = true;
            return "truncated request";
        }
        p.clientLine = client;
        if (!client.isEmpty() && !client.equals("0.0.0.0") && !client.equals("0.0.0.0\r0.0.0.0")) {
            int cr = client.indexOf('\r');
            p.clientIp = cr < 0 ? client : client.substring(0, cr);
            p.clientName = cr < 0 ? null : client.substring(cr + 1);
        }
        p.helo = r.line();
        if (p.helo == null) {
            p.truncated = true;
            return "truncated request";
        }
        p.sender = r.line();
        if (p.sender == null) {
            p.truncated = true;
            return "truncated request";
        }
        while (true) {
            String rc = r.line();
            if (rc == null) {
                p.truncated = true;
                return "truncated request";
            }
            if (rc.isEmpty()) {
                break;
            }
            String v = rc.replaceAll("[ \t]+$", "");
            int cr = v.indexOf('\r');
            String addr = cr < 0 ? v : v.substring(0, cr);
            String user = cr < 0 ? "" : v.substring(cr + 1);
            // a <> recipient is an ordinary recipient to dccifd 2.3.167 (raw-nullrcpt-u)
            if (addr.startsWith("<") && addr.endsWith(">") && addr.length() > 2) {
                addr = addr.substring(1, addr.length() - 1);
            }
            p.recipients.add(addr);
            p.users.add(user);
        }
        readMessage(r, p);
        return null;
    }

    private static void readMessage(Reader r, Parse p) throws IOException {
        MessageDigest all = sha256();
        MessageDigest body = sha256();
        int nonBlank = 0;
        boolean inHeaders = true;
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        long n = 0;
        while (true) {
            int c = r.read();
            if (c < 0) {
                break;
            }
            n++;
            all.update((byte) c);
            if (!inHeaders) {
                // the Body checksum ignores CR and white space (crlf-u counts with plain-u)
                if (c != '\r' && c != ' ' && c != '\t' && c != '\n') {
                    body.update((byte) c);
                    nonBlank++;
                }
                if (p.body.size() < KEEP_RAW) {
                    p.body.write(c);
                }
                continue;
            }
            line.write(c);
            if (c == '\n') {
                String l = new String(line.toByteArray(), StandardCharsets.ISO_8859_1);
                line.reset();
                if (l.equals("\n") || l.equals("\r\n")) {
                    inHeaders = false;
                    continue;
                }
                if (l.charAt(0) != ' ' && l.charAt(0) != '\t') {
                    p.headerLines++;
                    if (l.endsWith("\r\n")) {
                        p.crHeaderLines++;
                    }
                    if (p.firstReceived == null && l.regionMatches(true, 0, "Received:", 0, 9)) {
                        p.firstReceived = l;
                    }
                    if (p.returnPath == null && l.regionMatches(true, 0, "Return-Path:", 0, 12)) {
                        p.returnPath = l.substring(12).trim();
                    }
                    if (p.fromHeader == null && l.regionMatches(true, 0, "From:", 0, 5)) {
                        p.fromHeader = l.substring(5).trim();
                    }
                    if (p.messageId == null && l.regionMatches(true, 0, "Message-ID:", 0, 11)) {
                        p.messageId = l.substring(11).trim();
                    }
                }
                if (p.headers.length() < KEEP_RAW) {
                    p.headers.append(l);
                }
            }
        }
        p.messageLength = n;
        p.sha256 = hex(all.digest());
        p.bodyChecksum = hex(body.digest());
        p.bodyNonBlank = nonBlank;
        if (p.clientIp == null && p.firstReceived != null) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\[([0-9a-fA-F.:]+)\\]").matcher(p.firstReceived);
            if (m.find()) {
                p.clientIp = m.group(1);
            }
        }
    }

    /** The model's verdict on one request: line 1, line 2, and what the header and table show. */
    static final class Verdict {
        char result;
        String perRecipient = "";
        boolean whitelisted;
        boolean blacklisted;
        boolean bulk;
        boolean shortBody;
        boolean server;
        boolean consultedServer;
        int count;
        int prior;
        int reported;
        int repTotal;
        int repSpam;
        Integer repPercent;
    }

    private synchronized Verdict decide(Parse p) {
        Verdict v = new Verdict();
        boolean query = p.options.contains("query");
        int n = p.recipients.size();
        // an empty sender line: dccifd takes the envelope sender from Return-Path (black-sa-u, white-sa-u)
        String envFrom = (p.sender == null || p.sender.isEmpty()) && p.returnPath != null ? p.returnPath : p.sender;
        String sender = stripBrackets(envFrom).toLowerCase(Locale.ROOT);
        boolean[] rcptWhite = new boolean[n];
        boolean allRcptWhite = n > 0;
        for (int i = 0; i < n; i++) {
            rcptWhite[i] = whitelistedRecipients.contains(p.recipients.get(i).toLowerCase(Locale.ROOT));
            allRcptWhite &= rcptWhite[i];
        }
        v.server = serverReachable;
        v.whitelisted = whitelistedSenders.contains(sender) || allRcptWhite;
        v.blacklisted = !v.whitelisted && blacklistedSenders.contains(sender);
        v.shortBody = p.bodyNonBlank < MIN_BODY;
        Character forced = force;
        Integer shown = nextShownCount;
        Integer prior = nextPriorReports;
        nextShownCount = null;
        nextPriorReports = null;
        int stored = v.shortBody ? 0 : bodyReports.getOrDefault(p.bodyChecksum, 0);
        if (prior != null) {
            stored = prior;
        }
        v.prior = stored;
        int[] rep = reputation.getOrDefault(String.valueOf(p.clientIp), new int[] {0, 0});
        v.repTotal = rep[0];
        v.repSpam = rep[1];
        if (n == 0) {
            // no recipients: "A", an empty line 2, no header (dccifd 2.3.167, norcpt-u)
            v.result = forced != null ? forced : 'A';
            return v;
        }
        // with no server, dccifd waits for one only with -x or greylisting, and only until it notices (deadx-u, deadx-sa-u)
        v.consultedServer = !v.whitelisted && (v.server || ((tryExtraHard || greylist) && !serverDownNoticed));
        if (!v.whitelisted && !v.server && (tryExtraHard || greylist)) {
            serverDownNoticed = true;
        }
        if (v.whitelisted) {
            v.result = forced != null ? forced : 'A';
            v.perRecipient = repeat(v.result == 'G' ? 'G' : v.result == 'R' || v.result == 'T' ? 'R' : 'A', n);
            return v;
        }
        boolean added = !query;
        if (v.shortBody) {
            v.count = 0;
        } else if (v.blacklisted || p.options.contains("spam")) {
            v.count = MANY;
        } else if (!v.server) {
            v.count = n; // no DCC server: only this message's own counts
        } else {
            v.count = shown != null ? shown : Math.min(MANY, stored + (added ? n : 0));
        }
        v.reported = n;
        v.bulk = v.blacklisted || v.count >= rejectAt || v.count >= MANY;
        StringBuilder line = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            line.append(v.bulk && !rcptWhite[i] ? 'R' : 'A');
        }
        boolean someR = line.indexOf("R") >= 0;
        boolean allR = line.indexOf("A") < 0;
        if (someR && forcedDiscardOk) {
            line.setLength(0);
            line.append(repeat('R', n));
            allR = true;
        }
        char result;
        boolean grey = false;
        if (!v.server && tryExtraHard) {
            result = 'T';
            line.setLength(0);
            line.append(repeat('R', n));
        } else if (someR) {
            result = allR && !p.options.contains("no-reject") ? 'R' : 'A';
        } else {
            grey = greylisted(p, sender, query);
            result = grey ? 'G' : 'A';
            if (grey) {
                line.setLength(0);
                line.append(repeat('G', n));
            }
        }
        if (forced != null) {
            result = forced;
            char each = result == 'G' ? 'G' : result == 'R' || result == 'T' ? 'R' : 'A';
            line.setLength(0);
            line.append(repeat(each, n));
            v.bulk = v.bulk || result == 'R';
        }
        v.result = result;
        v.perRecipient = line.toString();
        if (v.server) {
            if (added && !grey && !v.shortBody && !v.blacklisted) {
                bodyReports.put(p.bodyChecksum, v.count);
            }
            Integer percent = repPercent.get(String.valueOf(p.clientIp));
            int spamNow = v.repSpam + (v.bulk ? 1 : 0);
            if (percent != null) {
                v.repPercent = percent < 0 ? null : percent;
            } else if (v.repTotal + 1 >= REP_THRESHOLD) {
                v.repPercent = (int) ((long) spamNow * 100 / (v.repTotal + 1));
            }
            if (added) {
                reputation.put(String.valueOf(p.clientIp), new int[] {v.repTotal + 1, spamNow});
            }
        }
        return v;
    }

    /** Greylisting (dccifd -G on): the message is embargoed while any (IP, sender, recipient) triple is new or young. */
    private boolean greylisted(Parse p, String sender, boolean query) {
        boolean greyOff = p.options.contains("grey-off") || p.options.contains("no-grey");
        if (!greylist || !greylistServerReachable || greyOff) {
            return false;
        }
        long now = clock.getAsLong();
        boolean embargoed = false;
        for (String rcpt : p.recipients) {
            String triple = p.clientIp + "|" + sender + "|" + rcpt.toLowerCase(Locale.ROOT);
            Long first = greyTriples.get(triple);
            if (first == null) {
                if (!p.options.contains("grey-query") && !query) {
                    greyTriples.put(triple, now);
                }
                embargoed = true;
            } else if (now - first < embargo.toMillis()) {
                embargoed = true;
            }
        }
        return embargoed;
    }

    private static String repeat(char c, int n) {
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append(c);
        }
        return sb.toString();
    }

    /** The X-DCC header dccifd would build (without the final LF), as the captures of dccifd 2.3.167 show. */
    String header(Parse p, Verdict v) {
        String fixed = headerText;
        if (fixed != null) {
            return fixed;
        }
        if (v.whitelisted) {
            return "X-DCC--Metrics: " + hostname + "; whitelist";
        }
        StringBuilder h = new StringBuilder(v.server ? "X-DCC-" + brand + "-Metrics: " + hostname + " " + serverId + ";"
            : "X-DCC--Metrics: " + hostname + " 0;");
        int col = h.length();
        List<String> items = new ArrayList<>();
        if (v.bulk) {
            items.add("bulk");
        }
        String c = v.count >= manyAt ? "many" : Integer.toString(v.count);
        items.add("Body=" + c);
        if (!v.shortBody) {
            items.add("Fuz1=" + c);
            items.add("Fuz2=" + c);
        }
        if (v.repPercent != null) {
            items.add("rep=" + v.repPercent + "%");
        }
        boolean firstItem = true;
        for (String item : items) {
            if (!firstItem && col + 1 + item.length() > 78) {
                h.append("\n\t").append(item);
                col = 8 + item.length();
            } else {
                h.append(' ').append(item);
                col += 1 + item.length();
            }
            firstItem = false;
        }
        return h.toString();
    }

    private byte[] tail(Parse p, Verdict v) {
        boolean body = p.options.contains("body");
        boolean wantHeader = p.options.contains("header") || p.options.contains("cksums");
        StringBuilder sb = new StringBuilder();
        if (p.recipients.isEmpty()) {
            return (wantHeader || body ? "\n" : "").getBytes(StandardCharsets.ISO_8859_1);
        }
        String header = header(p, v);
        if (body) {
            // the message back with the new X-DCC header after the others; old X-DCC-*-Metrics removed
            boolean crlf = p.crHeaderLines > p.headerLines / 2;
            StringBuilder hs = new StringBuilder();
            boolean skipping = false;
            for (String l : p.headers.toString().split("(?<=\n)")) {
                if (l.isEmpty()) {
                    continue;
                }
                boolean continuation = l.charAt(0) == ' ' || l.charAt(0) == '\t';
                if (!continuation) {
                    skipping = l.regionMatches(true, 0, "X-DCC-", 0, 6) && l.toLowerCase(Locale.ROOT).matches("(?s)x-dcc-[^:]*-metrics:.*");
                }
                if (!skipping) {
                    hs.append(l);
                }
            }
            sb.append(hs).append(crlf ? header.replace("\n", "\r\n") + "\r\n" : header + "\n");
            sb.append(crlf ? "\r\n" : "\n");
            byte[] head = sb.toString().getBytes(StandardCharsets.ISO_8859_1);
            byte[] rest = p.body.toByteArray();
            byte[] all = java.util.Arrays.copyOf(head, head.length + rest.length);
            System.arraycopy(rest, 0, all, head.length, rest.length);
            return all;
        }
        if (wantHeader) {
            sb.append(header).append('\n');
            if (p.options.contains("cksums")) {
                sb.append(checksumTable(p, v));
            }
            sb.append('\n');
        }
        return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /**
     * The {@code cksums} table in dccifd 2.3.167's layout: a title line, then one row per checksum (label, four
     * 8-digit hex words, the server's count before this report, the reject threshold or the whitelist word). The
     * hex words are this model's own (MD5 of the value), not DCC's checksums.
     */
    private String checksumTable(Parse p, Verdict v) {
        boolean counts = v.server && !v.whitelisted;
        boolean thold = !v.whitelisted && !v.blacklisted && !v.shortBody && rejectAt != Integer.MAX_VALUE;
        boolean wlistWord = v.whitelisted || v.blacklisted;
        StringBuilder t = new StringBuilder();
        String reported = "reported: " + (v.whitelisted ? 0 : v.reported) + (v.blacklisted ? " spam" : "");
        t.append(pad("", 28)).append(padRight(reported, 26)).append("checksum").append(counts ? "  server" : "        ")
            .append(wlistWord ? " wlist" : thold ? " thold" : "");
        t.setLength(t.toString().replaceAll(" +$", "").length());
        t.append('\n');
        String count = v.blacklisted ? "many" : Integer.toString(v.prior);
        String ip = String.valueOf(p.clientIp);
        row(t, "IP", ip, null, null);
        row(t, "env_From", p.sender, null, v.blacklisted ? "many" : v.whitelisted ? "ok" : null);
        if (p.fromHeader != null) {
            row(t, "From", p.fromHeader, null, null);
        }
        if (p.helo != null && !p.helo.isEmpty()) {
            row(t, "substitute helo", p.helo, null, null);
        }
        if (p.messageId != null) {
            row(t, "Message-ID", p.messageId, null, null);
        }
        if (p.firstReceived != null) {
            row(t, "Received", p.firstReceived, null, null);
        }
        if (!v.shortBody) {
            String th = thold ? Integer.toString(rejectAt) : null;
            row(t, "Body", p.bodyChecksum, counts ? count : null, th);
            row(t, "Fuz1", p.bodyChecksum, counts ? count : null, th);
            row(t, "Fuz2", p.bodyChecksum + "2", counts ? count : null, th);
        }
        row(t, "rep-total", ip, counts ? Integer.toString(v.repTotal) : null, thold ? Integer.toString(REP_THRESHOLD) : null);
        row(t, "rep", ip, counts ? Integer.toString(v.repSpam) : null, null);
        String domain = p.sender == null ? "" : p.sender.substring(p.sender.indexOf('@') + 1);
        row(t, "substitute mail_host", domain, null, null);
        return t.toString();
    }

    private static void row(StringBuilder t, String label, String value, String server, String third) {
        StringBuilder r = new StringBuilder(pad(label, 25)).append(": ").append(words(value));
        if (server != null || third != null) {
            r.append(pad(server == null ? "" : server, 8));
        }
        if (third != null) {
            r.append(pad(third, 6));
        }
        t.append(r).append('\n');
    }

    private static String words(String value) {
        String h = md5Hex(value == null ? "" : value);
        return h.substring(0, 8) + " " + h.substring(8, 16) + " " + h.substring(16, 24) + " " + h.substring(24, 32);
    }

    private static String pad(String s, int width) {
        StringBuilder sb = new StringBuilder();
        for (int i = s.length(); i < width; i++) {
            sb.append(' ');
        }
        return sb.append(s).toString();
    }

    private static String padRight(String s, int width) {
        StringBuilder sb = new StringBuilder(s);
        while (sb.length() < width) {
            sb.append(' ');
        }
        return sb.toString();
    }

    private static String md5Hex(String s) {
        try {
            return hex(MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String stripBrackets(String s) {
        if (s == null) {
            return "";
        }
        return s.startsWith("<") && s.endsWith(">") && s.length() >= 2 ? s.substring(1, s.length() - 1) : s;
    }

    /** The model's Body checksum: SHA-256 of the body without CR and white space. */
    static String bodyChecksum(byte[] body) {
        MessageDigest d = sha256();
        for (byte b : body) {
            if (b != '\r' && b != ' ' && b != '\t' && b != '\n') {
                d.update(b);
            }
        }
        return hex(d.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String hex(byte[] b) {
        StringBuilder sb = new StringBuilder(b.length * 2);
        for (byte x : b) {
            sb.append(Character.forDigit((x >> 4) & 0xf, 16)).append(Character.forDigit(x & 0xf, 16));
        }
        return sb.toString();
    }

    @Override
    public void close() {
        closed = true;
        for (ServerSocket ss : listeners) {
            try {
                ss.close();
            } catch (IOException ignored) {
                // closing
            }
        }
        for (Socket s : open) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing
            }
        }
        pool.shutdownNow();
        try {
            pool.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (unixSocket != null) {
            unixSocket.delete();
        }
    }

    /** Runs a simulator from the command line: {@code [--tcp] [--unix PATH] [--force X] [--greylist] [--reject-at N]}. */
    public static void main(String[] args) throws Exception {
        DccifdSimulator sim = new DccifdSimulator();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--tcp":
                    sim.listenTcp();
                    System.out.println("tcp 127.0.0.1 " + sim.tcpPort());
                    break;
                case "--unix":
                    sim.listenUnix(new File(args[++i]));
                    System.out.println("unix " + sim.unixSocket());
                    break;
                case "--force":
                    sim.force(args[++i].charAt(0));
                    break;
                case "--greylist":
                    sim.greylist(true, Duration.ZERO);
                    break;
                case "--reject-at":
                    sim.rejectAt(Integer.parseInt(args[++i]));
                    break;
                default:
                    throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        Thread.currentThread().join();
    }
}
