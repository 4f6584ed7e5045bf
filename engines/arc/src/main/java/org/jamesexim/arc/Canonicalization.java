package org.jamesexim.arc;

import java.security.MessageDigest;

/** DKIM canonicalisation (RFC 6376 section 3.4): "simple" and "relaxed", for headers and bodies. */
public enum Canonicalization {
    SIMPLE, RELAXED;

    /** Parses {@code simple} / {@code relaxed}; {@code null} if neither. */
    static Canonicalization of(String word) {
        if ("simple".equals(word)) {
            return SIMPLE;
        }
        if ("relaxed".equals(word)) {
            return RELAXED;
        }
        return null;
    }

    public String word() {
        return this == SIMPLE ? "simple" : "relaxed";
    }

    /** Appends the canonical form of {@code raw} (a whole header field, without CRLF) to {@code out}, without CRLF. */
    void header(String raw, StringBuilder out) {
        if (this == SIMPLE) {
            out.append(raw);
        } else {
            relaxedHeader(raw, out);
        }
    }

    static void relaxedHeader(String raw, StringBuilder out) {
        int colon = raw.indexOf(':');
        if (colon < 0) {
            relaxedValue(raw, 0, out);
            return;
        }
        int nameEnd = colon;
        while (nameEnd > 0 && isWsp(raw.charAt(nameEnd - 1))) {
            nameEnd--;
        }
        for (int i = 0; i < nameEnd; i++) {
            char c = raw.charAt(i);
            out.append(c >= 'A' && c <= 'Z' ? (char) (c + 32) : c);
        }
        out.append(':');
        relaxedValue(raw, colon + 1, out);
    }

    private static void relaxedValue(String raw, int from, StringBuilder out) {
        int n = raw.length();
        int i = from;
        while (i < n && isWspOrEol(raw.charAt(i))) {
            i++;
        }
        boolean space = false;
        for (; i < n; i++) {
            char c = raw.charAt(i);
            if (c == '\r' || c == '\n') {
                continue;
            }
            if (c == ' ' || c == '\t') {
                space = true;
                continue;
            }
            if (space) {
                out.append(' ');
                space = false;
            }
            out.append(c);
        }
    }

    private static boolean isWsp(char c) {
        return c == ' ' || c == '\t';
    }

    private static boolean isWspOrEol(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }

    /**
     * Feeds the canonical body of {@code data[from, to)} (CRLF line endings) into {@code digest}, at most
     * {@code limit} bytes of it ({@code limit < 0}: all).
     */
    void body(byte[] data, int from, int to, long limit, MessageDigest digest) {
        Sink sink = new Sink(digest, limit);
        feed(data, from, to, sink);
    }

    /**
     * The SHA-256 of the canonical body of {@code data[from, to)} cut after each of {@code limits} bytes
     * ({@code -1}: the whole body), all in one pass over the body: the digest is copied at each cut point, so an
     * ARC chain whose AMS each carry another {@code l=} costs one canonicalisation, not one per AMS.
     *
     * @return the digests, in the order of {@code limits}
     */
    byte[][] bodyHashes(byte[] data, int from, int to, long[] limits) {
        MessageDigest digest = SignatureAlgorithm.sha256();
        try {
            digest.clone();
        } catch (CloneNotSupportedException e) {
            // a provider whose digests cannot be copied: one pass per limit
            byte[][] out = new byte[limits.length][];
            for (int i = 0; i < limits.length; i++) {
                MessageDigest md = SignatureAlgorithm.sha256();
                body(data, from, to, limits[i], md);
                out[i] = md.digest();
            }
            return out;
        }
        long[] cuts = limits.clone();
        java.util.Arrays.sort(cuts);
        Sink sink = new Sink(digest, -1);
        sink.cuts = cuts;
        sink.cutDigests = new byte[cuts.length][];
        // limits below zero mean "whole body": skip them while cutting
        while (sink.next < cuts.length && cuts[sink.next] < 0) {
            sink.next++;
        }
        feed(data, from, to, sink);
        byte[] whole = null;
        for (int i = 0; i < cuts.length; i++) {
            if (sink.cutDigests[i] == null) {
                // a negative limit, or one beyond the end of the body: the whole body
                if (whole == null) {
                    whole = sink.copy().digest();
                }
                sink.cutDigests[i] = whole;
            }
        }
        byte[][] out = new byte[limits.length][];
        for (int i = 0; i < limits.length; i++) {
            out[i] = sink.cutDigests[java.util.Arrays.binarySearch(cuts, limits[i])];
        }
        return out;
    }

    private void feed(byte[] data, int from, int to, Sink sink) {
        if (this == SIMPLE) {
            simpleBody(data, from, to, sink);
        } else {
            relaxedBody(data, from, to, sink);
        }
    }

    private static void simpleBody(byte[] data, int from, int to, Sink sink) {
        int end = to;
        // drop all trailing empty lines
        while (end - from >= 2 && data[end - 2] == '\r' && data[end - 1] == '\n') {
            end -= 2;
        }
        if (end == from) {
            sink.crlf();
            return;
        }
        // end now points after the last non-empty line's content; keep its CRLF if it had one
        sink.write(data, from, end - from);
        sink.crlf();
    }

    private static void relaxedBody(byte[] data, int from, int to, Sink sink) {
        int pendingCrlf = 0;
        boolean space = false;
        boolean any = false;
        int i = from;
        while (i < to) {
            byte c = data[i];
            if (c == '\r' && i + 1 < to && data[i + 1] == '\n') {
                space = false;
                pendingCrlf++;
                i += 2;
                continue;
            }
            if (c == ' ' || c == '\t') {
                space = true;
                i++;
                continue;
            }
            while (pendingCrlf > 0) {
                sink.crlf();
                pendingCrlf--;
            }
            if (space) {
                sink.write((byte) ' ');
                space = false;
            }
            // copy the run of ordinary bytes in one go
            int runEnd = i + 1;
            while (runEnd < to) {
                byte d = data[runEnd];
                if (d == ' ' || d == '\t' || d == '\r') {
                    break;
                }
                runEnd++;
            }
            sink.write(data, i, runEnd - i);
            any = true;
            i = runEnd;
        }
        if (any) {
            sink.crlf();
        }
    }

    /**
     * Canonical bytes into the digest, honouring an optional byte limit (the {@code l=} tag), and optionally taking
     * a copy of the digest at each of a sorted list of cut points.
     */
    private static final class Sink {
        private static final byte[] CRLF = {'\r', '\n'};
        private final MessageDigest digest;
        private long remaining;
        private long written;
        private final byte[] one = new byte[1];
        long[] cuts;
        byte[][] cutDigests;
        int next;

        Sink(MessageDigest digest, long limit) {
            this.digest = digest;
            this.remaining = limit < 0 ? Long.MAX_VALUE : limit;
        }

        void write(byte[] b, int off, int len) {
            if (remaining <= 0) {
                return;
            }
            int n = (int) Math.min(len, remaining);
            if (cuts != null) {
                while (next < cuts.length && cuts[next] <= written + n) {
                    int k = (int) (cuts[next] - written);
                    digest.update(b, off, k);
                    off += k;
                    n -= k;
                    written += k;
                    remaining -= k;
                    cutDigests[next++] = copy().digest();
                }
            }
            digest.update(b, off, n);
            written += n;
            remaining -= n;
        }

        void write(byte b) {
            one[0] = b;
            write(one, 0, 1);
        }

        void crlf() {
            write(CRLF, 0, 2);
        }

        MessageDigest copy() {
            try {
                return (MessageDigest) digest.clone();
            } catch (CloneNotSupportedException e) {
                throw new IllegalStateException("the SHA-256 provider cannot copy a digest", e);
            }
        }
    }
}
