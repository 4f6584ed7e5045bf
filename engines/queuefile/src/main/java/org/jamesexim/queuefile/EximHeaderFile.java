package org.jamesexim.queuefile;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

import org.jamesexim.common.LogText;

/**
 * An Exim spool {@code -H} file, parsed into its parts and written back byte for byte (Exim spec,
 * "Format of spool files"; Exim 4.96 {@code spool_in.c}/{@code spool_out.c}).
 *
 * <p>All text is held as ISO-8859-1 strings, one char per byte, so that any byte sequence (UTF-8 addresses,
 * 8-bit headers) survives parse → serialise unchanged; {@link #utf8(String)} decodes a field for display.
 * Immutable.</p>
 *
 * <pre>
 * 1xWH8b-00051i-2t-H          id line
 * root 0 0                    login uid gid of the originator
 * &lt;alice@sender.example&gt;      sender (&lt;&gt; for bounces)
 * 1795629033 0                time received, delay warnings sent
 * -name value / --name value  options ("--" = tainted); -aclc/-aclm NAME LEN + LEN bytes + LF
 * XX                          non-recipients tree (or preorder lines "YN addr")
 * 2                           recipient count, then one recipient per line
 * (empty line)
 * 035F From: ...              headers: byte length, flag, space, text incl. continuation lines and final LF
 * </pre>
 */
public final class EximHeaderFile {
    /** Header flags Exim gives to headers it recognises (htype_*), plus space (other) and {@code *} (deleted). */
    public static final char FLAG_OTHER = ' ';
    public static final char FLAG_DELETED = '*';

    private final String id;
    private final String login;
    private final long uid;
    private final long gid;
    private final String sender;
    private final long receivedTime;
    private final int warningCount;
    private final List<Option> options;
    private final List<String> nonRecipientTree;
    private final List<Recipient> recipients;
    private final List<Header> headers;

    public EximHeaderFile(String id, String login, long uid, long gid, String sender, long receivedTime, int warningCount,
                          List<Option> options, List<String> nonRecipientTree, List<Recipient> recipients, List<Header> headers) {
        if (!EximMessageIds.isValid(id)) {
            throw new IllegalArgumentException("not an Exim message id: " + LogText.quote(id));
        }
        this.id = id;
        this.login = requireLine("login", login);
        if (login.isEmpty() || login.indexOf(' ') >= 0) {
            throw new IllegalArgumentException("originator login must be one word: " + LogText.quote(login));
        }
        this.uid = uid;
        this.gid = gid;
        this.sender = requireLine("sender", sender);
        this.receivedTime = receivedTime;
        this.warningCount = warningCount;
        this.options = List.copyOf(options);
        this.nonRecipientTree = List.copyOf(nonRecipientTree);
        this.recipients = List.copyOf(recipients);
        if (this.recipients.size() > 16384) {
            throw new IllegalArgumentException("Exim accepts at most 16384 recipients in a spool file, got " + this.recipients.size());
        }
        this.headers = List.copyOf(headers);
    }

    private static String requireLine(String what, String v) {
        Objects.requireNonNull(v, what);
        if (v.indexOf('\n') >= 0 || v.indexOf('\0') >= 0) {
            throw new IllegalArgumentException(what + " contains a newline or NUL");
        }
        return v;
    }

    public String id() { return id; }
    public String login() { return login; }
    public long uid() { return uid; }
    public long gid() { return gid; }
    /** The sender without the angle brackets, "" for the null sender; ISO-8859-1 bytes. */
    public String sender() { return sender; }
    public long receivedTime() { return receivedTime; }
    public int warningCount() { return warningCount; }
    public List<Option> options() { return options; }
    /** The raw preorder lines of the non-recipients tree, empty when the file says {@code XX}. */
    public List<String> nonRecipientTree() { return nonRecipientTree; }
    public List<Recipient> recipients() { return recipients; }
    public List<Header> headers() { return headers; }

    /** Addresses already delivered (the non-recipients tree), as ISO-8859-1 byte strings. */
    public Set<String> nonRecipients() {
        Set<String> s = new LinkedHashSet<>();
        for (String line : nonRecipientTree) {
            s.add(line.substring(3));
        }
        return Collections.unmodifiableSet(s);
    }

    /** The first option with that name (without dashes), or null. */
    public Option option(String name) {
        for (Option o : options) {
            if (o.name().equals(name)) {
                return o;
            }
        }
        return null;
    }

    public boolean hasOption(String name) {
        return option(name) != null;
    }

    /** Decodes a byte string of this file as UTF-8 (the usual encoding of SMTPUTF8 addresses). */
    public static String utf8(String latin1) {
        return latin1 == null ? null : new String(latin1.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
    }

    /** Encodes a Java string as the byte string this class holds (UTF-8 bytes, one char each). */
    public static String bytes(String javaString) {
        return javaString == null ? null : new String(javaString.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }

    /** Size Exim's {@code -bp} shows: live header bytes + body bytes + 1 (the body length excludes the id line). */
    public long eximListedSize(long bodyBytes) {
        long n = 0;
        for (Header h : headers) {
            if (h.flag() != FLAG_DELETED) {
                n += h.text().length();
            }
        }
        return n + bodyBytes + 1;
    }

    public byte[] toBytes() {
        StringBuilder sb = new StringBuilder(1024);
        sb.append(id).append("-H\n");
        sb.append(login).append(' ').append(uid).append(' ').append(gid).append('\n');
        sb.append('<').append(sender).append(">\n");
        sb.append(receivedTime).append(' ').append(warningCount).append('\n');
        for (Option o : options) {
            sb.append(o.tainted() ? "--" : "-").append(o.line()).append('\n');
            if (o.aclValue() != null) {
                sb.append(o.aclValue()).append('\n');
            }
        }
        if (nonRecipientTree.isEmpty()) {
            sb.append("XX\n");
        } else {
            for (String l : nonRecipientTree) {
                sb.append(l).append('\n');
            }
        }
        sb.append(recipients.size()).append('\n');
        for (Recipient r : recipients) {
            sb.append(r.line()).append('\n');
        }
        sb.append('\n');
        for (Header h : headers) {
            int len = h.text().length();
            sb.append(len < 100 ? String.format(Locale.ROOT, "%03d", len) : Integer.toString(len));
            sb.append(h.flag()).append(' ').append(h.text());
        }
        return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /**
     * Parses a {@code -H} file; {@code expectedId} (may be null) must match its id line. Linear in the size, with
     * the caps of {@link SpoolLimits} (file size, line length, options, tree lines, recipients, header fields);
     * whatever the bytes, the answer is a parsed file or a {@link SpoolFormatException} whose message is safe to log.
     */
    public static EximHeaderFile parse(byte[] data, String expectedId) throws SpoolFormatException {
        String file = "Exim -H file " + (expectedId == null ? "" : expectedId + "-H ");
        if (data.length > SpoolLimits.MAX_ENVELOPE_BYTES) {
            throw new SpoolFormatException(file + "has " + data.length + " bytes, more than the envelope limit of " + SpoolLimits.MAX_ENVELOPE_BYTES);
        }
        Parser p = new Parser(new String(data, StandardCharsets.ISO_8859_1), expectedId);
        try {
            return p.parse();
        } catch (RuntimeException e) {
            // a value our checks let through and a constructor refused: still the defined answer, never a crash
            throw p.error(LogText.escape(String.valueOf(e.getMessage()), 300));
        }
    }

    private static final class Parser {
        private final String s;
        private final String expectedId;
        private int pos;
        private int lineNo;

        Parser(String s, String expectedId) {
            this.s = s;
            this.expectedId = expectedId;
        }

        SpoolFormatException error(String what) {
            return new SpoolFormatException("Exim -H file " + (expectedId == null ? "" : expectedId + "-H ") + "line " + lineNo + ": " + what);
        }

        private String line() throws SpoolFormatException {
            int nl = s.indexOf('\n', pos);
            if (nl < 0) {
                throw error("unexpected end of file (the file is incomplete)");
            }
            if (nl - pos > SpoolLimits.MAX_LINE_BYTES) {
                lineNo++;
                throw error("line of " + (nl - pos) + " bytes, more than " + SpoolLimits.MAX_LINE_BYTES);
            }
            String l = s.substring(pos, nl);
            pos = nl + 1;
            lineNo++;
            return l;
        }

        EximHeaderFile parse() throws SpoolFormatException {
            String idLine = line();
            if (!idLine.endsWith("-H") || !EximMessageIds.isValid(idLine.substring(0, idLine.length() - 2))) {
                throw error("first line is not '<message id>-H': " + LogText.quote(idLine));
            }
            String id = idLine.substring(0, idLine.length() - 2);
            if (expectedId != null && !expectedId.equals(id)) {
                throw error("id line names " + id + ", file is " + expectedId + "-H");
            }
            String owner = line();
            String[] ow = owner.split(" ");
            if (ow.length < 3) {
                throw error("expected '<login> <uid> <gid>': " + LogText.quote(owner));
            }
            long uid;
            long gid;
            try {
                gid = Long.parseLong(ow[ow.length - 1]);
                uid = Long.parseLong(ow[ow.length - 2]);
            } catch (NumberFormatException e) {
                throw error("expected '<login> <uid> <gid>': " + LogText.quote(owner));
            }
            String login = owner.substring(0, owner.length() - ow[ow.length - 1].length() - ow[ow.length - 2].length() - 2);
            String senderLine = line();
            if (senderLine.length() < 2 || senderLine.charAt(0) != '<' || senderLine.charAt(senderLine.length() - 1) != '>') {
                throw error("sender line is not '<address>': " + LogText.quote(senderLine));
            }
            String sender = senderLine.substring(1, senderLine.length() - 1);
            String timeLine = line();
            String[] tw = timeLine.split(" ");
            long time;
            int warnings;
            try {
                time = Long.parseLong(tw[0]);
                warnings = Integer.parseInt(tw[1]);
            } catch (RuntimeException e) {
                throw error("expected '<time received> <warning count>': " + LogText.quote(timeLine));
            }
            List<Option> options = new ArrayList<>();
            String l = line();
            while (l.startsWith("-")) {
                if (options.size() >= SpoolLimits.MAX_OPTIONS) {
                    throw error("more than " + SpoolLimits.MAX_OPTIONS + " option lines");
                }
                boolean tainted = l.startsWith("--");
                String body = l.substring(tainted ? 2 : 1);
                String acl = null;
                if (body.startsWith("aclc ") || body.startsWith("aclm ")) {
                    String[] w = body.split(" ");
                    int len;
                    try {
                        len = Integer.parseInt(w[w.length - 1]);
                    } catch (NumberFormatException e) {
                        throw error("ACL variable line without a length: " + LogText.quote(l));
                    }
                    if (w.length != 3 || len < 0 || pos + len >= s.length()) {
                        throw error("ACL variable " + LogText.quote(l) + " runs past the end of the file");
                    }
                    acl = s.substring(pos, pos + len);
                    if (s.charAt(pos + len) != '\n') {
                        throw error("ACL variable value of " + LogText.quote(l) + " is not " + len + " bytes followed by a newline");
                    }
                    lineNo += newlines(acl) + 1;
                    pos += len + 1;
                }
                options.add(new Option(tainted, body, acl));
                l = line();
            }
            List<String> tree = new ArrayList<>();
            if (!l.equals("XX")) {
                int pending = 1;
                while (true) {
                    if (l.length() < 4 || "YN".indexOf(l.charAt(0)) < 0 || "YN".indexOf(l.charAt(1)) < 0 || l.charAt(2) != ' ') {
                        throw error("bad non-recipients tree line " + LogText.quote(l));
                    }
                    if (tree.size() >= SpoolLimits.MAX_TREE_LINES) {
                        throw error("more than " + SpoolLimits.MAX_TREE_LINES + " non-recipients tree lines");
                    }
                    tree.add(l);
                    pending += (l.charAt(0) == 'Y' ? 1 : 0) + (l.charAt(1) == 'Y' ? 1 : 0) - 1;
                    if (pending == 0) {
                        break;
                    }
                    l = line();
                }
            }
            String countLine = line();
            int count;
            try {
                count = Integer.parseInt(countLine.trim());
            } catch (NumberFormatException e) {
                throw error("expected the recipient count: " + LogText.quote(countLine));
            }
            if (count < 0 || count > SpoolLimits.MAX_RECIPIENTS) {
                throw error("recipient count " + count + " out of range 0.." + SpoolLimits.MAX_RECIPIENTS);
            }
            List<Recipient> recipients = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                String rl = line();
                try {
                    recipients.add(Recipient.parse(rl));
                } catch (IllegalArgumentException e) {
                    throw error(e.getMessage());
                }
            }
            if (!line().isEmpty()) {
                throw error("expected the empty line before the headers (recipient count wrong?)");
            }
            List<Header> headers = new ArrayList<>();
            while (pos < s.length()) {
                if (headers.size() >= SpoolLimits.MAX_HEADER_FIELDS) {
                    throw error("more than " + SpoolLimits.MAX_HEADER_FIELDS + " header fields");
                }
                int start = pos;
                while (pos < s.length() && s.charAt(pos) >= '0' && s.charAt(pos) <= '9') {
                    pos++;
                }
                if (pos == start || pos + 2 > s.length() || s.charAt(pos + 1) != ' ') {
                    throw error("header does not start with '<length><flag> ' at byte " + start);
                }
                if (pos - start > 9) {
                    throw error("header length " + LogText.quote(s.substring(start, pos)) + " of more than 9 digits at byte " + start);
                }
                int len = Integer.parseInt(s.substring(start, pos));
                char flag = s.charAt(pos);
                pos += 2;
                if (pos + len > s.length()) {
                    throw error("header of " + len + " bytes runs past the end of the file (size=" + len + ")");
                }
                String text = s.substring(pos, pos + len);
                if (text.indexOf('\0') >= 0 || !text.endsWith("\n")) {
                    int nl = text.indexOf('\n');
                    throw error("header length " + len + " does not end at a newline: " + LogText.quote(nl < 0 ? text : text.substring(0, nl)));
                }
                pos += len;
                lineNo += newlines(text);
                headers.add(new Header(flag, text));
            }
            return new EximHeaderFile(id, login, uid, gid, sender, time, warnings, options, tree, recipients, headers);
        }

        private static int newlines(String t) {
            int n = 0;
            for (int i = t.indexOf('\n'); i >= 0; i = t.indexOf('\n', i + 1)) {
                n++;
            }
            return n;
        }
    }

    /** A dash line: {@code -name [value]}, or an ACL variable {@code -aclm NAME LEN} with its value. Immutable. */
    public static final class Option {
        private final boolean tainted;
        private final String line;
        private final String aclValue;

        public Option(boolean tainted, String line, String aclValue) {
            this.tainted = tainted;
            this.line = requireLine("option", line);
            this.aclValue = aclValue;
        }

        public static Option of(String name, String value) {
            return new Option(false, value == null ? name : name + " " + value, null);
        }

        public static Option tainted(String name, String value) {
            return new Option(true, value == null ? name : name + " " + value, null);
        }

        /** {@code -aclm _scan 5} / {@code clean}: {@code kind} is {@code c} or {@code m}, name without the c/m. */
        public static Option aclVariable(char kind, String name, String value, boolean tainted) {
            if (kind != 'c' && kind != 'm') {
                throw new IllegalArgumentException("ACL variable kind must be c or m");
            }
            if (name.isEmpty() || name.indexOf(' ') >= 0 || name.indexOf('\n') >= 0) {
                throw new IllegalArgumentException("bad ACL variable name " + LogText.quote(name));
            }
            return new Option(tainted, "acl" + kind + " " + name + " " + value.length(), value);
        }

        public boolean tainted() { return tainted; }
        /** The line after the dash(es), without the newline. */
        public String line() { return line; }
        public String name() {
            int sp = line.indexOf(' ');
            return sp < 0 ? line : line.substring(0, sp);
        }
        /** The text after the name, or null. */
        public String value() {
            int sp = line.indexOf(' ');
            return sp < 0 ? null : line.substring(sp + 1);
        }
        /** For ACL variables: the value; otherwise null. */
        public String aclValue() { return aclValue; }
        /** For ACL variables: the variable name without the c/m ({@code _scan}); otherwise null. */
        public String aclName() {
            return aclValue == null ? null : line.split(" ")[1];
        }
    }

    /**
     * One recipient line: {@code addr}, or (Exim 4 "#3" form, parsed from the right)
     * {@code addr ORCPT ORCPTLEN,DSNFLAGS ERRORSTO ERRLEN,PNO#3}. Older forms are read too. Immutable.
     */
    public static final class Recipient {
        private final String address;
        private final String orcpt;
        private final int dsnFlags;
        private final String errorsTo;
        private final int pno;
        private final String line;

        private Recipient(String address, String orcpt, int dsnFlags, String errorsTo, int pno, String line) {
            this.address = address;
            this.orcpt = orcpt;
            this.dsnFlags = dsnFlags;
            this.errorsTo = errorsTo;
            this.pno = pno;
            this.line = line;
        }

        /** The line Exim 4.96 writes for these values. */
        public static Recipient of(String address, String orcpt, int dsnFlags, String errorsTo) {
            requireLine("recipient", address);
            if (address.isEmpty()) {
                throw new IllegalArgumentException("empty recipient address");
            }
            String o = orcpt == null ? "" : requireLine("orcpt", orcpt);
            String e = errorsTo == null ? "" : requireLine("errors_to", errorsTo);
            String line;
            if (o.isEmpty() && e.isEmpty() && dsnFlags == 0) {
                line = address;
            } else {
                line = address + " " + o + " " + o.length() + "," + dsnFlags + " " + e + " " + e.length() + ",-1#3";
            }
            return new Recipient(address, o.isEmpty() ? null : o, dsnFlags, e.isEmpty() ? null : e, -1, line);
        }

        static Recipient parse(String line) {
            if (line.isEmpty()) {
                throw new IllegalArgumentException("empty recipient line");
            }
            int p = line.length() - 1;
            while (p >= 0 && isDigit(line.charAt(p))) {
                p--;
            }
            if (p < 0) {
                return new Recipient(line, null, 0, null, -1, line);
            }
            char c = line.charAt(p);
            if (c == '#' && p < line.length() - 1) {
                int flags = Integer.parseInt(line.substring(p + 1));
                int end = p;
                String errorsTo = null;
                int pno = -1;
                if ((flags & 0x01) != 0) {
                    int q = end - 1;
                    while (q >= 0 && (isDigit(line.charAt(q)) || line.charAt(q) == ',' || line.charAt(q) == '-')) {
                        q--;
                    }
                    int[] lp = pair(line.substring(q + 1, end), line);
                    if (q < 0 || line.charAt(q) != ' ') {
                        throw new IllegalArgumentException("bad errors_to field in recipient line " + LogText.quote(line));
                    }
                    int len = lp[0];
                    pno = lp[1];
                    if (len > 0) {
                        if (q - len - 1 < 0 || line.charAt(q - len - 1) != ' ') {
                            throw new IllegalArgumentException("errors_to length " + len + " does not match recipient line " + LogText.quote(line));
                        }
                        errorsTo = line.substring(q - len, q);
                    }
                    end = q - len - 1;
                    if (end < 0 || line.charAt(end) != ' ') {
                        throw new IllegalArgumentException("bad errors_to field in recipient line " + LogText.quote(line));
                    }
                } else {
                    end = p;
                }
                String orcpt = null;
                int dsnFlags = 0;
                if ((flags & 0x02) != 0) {
                    int q = end - 1;
                    while (q >= 0 && (isDigit(line.charAt(q)) || line.charAt(q) == ',' || line.charAt(q) == '-')) {
                        q--;
                    }
                    int[] lp = pair(line.substring(q + 1, end), line);
                    if (q < 0 || line.charAt(q) != ' ') {
                        throw new IllegalArgumentException("bad ORCPT field in recipient line " + LogText.quote(line));
                    }
                    int len = lp[0];
                    dsnFlags = lp[1];
                    if (len > 0) {
                        if (q - len - 1 < 0 || line.charAt(q - len - 1) != ' ') {
                            throw new IllegalArgumentException("ORCPT length " + len + " does not match recipient line " + LogText.quote(line));
                        }
                        orcpt = line.substring(q - len, q);
                    }
                    end = q - len - 1;
                    if (end < 0 || line.charAt(end) != ' ') {
                        throw new IllegalArgumentException("bad ORCPT field in recipient line " + LogText.quote(line));
                    }
                }
                String address = line.substring(0, end);
                if (address.isEmpty()) {
                    throw new IllegalArgumentException("empty address in recipient line " + LogText.quote(line));
                }
                return new Recipient(address, orcpt, dsnFlags, errorsTo, pno, line);
            }
            if (c == ',' || c == ' ') {
                // Exim 3 "addr d,pno,d" and early Exim 4 "addr pno" forms
                int q = p;
                while (q >= 0 && (isDigit(line.charAt(q)) || line.charAt(q) == ',')) {
                    q--;
                }
                if (q > 0 && line.charAt(q) == ' ') {
                    return new Recipient(line.substring(0, q), null, 0, null, -1, line);
                }
            }
            return new Recipient(line, null, 0, null, -1, line);
        }

        private static boolean isDigit(char c) {
            return c >= '0' && c <= '9';
        }

        private static int[] pair(String text, String line) {
            int comma = text.indexOf(',');
            int[] r;
            try {
                r = new int[] {Integer.parseInt(text.substring(0, comma)), Integer.parseInt(text.substring(comma + 1))};
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("expected 'length,number' in recipient line " + LogText.quote(line));
            }
            if (r[0] < 0 || r[0] > line.length()) {
                throw new IllegalArgumentException("length " + r[0] + " out of range in recipient line " + LogText.quote(line));
            }
            return r;
        }

        public String address() { return address; }
        public String orcpt() { return orcpt; }
        public int dsnFlags() { return dsnFlags; }
        public String errorsTo() { return errorsTo; }
        public int pno() { return pno; }
        /** The line as read (or as Exim writes it for values given to {@link #of}). */
        public String line() { return line; }
    }

    /** One header: Exim's flag letter and the text including continuation lines and the final LF. Immutable. */
    public static final class Header {
        private final char flag;
        private final String text;

        public Header(char flag, String text) {
            if (!text.endsWith("\n")) {
                throw new IllegalArgumentException("header text must end with a newline");
            }
            this.flag = flag;
            this.text = text;
        }

        /** The flag Exim gives a header with that text (Received P, From F, To T, Cc C, Bcc B, Message-ID I, Reply-To R, Sender S). */
        public static char flagFor(String text) {
            int colon = text.indexOf(':');
            String name = (colon < 0 ? text : text.substring(0, colon)).trim().toLowerCase(Locale.ROOT);
            switch (name) {
                case "received": return 'P';
                case "from": return 'F';
                case "to": return 'T';
                case "cc": return 'C';
                case "bcc": return 'B';
                case "message-id": return 'I';
                case "reply-to": return 'R';
                case "sender": return 'S';
                default: return FLAG_OTHER;
            }
        }

        public char flag() { return flag; }
        public String text() { return text; }
    }

    /** Serialises to bytes for writing (convenience for callers holding an output stream). */
    public void writeTo(ByteArrayOutputStream out) {
        byte[] b = toBytes();
        out.write(b, 0, b.length);
    }
}
