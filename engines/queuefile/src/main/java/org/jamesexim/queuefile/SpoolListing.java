package org.jamesexim.queuefile;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jamesexim.common.LogText;

/**
 * What an operator is shown of a queuefile message, once for every tool: the CLI's {@code queuefile list|show}
 * prints it as text ({@link #line}, {@link #lines}) or JSON, WebAdmin's {@code /queuefile} routes answer the same maps
 * as JSON. Values are plain Java (strings, numbers, lists, maps) in a fixed order; nothing here is secret (the
 * envelope and the attributes the mail carried, as {@code queuefile show} always showed them). In the text forms every
 * value goes through {@link LogText#escape}: a spool file's bytes cannot break or forge a line on the operator's terminal.
 */
public final class SpoolListing {
    /** The most characters of one value shown as text (the parsers bound them already; this bounds a line). */
    static final int SHOWN_MAX = 4096;

    private SpoolListing() {
    }

    /** One message in a list: {@code id}, {@code size}, {@code sender} (empty for the null sender), {@code recipients}. */
    public static Map<String, Object> summary(SpooledMessage m) {
        Map<String, Object> s = new LinkedHashMap<>();
        SpoolEnvelope e = m.envelope();
        s.put("id", m.id());
        s.put("size", m.content().length);
        s.put("sender", e.sender() == null ? "" : e.sender());
        List<String> recipients = new ArrayList<>();
        for (SpoolRecipient r : e.recipients()) {
            recipients.add(r.address());
        }
        s.put("recipients", recipients);
        return Collections.unmodifiableMap(s);
    }

    /** A message that could not be read, in a list: {@code id} and {@code error}. */
    public static Map<String, Object> unreadable(String id, String why) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("id", id);
        s.put("error", why);
        return Collections.unmodifiableMap(s);
    }

    /** A {@link #summary} or {@link #unreadable} entry as one line, as {@code exim -bp}: {@code id size <sender> rcpt...}. */
    @SuppressWarnings("unchecked")
    public static String line(Map<String, Object> entry) {
        if (entry.containsKey("error")) {
            return shown(entry.get("id")) + " *** unreadable: " + shown(entry.get("error"));
        }
        StringBuilder sb = new StringBuilder();
        sb.append(shown(entry.get("id"))).append(' ').append(shown(entry.get("size"))).append(" <").append(shown(entry.get("sender"))).append('>');
        for (String r : (List<String>) entry.get("recipients")) {
            sb.append(' ').append(shown(r));
        }
        return sb.toString();
    }

    /** One message's whole envelope: what {@code queuefile show} prints. */
    public static Map<String, Object> details(SpooledMessage m) {
        SpoolEnvelope e = m.envelope();
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("id", m.id());
        d.put("size", m.content().length);
        d.put("name", e.name());
        d.put("sender", e.sender() == null ? "" : e.sender());
        List<String> recipients = new ArrayList<>();
        for (SpoolRecipient r : e.recipients()) {
            recipients.add(r.toString());
        }
        d.put("recipients", recipients);
        d.put("remote_addr", e.remoteAddr());
        d.put("remote_host", e.remoteHost());
        d.put("helo", e.heloName());
        d.put("auth_user", e.authUser());
        d.put("received", e.receivedTime() == null ? null : e.receivedTime().toString());
        d.put("state", e.state());
        d.put("error_message", e.errorMessage());
        d.put("dsn_envid", e.dsnEnvid());
        d.put("dsn_ret", e.dsnRet());
        Map<String, List<String>> headers = new LinkedHashMap<>();
        e.perRecipientHeaders().forEach((r, hs) -> {
            List<String> l = new ArrayList<>();
            hs.forEach(h -> l.add(String.valueOf(h)));
            headers.put(r, l);
        });
        d.put("per_recipient_headers", headers);
        d.put("attributes", new LinkedHashMap<>(e.attributes()));
        d.put("unrepresented_attributes", new ArrayList<>(e.unrepresentedAttributes()));
        return Collections.unmodifiableMap(d);
    }

    /**
     * A value as text for a terminal: through {@link LogText#escape}, so that what a client or a scanner wrote (a line
     * break, an escape sequence) shows as escapes and cannot forge a line of the listing. The JSON form needs none.
     */
    static String shown(Object value) {
        return value == null ? "null" : LogText.escape(String.valueOf(value), SHOWN_MAX);
    }

    /** {@link #details} as the lines {@code queuefile show} prints. */
    @SuppressWarnings("unchecked")
    public static List<String> lines(Map<String, Object> d) {
        List<String> out = new ArrayList<>();
        out.add("id: " + shown(d.get("id")));
        out.add("size: " + shown(d.get("size")));
        out.add("name: " + shown(d.get("name")));
        out.add("sender: <" + shown(d.get("sender")) + ">");
        for (String r : (List<String>) d.get("recipients")) {
            out.add("recipient: " + shown(r));
        }
        out.add("remote: " + shown(d.get("remote_addr")) + " (" + shown(d.get("remote_host")) + ") helo " + shown(d.get("helo")));
        out.add("auth user: " + shown(d.get("auth_user")));
        out.add("received: " + shown(d.get("received")));
        out.add("state: " + shown(d.get("state")));
        out.add("error message: " + shown(d.get("error_message")));
        out.add("dsn: envid " + shown(d.get("dsn_envid")) + ", ret " + shown(d.get("dsn_ret")));
        ((Map<String, List<String>>) d.get("per_recipient_headers")).forEach((r, hs) -> hs.forEach(h -> out.add("header for " + shown(r) + ": " + shown(h))));
        ((Map<String, String>) d.get("attributes")).forEach((k, v) -> out.add("attribute " + shown(k) + " = " + shown(v)));
        for (String u : (List<String>) d.get("unrepresented_attributes")) {
            out.add("attribute " + shown(u) + " (not representable, not kept)");
        }
        return out;
    }
}
