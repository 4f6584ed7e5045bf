package org.jamesexim.queuefile;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jamesexim.common.LogText;

/**
 * Converts between a {@link SpooledMessage} and Exim's {@code -H}/{@code -D} pair.
 *
 * <p>Written: {@code -received_time_usec}, {@code --helo_name}, {@code --host_address [ip]:port},
 * {@code --host_name}, {@code --auth_id}, one {@code --aclc}/{@code --aclm} per String attribute named
 * {@code jexim.acl_c...}/{@code jexim.acl_m...} (Exim's ACL variables), {@code -aclm _jexim_envelope} (the
 * whole James envelope as JSON, so a round trip through Exim's format loses nothing), {@code -body_linecount},
 * {@code -deliver_firsttime}, {@code -dsn_envid}, {@code -dsn_ret}; recipients with their DSN flags and ORCPT;
 * headers with Exim's flags. The body goes to {@code -D} with LF line ends (Exim's spool form).</p>
 *
 * <p>Read: the sender, the recipients not yet delivered (recipients minus the non-recipients tree), the same
 * options, all ACL variables (as {@code jexim.acl_*} attributes), the live headers ({@code *} deleted ones are
 * dropped) and the body with CRLF line ends. The {@code -H} is authoritative: a scanner may have changed it,
 * so its values win over those in {@code _jexim_envelope}. Thread-safe.</p>
 */
public final class EximSpoolCodec {
    /** The ACL variable holding James's envelope (Exim name {@code acl_m_jexim_envelope}). */
    public static final String ENVELOPE_VARIABLE = "_jexim_envelope";
    /** Attribute names that map to Exim ACL variables: {@code jexim.acl_m_scan} ↔ {@code -aclm _scan}. */
    public static final String ACL_ATTRIBUTE_PREFIX = "jexim.acl_";
    private static final Pattern ACL_ATTRIBUTE = Pattern.compile("jexim\\.acl_([cm])([0-9]|_[A-Za-z0-9_]+)");

    private final JamesEnvelopeCodec json = new JamesEnvelopeCodec();

    /** An encoded pair: the {@code -H} model and the full {@code -D} file bytes. */
    public static final class Pair {
        private final EximHeaderFile header;
        private final byte[] dataFile;

        Pair(EximHeaderFile header, byte[] dataFile) {
            this.header = header;
            this.dataFile = dataFile;
        }

        public EximHeaderFile header() { return header; }
        public byte[] dataFile() { return dataFile; }
    }

    public Pair encode(SpooledMessage m, String id, String login, long uid, long gid) {
        SpoolEnvelope e = m.envelope();
        byte[] c = m.content();
        List<EximHeaderFile.Header> headers = new ArrayList<>();
        int bodyStart = splitHeaders(c, headers);
        byte[] body = crlfToLf(c, bodyStart);
        long lines = 0;
        for (byte b : body) {
            if (b == '\n') {
                lines++;
            }
        }

        List<EximHeaderFile.Option> opts = new ArrayList<>();
        Instant t = e.receivedTime();
        opts.add(EximHeaderFile.Option.of("received_time_usec", String.format(".%06d", t.getNano() / 1000)));
        if (e.heloName() != null) {
            opts.add(EximHeaderFile.Option.tainted("helo_name", oneLine(e.heloName())));
        }
        if (e.remoteAddr() != null) {
            opts.add(EximHeaderFile.Option.tainted("host_address", "[" + oneLine(e.remoteAddr()) + "]:" + e.remotePort()));
            if (e.remoteHost() != null && !e.remoteHost().equals(e.remoteAddr())) {
                opts.add(EximHeaderFile.Option.tainted("host_name", oneLine(e.remoteHost())));
            }
        }
        if (e.authUser() != null) {
            opts.add(EximHeaderFile.Option.tainted("auth_id", oneLine(e.authUser())));
        }
        for (Map.Entry<String, String> a : e.attributes().entrySet()) {
            Matcher am = ACL_ATTRIBUTE.matcher(a.getKey());
            String v = am.matches() ? json.stringAttributeValue(a.getValue()) : null;
            if (v != null) {
                opts.add(EximHeaderFile.Option.aclVariable(am.group(1).charAt(0), am.group(2), EximHeaderFile.bytes(v), true));
            }
        }
        String envJson = new String(json.encode(e, id, null, -1, null), StandardCharsets.UTF_8);
        opts.add(EximHeaderFile.Option.aclVariable('m', ENVELOPE_VARIABLE, EximHeaderFile.bytes(envJson), false));
        opts.add(EximHeaderFile.Option.of("body_linecount", Long.toString(lines)));
        opts.add(EximHeaderFile.Option.of("deliver_firsttime", null));
        if (e.dsnEnvid() != null) {
            opts.add(EximHeaderFile.Option.tainted("dsn_envid", oneLine(EximHeaderFile.bytes(e.dsnEnvid()))));
        }
        if (e.dsnRet() != null) {
            opts.add(EximHeaderFile.Option.of("dsn_ret", e.dsnRet().equals("FULL") ? "1" : "2"));
        }
        List<EximHeaderFile.Recipient> rcpts = new ArrayList<>();
        for (SpoolRecipient r : e.recipients()) {
            rcpts.add(EximHeaderFile.Recipient.of(EximHeaderFile.bytes(r.address()), EximHeaderFile.bytes(r.orcpt()),
                    r.eximDsnFlags(), EximHeaderFile.bytes(r.errorsTo())));
        }
        String sender = e.sender() == null ? "" : EximHeaderFile.bytes(e.sender());
        EximHeaderFile h = new EximHeaderFile(id, login, uid, gid, sender, t.getEpochSecond(), 0, opts, List.of(), rcpts, headers);
        byte[] idLine = (id + "-D\n").getBytes(StandardCharsets.US_ASCII);
        byte[] d = new byte[idLine.length + body.length];
        System.arraycopy(idLine, 0, d, 0, idLine.length);
        System.arraycopy(body, 0, d, idLine.length, body.length);
        return new Pair(h, d);
    }

    private static String oneLine(String v) {
        return v.replace('\n', ' ').replace('\r', ' ').replace('\0', ' ');
    }

    /** The recipients still to be delivered: all recipients minus the non-recipients tree. */
    public static List<EximHeaderFile.Recipient> pendingRecipients(EximHeaderFile h) {
        Set<String> done = h.nonRecipients();
        List<EximHeaderFile.Recipient> out = new ArrayList<>();
        for (EximHeaderFile.Recipient r : h.recipients()) {
            if (!done.contains(r.address())) {
                out.add(r);
            }
        }
        return out;
    }

    /**
     * The message of a parsed {@code -H} and its {@code -D} bytes. Linear; bad input of any kind is a
     * {@link SpoolFormatException} (never another exception), and the envelope is within {@link SpoolLimits}.
     */
    public SpooledMessage decode(EximHeaderFile h, byte[] dataFile) throws SpoolFormatException {
        String source = "Exim spool message " + h.id();
        try {
            return decodeChecked(h, dataFile, source);
        } catch (SpoolFormatException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new SpoolFormatException(source + ": " + LogText.escape(String.valueOf(e.getMessage()), 300));
        }
    }

    private SpooledMessage decodeChecked(EximHeaderFile h, byte[] dataFile, String source) throws SpoolFormatException {
        byte[] idLine = (h.id() + "-D\n").getBytes(StandardCharsets.US_ASCII);
        if (dataFile.length < idLine.length || !startsWith(dataFile, idLine)) {
            throw new SpoolFormatException(source + ": -D file does not start with its id line '" + h.id() + "-D'");
        }
        EximHeaderFile.Option lc = h.option("body_linecount");
        if (lc != null && (lc.value() == null || !lc.value().trim().matches("\\d{1,18}"))) {
            throw new SpoolFormatException(source + ": -body_linecount " + LogText.quote(lc.value()) + " is not a line count");
        }
        if (lc != null) {
            long expected = Long.parseLong(lc.value().trim());
            long lf = 0;
            for (int i = idLine.length; i < dataFile.length; i++) {
                if (dataFile[i] == '\n') {
                    lf++;
                }
            }
            if (expected != lf) {
                throw new SpoolFormatException(source + ": -D has " + lf + " lines, -H says -body_linecount " + expected
                        + " (-D incomplete or changed)");
            }
        }
        List<EximHeaderFile.Recipient> pending = pendingRecipients(h);
        if (pending.isEmpty()) {
            throw new SpoolFormatException(source + ": no undelivered recipients (all are in the non-recipients tree)");
        }
        SpoolEnvelope.Builder b;
        EximHeaderFile.Option envOpt = null;
        for (EximHeaderFile.Option o : h.options()) {
            if (ENVELOPE_VARIABLE.equals(o.aclName()) && o.name().equals("aclm")) {
                envOpt = o;
            }
        }
        if (envOpt != null) {
            b = json.decode(envOpt.aclValue().getBytes(StandardCharsets.ISO_8859_1), source + " (" + ENVELOPE_VARIABLE + ")").envelope().toBuilder();
        } else {
            b = SpoolEnvelope.builder().name(null).state(null);
        }
        b.sender(h.sender().isEmpty() ? null : EximHeaderFile.utf8(h.sender()));
        List<SpoolRecipient> rcpts = new ArrayList<>();
        for (EximHeaderFile.Recipient r : pending) {
            rcpts.add(SpoolRecipient.fromExim(EximHeaderFile.utf8(r.address()), r.dsnFlags(), EximHeaderFile.utf8(r.orcpt()),
                    EximHeaderFile.utf8(r.errorsTo())));
        }
        b.recipients(rcpts);
        long usec = 0;
        EximHeaderFile.Option us = h.option("received_time_usec");
        if (us != null && us.value() != null) {
            try {
                usec = Long.parseLong(us.value().replace(".", ""));
            } catch (NumberFormatException ignored) {
                usec = 0;
            }
        }
        b.receivedTime(Instant.ofEpochSecond(h.receivedTime(), usec * 1000));
        b.heloName(utf8Value(h, "helo_name"));
        b.authUser(utf8Value(h, "auth_id"));
        String hostAddress = utf8Value(h, "host_address");
        if (hostAddress != null) {
            String addr = parseHostAddress(hostAddress, b);
            String hostName = utf8Value(h, "host_name");
            b.remoteHost(hostName != null ? hostName : addr);
        } else {
            b.remoteAddr(null).remoteHost(null).remotePort(0);
        }
        b.dsnEnvid(utf8Value(h, "dsn_envid"));
        String ret = h.option("dsn_ret") == null ? null : h.option("dsn_ret").value();
        b.dsnRet("1".equals(ret) ? "FULL" : "2".equals(ret) ? "HDRS" : null);
        for (EximHeaderFile.Option o : h.options()) {
            if (o.aclValue() != null && !ENVELOPE_VARIABLE.equals(o.aclName())) {
                char kind = o.name().charAt(3);
                b.attribute(ACL_ATTRIBUTE_PREFIX + kind + o.aclName(), json.stringAttribute(EximHeaderFile.utf8(o.aclValue())));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(dataFile.length + 4096);
        for (EximHeaderFile.Header hd : h.headers()) {
            if (hd.flag() != EximHeaderFile.FLAG_DELETED) {
                byte[] t = hd.text().getBytes(StandardCharsets.ISO_8859_1);
                lfToCrlf(t, 0, t.length, out);
            }
        }
        out.write('\r');
        out.write('\n');
        if (h.hasOption("spool_file_wireformat")) {
            out.write(dataFile, idLine.length, dataFile.length - idLine.length);
        } else {
            lfToCrlf(dataFile, idLine.length, dataFile.length, out);
        }
        SpoolEnvelope envelope;
        try {
            envelope = b.build();
            SpoolLimits.check(envelope);
        } catch (IllegalArgumentException e) {
            throw new SpoolFormatException(source + ": " + LogText.escape(e.getMessage(), 300));
        }
        return new SpooledMessage(h.id(), envelope, out.toByteArray(), h.hasOption("frozen"));
    }

    private static String utf8Value(EximHeaderFile h, String name) {
        EximHeaderFile.Option o = h.option(name);
        return o == null ? null : EximHeaderFile.utf8(o.value());
    }

    /** {@code [ip]:port}, or the older {@code ip.port}; sets both and returns the address. */
    static String parseHostAddress(String v, SpoolEnvelope.Builder b) {
        String addr = v;
        int port = 0;
        if (v.startsWith("[")) {
            int close = v.indexOf(']');
            if (close > 0) {
                addr = v.substring(1, close);
                if (v.length() > close + 2 && v.charAt(close + 1) == ':') {
                    port = parsePort(v.substring(close + 2));
                }
            }
        } else {
            int dot = v.lastIndexOf('.');
            if (dot > 0 && v.substring(dot + 1).chars().allMatch(Character::isDigit) && v.indexOf(':') < 0
                    && v.chars().filter(ch -> ch == '.').count() == 4) {
                addr = v.substring(0, dot);
                port = parsePort(v.substring(dot + 1));
            }
        }
        b.remoteAddr(addr).remotePort(port);
        return addr;
    }

    private static int parsePort(String s) {
        try {
            int p = Integer.parseInt(s);
            return p >= 0 && p <= 65535 ? p : 0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static boolean startsWith(byte[] a, byte[] prefix) {
        for (int i = 0; i < prefix.length; i++) {
            if (a[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Splits the header section of {@code c} into Exim headers (LF line ends) and returns the offset of the body
     * (after the empty line; at a line that is neither a header field nor a continuation, as Exim does).
     */
    static int splitHeaders(byte[] c, List<EximHeaderFile.Header> out) {
        int pos = 0;
        StringBuilder cur = null;
        while (pos < c.length) {
            int nl = indexOf(c, (byte) '\n', pos);
            int end = nl < 0 ? c.length : nl;
            int textEnd = end > pos && c[end - 1] == '\r' ? end - 1 : end;
            int next = nl < 0 ? c.length : nl + 1;
            if (textEnd == pos) {
                flush(cur, out);
                return next;
            }
            boolean continuation = c[pos] == ' ' || c[pos] == '\t';
            if (continuation && cur != null) {
                cur.append(new String(c, pos, textEnd - pos, StandardCharsets.ISO_8859_1)).append('\n');
            } else if (!continuation && isFieldStart(c, pos, textEnd)) {
                flush(cur, out);
                cur = new StringBuilder(new String(c, pos, textEnd - pos, StandardCharsets.ISO_8859_1)).append('\n');
            } else {
                flush(cur, out);
                return pos;
            }
            pos = next;
        }
        flush(cur, out);
        return c.length;
    }

    private static boolean isFieldStart(byte[] c, int from, int to) {
        for (int i = from; i < to; i++) {
            byte b = c[i];
            if (b == ':') {
                return i > from;
            }
            if (b <= 32 || b >= 127) {
                return false;
            }
        }
        return false;
    }

    private static void flush(StringBuilder cur, List<EximHeaderFile.Header> out) {
        if (cur != null) {
            String text = cur.toString();
            out.add(new EximHeaderFile.Header(EximHeaderFile.Header.flagFor(text), text));
        }
    }

    private static int indexOf(byte[] a, byte v, int from) {
        for (int i = from; i < a.length; i++) {
            if (a[i] == v) {
                return i;
            }
        }
        return -1;
    }

    static byte[] crlfToLf(byte[] c, int from) {
        byte[] out = new byte[c.length - from];
        int n = 0;
        for (int i = from; i < c.length; i++) {
            if (c[i] == '\r' && i + 1 < c.length && c[i + 1] == '\n') {
                continue;
            }
            out[n++] = c[i];
        }
        if (n == out.length) {
            return out;
        }
        byte[] r = new byte[n];
        System.arraycopy(out, 0, r, 0, n);
        return r;
    }

    static void lfToCrlf(byte[] c, int from, int to, ByteArrayOutputStream out) {
        int start = from;
        for (int i = from; i < to; i++) {
            if (c[i] == '\n' && (i == from || c[i - 1] != '\r')) {
                out.write(c, start, i - start);
                out.write('\r');
                out.write('\n');
                start = i + 1;
            }
        }
        out.write(c, start, to - start);
    }
}
