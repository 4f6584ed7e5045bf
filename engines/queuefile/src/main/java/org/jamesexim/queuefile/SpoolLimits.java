package org.jamesexim.queuefile;

import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.jamesexim.common.LogText;

/**
 * The caps on everything the queuefile code reads from outside, in one place (documented in
 * {@code docs/queuefile.md}, "Limits"). Readers refuse input beyond them with a {@link SpoolFormatException}, so
 * the file goes to {@code failed/}; the writer refuses to write a message a reader would refuse. Only the message
 * size and the number of messages per scan are settings ({@link RequeueSettings}); the rest are fixed.
 */
public final class SpoolLimits {
    /** Default {@code maxMessageSize}: the data file ({@code .eml} / {@code -D}), 50 MiB as Exim's {@code message_size_limit}. */
    public static final long DEFAULT_MAX_MESSAGE_SIZE = 50L << 20;
    /** The largest {@code maxMessageSize}: what one Java array holds. */
    public static final long MAX_MAX_MESSAGE_SIZE = Integer.MAX_VALUE - 16;
    /** The envelope file ({@code .json} / {@code -H}, which holds the message's header section too): 16 MiB. */
    public static final int MAX_ENVELOPE_BYTES = 16 << 20;
    /** Recipients of one message (Exim's own limit for a spool file). */
    public static final int MAX_RECIPIENTS = 16384;
    /** Characters of one envelope field: an address, ORCPT, errors_to, HELO, remote address or host, AUTH user, ENVID, name, state, attribute name. */
    public static final int MAX_FIELD_CHARS = 4096;
    /** Characters of the error message (the writer cuts a longer one). */
    public static final int MAX_ERROR_MESSAGE_CHARS = 65536;
    /** Mail attributes (with those named as not representable). */
    public static final int MAX_ATTRIBUTES = 1000;
    /** Per-recipient header fields, all recipients together; each value at most {@link #MAX_ERROR_MESSAGE_CHARS}. */
    public static final int MAX_PER_RECIPIENT_HEADERS = 10000;
    /** Nesting of JSON arrays and objects. */
    public static final int MAX_JSON_DEPTH = 64;
    /** Characters of one JSON number (a longer one costs quadratic time to convert). */
    public static final int MAX_JSON_NUMBER_CHARS = 100;
    /** Header fields in a {@code -H} file (and in a message written in the Exim format). */
    public static final int MAX_HEADER_FIELDS = 10000;
    /** Bytes of one line of a {@code -H} file outside the length-prefixed parts (headers, ACL values). */
    public static final int MAX_LINE_BYTES = 65536;
    /** Option ({@code -name}) lines of a {@code -H} file, ACL variables included. */
    public static final int MAX_OPTIONS = 10000;
    /** Lines of the non-recipients tree of a {@code -H} file. */
    public static final int MAX_TREE_LINES = 65536;
    /** Default {@code maxPerScan}: messages a scan takes (requeued, refused or retried); the rest wait for the next scan. */
    public static final int DEFAULT_MAX_PER_SCAN = 1000;
    /** A scan looks at no more than this many commit files per message it may take. */
    public static final int EXAMINED_PER_TAKEN = 10;
    /** Characters of a reason (log line, {@code failed/<id>.error}). */
    public static final int MAX_REASON_CHARS = 1000;

    private SpoolLimits() {
    }

    /**
     * Checks an envelope against the field, count and length caps.
     *
     * @throws IllegalArgumentException naming the field and the cap
     */
    public static void check(SpoolEnvelope e) {
        field("name", e.name());
        field("sender", e.sender());
        field("state", e.state());
        field("remoteAddr", e.remoteAddr());
        field("remoteHost", e.remoteHost());
        field("heloName", e.heloName());
        field("authUser", e.authUser());
        field("dsn envid", e.dsnEnvid());
        cap("errorMessage", e.errorMessage(), MAX_ERROR_MESSAGE_CHARS);
        if (e.recipients().size() > MAX_RECIPIENTS) {
            throw new IllegalArgumentException("more than " + MAX_RECIPIENTS + " recipients (" + e.recipients().size() + ")");
        }
        for (SpoolRecipient r : e.recipients()) {
            field("recipient", r.address());
            field("orcpt", r.orcpt());
            field("errors_to", r.errorsTo());
        }
        if (e.attributes().size() + e.unrepresentedAttributes().size() > MAX_ATTRIBUTES) {
            throw new IllegalArgumentException("more than " + MAX_ATTRIBUTES + " attributes (" + (e.attributes().size() + e.unrepresentedAttributes().size()) + ")");
        }
        for (String name : e.attributes().keySet()) {
            field("attribute name", name);
        }
        for (String name : e.unrepresentedAttributes()) {
            field("attribute name", name);
        }
        int headers = 0;
        for (Map.Entry<String, List<SpoolHeader>> en : e.perRecipientHeaders().entrySet()) {
            field("per-recipient header recipient", en.getKey());
            headers += en.getValue().size();
            if (headers > MAX_PER_RECIPIENT_HEADERS) {
                throw new IllegalArgumentException("more than " + MAX_PER_RECIPIENT_HEADERS + " per-recipient headers");
            }
            for (SpoolHeader h : en.getValue()) {
                field("per-recipient header name", h.name());
                cap("per-recipient header value", h.value(), MAX_ERROR_MESSAGE_CHARS);
            }
        }
    }

    private static void field(String what, String v) {
        cap(what, v, MAX_FIELD_CHARS);
    }

    private static void cap(String what, String v, int max) {
        if (v != null && v.length() > max) {
            throw new IllegalArgumentException(what + " longer than " + max + " characters (" + v.length() + ")");
        }
    }

    /**
     * A size: bytes, or a number with {@code k}, {@code m} or {@code g} (KiB, MiB, GiB; any case).
     *
     * @throws IllegalArgumentException when it is not one
     */
    public static long parseSize(String v) {
        String s = v == null ? "" : v.trim().toLowerCase(Locale.ROOT);
        long unit = 1;
        if (s.endsWith("k") || s.endsWith("m") || s.endsWith("g")) {
            char u = s.charAt(s.length() - 1);
            unit = u == 'k' ? 1L << 10 : u == 'm' ? 1L << 20 : 1L << 30;
            s = s.substring(0, s.length() - 1).trim();
        }
        if (!s.matches("[0-9]{1,12}")) {
            throw new IllegalArgumentException("expected a size like 52428800, 512k, 50m or 1g, got '" + LogText.escape(v, 40) + "'");
        }
        return Long.parseLong(s) * unit;
    }
}
