package org.jamesexim.dcc;

import java.nio.charset.StandardCharsets;

import org.jamesexim.common.LogText;

/**
 * Parses a complete dccifd reply (everything read until EOF).
 *
 * <pre>
 * line 1: one result byte: A accept, G greylist, R reject, S some (accept), T temporary failure
 * line 2: one byte per recipient, A R or G, in request order (empty with no recipients)
 * then, for the header or cksums options: the X-DCC header (folded with LF TAB), the checksum table, a blank line
 * </pre>
 *
 * <p>Stricter than Exim on line 1: Exim takes the first byte of whatever arrives, so a garbage line starting
 * with {@code R} would reject the mail. Here line 1 must be exactly one byte (a CR before the LF is tolerated);
 * anything else is an unknown response and defers, as an unknown byte does in Exim.</p>
 *
 * <p>What dccifd sends goes into the mail as a header, so it is capped and cleaned: the X-DCC header is kept only
 * when its name is {@code X-DCC-<brand>-Metrics} in header-name characters, it has at most
 * {@value #MAX_HEADER_LINES} lines and {@value #MAX_HEADER} characters in all (a longer one is dropped, as a header
 * that does not start with {@code X-DCC} is), and any control character but the folding TAB or a byte outside ASCII
 * in it becomes {@code ?}; the checksum table keeps at most {@value #MAX_CHECKSUM_LINES} lines of at most
 * {@value #MAX_LINE} characters. Work is linear in the reply ({@link DccClient#MAX_REPLY} bytes at most).</p>
 */
final class DccReplyParser {
    /** Longest X-DCC header kept (with its folding); dccifd's is about 100-200 characters. */
    static final int MAX_HEADER = 2048;
    /** Most lines of the X-DCC header (first line and TAB continuations). */
    static final int MAX_HEADER_LINES = 16;
    /** Most lines of the checksum table kept. */
    static final int MAX_CHECKSUM_LINES = 64;
    /** Longest checksum table line kept. */
    static final int MAX_LINE = 256;
    private static final java.util.regex.Pattern HEADER_NAME = java.util.regex.Pattern.compile("X-DCC-[!-9;-~]*-Metrics");

    private DccReplyParser() {
    }

    static DccResult parse(byte[] buf, int len, int recipientCount) {
        if (len == 0) {
            return DccResult.noAnswer("dccifd closed the connection without a reply");
        }
        String text = new String(buf, 0, len, StandardCharsets.ISO_8859_1);
        int nl1 = text.indexOf('\n');
        String line1 = nl1 < 0 ? text : text.substring(0, nl1);
        if (line1.endsWith("\r")) {
            line1 = line1.substring(0, line1.length() - 1);
        }
        if (line1.length() != 1) {
            return new DccResult(DccResult.Outcome.DEFER, '?', "T", "", "", "",
                "unknown DCC response: '" + LogText.escape(line1, 60) + "'");
        }
        char c = line1.charAt(0);
        DccResult.Outcome outcome;
        String dccResult;
        String detail;
        switch (c) {
            case 'A':
                outcome = DccResult.Outcome.ACCEPT;
                dccResult = "A";
                detail = "accepted by DCC";
                break;
            case 'S':
                outcome = DccResult.Outcome.ACCEPT;
                dccResult = "A";
                detail = "accepted by DCC (S, some recipients)";
                break;
            case 'R':
                outcome = DccResult.Outcome.FAIL;
                dccResult = "R";
                detail = "rejected by DCC";
                break;
            case 'G':
                outcome = DccResult.Outcome.FAIL;
                dccResult = "G";
                detail = "greylisted by DCC";
                break;
            case 'T':
                outcome = DccResult.Outcome.DEFER;
                dccResult = "T";
                detail = "temporary error with DCC: T";
                break;
            default:
                return new DccResult(DccResult.Outcome.DEFER, c, "T", "", "", "",
                    "unknown DCC response: '" + LogText.escape(line1, 60) + "'");
        }
        String rest = nl1 < 0 ? "" : text.substring(nl1 + 1);
        int nl2 = rest.indexOf('\n');
        String line2 = nl2 < 0 ? rest : rest.substring(0, nl2);
        if (line2.endsWith("\r")) {
            line2 = line2.substring(0, line2.length() - 1);
        }
        StringBuilder rcpts = new StringBuilder(line2.length());
        for (int i = 0; i < line2.length(); i++) {
            char r = line2.charAt(i);
            if (r == 'A' || r == 'R' || r == 'G') {
                rcpts.append(r);
            }
        }
        if (rcpts.length() != line2.length() || rcpts.length() != recipientCount) {
            detail = detail + " (recipient line '" + LogText.escape(line2, 60) + "' for " + recipientCount + " recipient(s))";
        }
        String tail = nl2 < 0 ? "" : rest.substring(nl2 + 1);
        StringBuilder header = new StringBuilder();
        StringBuilder checksums = new StringBuilder();
        boolean inHeader = true;
        int pos = 0;
        boolean first = true;
        int headerLines = 0;
        int checksumLines = 0;
        boolean headerDropped = false;
        while (pos < tail.length()) {
            int e = tail.indexOf('\n', pos);
            String line = e < 0 ? tail.substring(pos) : tail.substring(pos, e);
            pos = e < 0 ? tail.length() : e + 1;
            if (line.endsWith("\r")) {
                line = line.substring(0, line.length() - 1);
            }
            if (line.isEmpty()) {
                break;
            }
            if (first) {
                first = false;
                if (line.startsWith("X-DCC")) {
                    header.append(headerText(line));
                    headerLines = 1;
                    continue;
                }
                inHeader = false;
            } else if (inHeader && line.charAt(0) == '\t') {
                if (++headerLines > MAX_HEADER_LINES || header.length() + line.length() + 1 > MAX_HEADER) {
                    headerDropped = true;
                } else {
                    header.append('\n').append(headerText(line));
                }
                continue;
            }
            inHeader = false;
            if (++checksumLines <= MAX_CHECKSUM_LINES) {
                String kept = headerText(line);
                checksums.append(kept.length() > MAX_LINE ? kept.substring(0, MAX_LINE) : kept).append('\n');
            }
        }
        int colon = header.indexOf(":");
        if (header.length() > MAX_HEADER || (header.length() > 0 && (colon <= 0 || !HEADER_NAME.matcher(header.substring(0, colon)).matches()))) {
            headerDropped = true;
        }
        if (headerDropped) {
            detail = detail + " (X-DCC header dropped: not X-DCC-<brand>-Metrics, or over " + MAX_HEADER_LINES + " lines / "
                + MAX_HEADER + " characters)";
            header.setLength(0);
        }
        String dccHeader = header.length() == 0 ? "" : header.append('\n').toString();
        return new DccResult(outcome, c, dccResult, rcpts.toString(), dccHeader, checksums.toString(), detail);
    }

    /** A reply line as header text: TAB kept (folding), other control characters and non-ASCII bytes as '?'. */
    private static String headerText(String line) {
        StringBuilder sb = null;
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            boolean ok = ch == '\t' || (ch >= 0x20 && ch < 0x7f);
            if (!ok && sb == null) {
                sb = new StringBuilder(line.length()).append(line, 0, i);
            }
            if (sb != null) {
                sb.append(ok ? ch : '?');
            }
        }
        return sb == null ? line : sb.toString();
    }
}
