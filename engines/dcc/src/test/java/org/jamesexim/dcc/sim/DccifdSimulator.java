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
 * A dccifd simulator for tests: speaks the dccifd ASCII protocol as dccifd(8), include/dccif.h and dccifd/dccifd.c
 * of DCC 2.3.167 describe it, over TCP (127.0.0.1) and/or a unix socket. Nothing of it goes into the drop-in JAR.
 *
 * <p><b>What it reads, as dccifd does</b> (each line ends in LF; trailing CRs are dropped):</p>
 * <ol>
 *   <li>options: blank-separated words, any case, from {@code header cksums body query grey-off no-grey grey-query
 *       no-reject spam log rcvd-nxt rcvd-next}; an unknown word makes it close the connection without a reply;</li>
 *   <li>the client IP, optionally followed by CR and the client name ({@code ""}, {@code 0.0.0.0} or
 *       {@code 0.0.0.0\r0.0.0.0}: the IP is taken from the first {@code Received:} header instead);</li>
 *   <li>the HELO value; 4. the envelope sender;</li>
 *   <li>recipients, one a line, each optionally followed by CR and a local user name; {@code <...>} is stripped;
 *       an empty line ends the list; {@code <>} or an empty address makes it close without a reply;</li>
 *   <li>the message (headers, blank line, body) until EOF (the client's half-close). A request cut before the
 *       recipient list ends is "truncated" and gets no reply.</li>
 * </ol>
 * <p><b>What it answers</b>: the result byte and LF; one byte per recipient ({@code G} for all when greylisted,
 * {@code R} for a recipient that rejects, else {@code A}) and LF; then with {@code body} the message with its
 * {@code X-DCC-*-Metrics} headers replaced by the new one (CRLF line ends if most header lines had them), else with
 * {@code header}/{@code cksums} the X-DCC header (folded with LF TAB before column 78), for {@code cksums} a checksum
 * table, and a blank line. Then it closes.</p>
 *
 * <p><b>How it decides</b> (a model of dccifd with a DCC server behind it): every non-query request reports its body
 * checksum, so {@code Body}/{@code Fuz1}/{@code Fuz2} count the reports of the same body ({@code many} at or above
 * {@link #manyAt}); a count at or above the reject threshold ({@link #rejectAt}, dccifd {@code -t}) gives {@code R};
 * greylisting ({@link #greylist}, dccifd {@code -G on}) embargoes each new (client IP, sender, recipient) triple once,
 * unless {@code grey-off}/{@code no-grey}; {@link #force} overrides the result byte; faults ({@link Fault}) simulate a
 * broken daemon. Every request is recorded ({@link #requests()}).</p>
 */
public final class DccifdSimulator implements AutoCloseable {
    /** dccifd's option words (include/dccif.h). */
    static final Set<String> OPTIONS = Set.of("header", "cksums", "body", "query", "grey-off", "no-grey", "grey-query",
        "no-reject", "spam", "log", "rcvd-nxt", "rcvd-next");
    /** DCC's "many" count, written as {@code many} in the header. */
    public static final int MANY = 16_777_200;
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
    private volatile int manyAt = 10;
    private volatile Fault fault = Fault.NONE;
    private volatile Duration delay = Duration.ofSeconds(1);
    private volatile String brand = "SIM";
    private volatile String hostname = "sim.dcc.test";
    private volatile int serverId = 1201;
    private volatile String headerText;
    private final Set<String> rejectingRecipients = Collections.synchronizedSet(new HashSet<>());
    private final Set<String> whitelistedSenders = Collections.synchronizedSet(new HashSet<>());

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

    /** Recipients (addresses, any case) whose per-user settings reject bulk mail: {@code R} on line 2. */
    public DccifdSimulator rejectingRecipient(String address) {
        rejectingRecipients.add(address.toLowerCase(Locale.ROOT));
        return this;
    }

    /** Senders on the whiteclnt list: header {@code X-DCC--Metrics: host; whitelist}, never rejected. */
    public DccifdSimulator whitelistSender(String address) {
        whitelistedSenders.add(address.toLowerCase(Locale.ROOT));
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
        String bodyChecksum;
        int bodyCount;
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
        char result = decide(p);
        String perRecipient = perRecipient(p, result);
        byte[] tail = tail(p, result);
        requests.add(new Request(p, result));
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
            if (addr.startsWith("<") && addr.endsWith(">") && addr.length() >= 2) {
                addr = addr.substring(1, addr.length() - 1);
                if (addr.isEmpty()) {
                    return "null recipient address";
                }
            }
            int comma = addr.lastIndexOf(',');
            if (comma >= 0) {
                addr = addr.substring(comma + 1);
            }
            if (addr.isEmpty()) {
                return "null recipient";
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
                body.update((byte) c);
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
                }
                if (p.headers.length() < KEEP_RAW) {
                    p.headers.append(l);
                }
            }
        }
        p.messageLength = n;
        p.sha256 = hex(all.digest());
        p.bodyChecksum = hex(body.digest());
        if (p.clientIp == null && p.firstReceived != null) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\[([0-9a-fA-F.:]+)\\]").matcher(p.firstReceived);
            if (m.find()) {
                p.clientIp = m.group(1);
            }
        }
    }

    private synchronized char decide(Parse p) {
        boolean query = p.options.contains("query");
        int count = bodyReports.getOrDefault(p.bodyChecksum, 0);
        if (!query && !p.recipients.isEmpty()) {
            count = count >= MANY ? MANY : count + 1;
            bodyReports.put(p.bodyChecksum, count);
        }
        p.bodyCount = count;
        Character forced = force;
        if (forced != null) {
            return forced;
        }
        if (p.sender != null && whitelistedSenders.contains(stripBrackets(p.sender).toLowerCase(Locale.ROOT))) {
            return 'A';
        }
        boolean greyOff = p.options.contains("grey-off") || p.options.contains("no-grey");
        if (greylist && !greyOff && !p.recipients.isEmpty()) {
            long now = System.currentTimeMillis();
            boolean embargoed = false;
            for (String rcpt : p.recipients) {
                String triple = p.clientIp + "|" + stripBrackets(p.sender).toLowerCase(Locale.ROOT) + "|" + rcpt.toLowerCase(Locale.ROOT);
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
            if (embargoed) {
                return 'G';
            }
        }
        boolean noReject = p.options.contains("no-reject");
        boolean spam = p.options.contains("spam") || count >= rejectAt;
        boolean someRecipientRejects = false;
        for (String rcpt : p.recipients) {
            if (spam && rejectingRecipients.contains(rcpt.toLowerCase(Locale.ROOT))) {
                someRecipientRejects = true;
            }
        }
        if (!noReject && spam && (rejectingRecipients.isEmpty() || someRecipientRejects)) {
            return 'R';
        }
        return 'A';
    }

    private String perRecipient(Parse p, char result) {
        StringBuilder sb = new StringBuilder();
        for (String rcpt : p.recipients) {
            if (result == 'G') {
                sb.append('G');
            } else if (result == 'R' && (rejectingRecipients.isEmpty() || rejectingRecipients.contains(rcpt.toLowerCase(Locale.ROOT)))) {
                sb.append('R');
            } else {
                sb.append('A');
            }
        }
        return sb.toString();
    }

    /** The X-DCC header dccifd would build (without the final LF), as in dcclib/xhdr.c. */
    String header(Parse p, char result) {
        String fixed = headerText;
        if (fixed != null) {
            return fixed;
        }
        if (p.sender != null && whitelistedSenders.contains(stripBrackets(p.sender).toLowerCase(Locale.ROOT))) {
            return "X-DCC--Metrics: " + hostname + "; whitelist";
        }
        StringBuilder h = new StringBuilder("X-DCC-" + brand + "-Metrics: " + hostname + " " + serverId + ";");
        int col = h.length();
        List<String> items = new ArrayList<>();
        int count = p.bodyCount;
        if (count >= manyAt || result == 'R') {
            items.add("bulk");
        }
        String c = count >= manyAt ? "many" : Integer.toString(count);
        items.add("Body=" + c);
        items.add("Fuz1=" + c);
        items.add("Fuz2=" + c);
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

    private byte[] tail(Parse p, char result) {
        boolean body = p.options.contains("body");
        boolean wantHeader = p.options.contains("header") || p.options.contains("cksums");
        StringBuilder sb = new StringBuilder();
        String header = header(p, result);
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
            sb.append("[body not kept by the simulator]\n");
            return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
        }
        if (wantHeader) {
            sb.append(header).append('\n');
            if (p.options.contains("cksums")) {
                sb.append("                            reported: ").append(p.bodyCount >= MANY ? "many" : Integer.toString(p.bodyCount))
                    .append("               checksum  server\n");
                sb.append("       IP: ").append(p.clientIp == null ? "" : p.clientIp).append('\n');
                sb.append("     body: ").append(p.bodyChecksum, 0, 32).append('\n');
            }
            sb.append('\n');
        }
        return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String stripBrackets(String s) {
        if (s == null) {
            return "";
        }
        return s.startsWith("<") && s.endsWith(">") && s.length() >= 2 ? s.substring(1, s.length() - 1) : s;
    }

    static String bodyChecksum(byte[] body) {
        MessageDigest d = sha256();
        d.update(body);
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
