package org.jamesexim.mailets;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import javax.mail.MessagingException;

import org.apache.mailet.AttributeName;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.jamesexim.arc.AuthResults;
import org.jamesexim.arc.HeaderField;
import org.jamesexim.arc.MailMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Adds an {@code Authentication-Results} header (RFC 8601) for our authserv-id on top of the message, like Exim's
 * {@code ${authresults {admd}}}, from the results James has: SPF from James's SPF hook
 * ({@code org.apache.james.spf.header}) or SPF mailet ({@code org.apache.james.transport.mailets.spf.result}),
 * DKIM from jDKIM's {@code DKIMVerify} ({@code jDKIM.AUTHRESULT}) when present, ARC from {@link ArcAttributes}.
 * Incoming Authentication-Results that claim our authserv-id are forgeries (or stale) and are removed first;
 * everybody else's are kept byte for byte. Methods without a result are left out; with none at all the header
 * says {@code <id>; none}.
 *
 * <pre>{@code
 * <mailet match="All" class="org.jamesexim.mailets.AuthenticationResults">
 *     <authservId>mx.example.test</authservId>   <!-- required: our ADMD's authserv-id -->
 * </mailet>
 * }</pre>
 */
public class AuthenticationResults extends GenericMailet {
    private static final Logger LOGGER = LoggerFactory.getLogger(AuthenticationResults.class);
    /** Set by James's {@code SPFHandler} SMTP hook: the Received-SPF text, result first. */
    public static final AttributeName SPF_HEADER = AttributeName.of("org.apache.james.spf.header");
    /** Set by James's {@code SPF} mailet: the result word. */
    public static final AttributeName SPF_RESULT = AttributeName.of("org.apache.james.transport.mailets.spf.result");
    /** Set by jDKIM's {@code DKIMVerify} mailet, e.g. {@code pass (identity @example.com)}. */
    public static final AttributeName DKIM_AUTHRESULT = AttributeName.of("jDKIM.AUTHRESULT");

    private String authservId;

    @Override
    public void init() throws MessagingException {
        authservId = ArcSettings.trimmed(getInitParameter("authservId"));
        if (authservId == null || authservId.contains(";") || authservId.contains(" ")) {
            throw new MessagingException("AuthenticationResults: authservId is required (a token such as mx.example.com)");
        }
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        try {
            MailMessage message = MailMessage.parse(ArcSettings.bytes(mail));
            HeaderField ar = HeaderField.of("Authentication-Results", value(mail));
            int[] removed = {0};
            byte[] out = message.rewrite(List.of(ar), h -> {
                if (!h.hasName("authentication-results")) {
                    return false;
                }
                AuthResults parsed = AuthResults.parse(h.value());
                boolean ours = parsed != null && parsed.isFrom(authservId);
                if (ours) {
                    removed[0]++;
                }
                return ours;
            });
            ArcSettings.replace(mail, out);
            if (removed[0] > 0) {
                LOGGER.info("Authentication-Results: removed {} incoming header(s) claiming authserv-id {} mail={}",
                        removed[0], authservId, mail.getName());
            }
        } catch (java.io.IOException | RuntimeException e) {
            LOGGER.warn("Authentication-Results not added to {}: {}", mail.getName(), e.toString());
        }
    }

    /** The header value: {@code id; spf=...; dkim=...; arc=...} folded one result per line. */
    String value(Mail mail) {
        List<String> results = new ArrayList<>(3);
        Optional<String> spf = ArcSettings.stringAttribute(mail, SPF_RESULT)
                .or(() -> ArcSettings.stringAttribute(mail, SPF_HEADER));
        spf.map(AuthenticationResults::firstWord).filter(w -> !w.isEmpty()).ifPresent(w -> {
            String from = mail.getMaybeSender().asString("");
            results.add("spf=" + w + (from.isEmpty() ? "" : " smtp.mailfrom=" + from));
        });
        ArcSettings.stringAttribute(mail, DKIM_AUTHRESULT).ifPresent(d -> results.add(dkim(d)));
        ArcSettings.stringAttribute(mail, ArcAttributes.ARC_STATE).ifPresent(state -> results.add(arc(mail, state)));
        StringBuilder sb = new StringBuilder(authservId);
        if (results.isEmpty()) {
            return sb.append("; none").toString();
        }
        for (String r : results) {
            sb.append(";\r\n\t").append(r);
        }
        return sb.toString();
    }

    private static String firstWord(String s) {
        String t = s.trim();
        int end = 0;
        while (end < t.length() && Character.isLetter(t.charAt(end))) {
            end++;
        }
        return t.substring(0, end).toLowerCase(Locale.ROOT);
    }

    /** jDKIM writes e.g. "pass (identity @example.com)": result, with the identity as header.i. */
    private static String dkim(String v) {
        String word = firstWord(v);
        if (word.isEmpty()) {
            word = "permerror";
        }
        int id = v.indexOf("identity ");
        if (id >= 0) {
            int end = v.indexOf(')', id);
            String identity = v.substring(id + 9, end < 0 ? v.length() : end).trim();
            if (!identity.isEmpty() && identity.indexOf(' ') < 0 && identity.indexOf(';') < 0) {
                return "dkim=" + word + " header.i=" + identity;
            }
        }
        int open = v.indexOf('(');
        return "dkim=" + word + (open >= 0 ? " " + comment(v.substring(open)) : "");
    }

    /** As Exim: {@code arc=pass (i=2) arc.oldest-pass=1 smtp.remote-ip=192.0.2.1}. */
    private static String arc(Mail mail, String state) {
        StringBuilder sb = new StringBuilder("arc=").append(firstWord(state));
        String domains = ArcSettings.stringAttribute(mail, ArcAttributes.ARC_DOMAINS).orElse("");
        int instances = domains.isEmpty() ? 0 : domains.split(":", -1).length;
        String reason = ArcSettings.stringAttribute(mail, ArcAttributes.ARC_STATE_REASON).orElse("");
        if (instances > 0 || !reason.isEmpty()) {
            sb.append(" (");
            if (instances > 0) {
                sb.append("i=").append(instances);
            }
            if (!reason.isEmpty()) {
                sb.append(instances > 0 ? " " : "").append(comment(reason), 1, comment(reason).length() - 1);
            }
            sb.append(')');
        }
        ArcSettings.stringAttribute(mail, ArcAttributes.ARC_OLDEST_PASS)
                .filter(o -> !o.equals("0")).ifPresent(o -> sb.append(" arc.oldest-pass=").append(o));
        String ip = mail.getRemoteAddr();
        if (ip != null && !ip.isEmpty()) {
            sb.append(" smtp.remote-ip=").append(ip);
        }
        return sb.toString();
    }

    /** A safe RFC 5322 comment: parentheses around text with no parentheses, backslashes or semicolons. */
    private static String comment(String s) {
        String inner = s.replace("(", "").replace(")", "").replace("\\", "").replace(';', ',').trim();
        return "(" + inner + ")";
    }

    @Override
    public String getMailetInfo() {
        return "AuthenticationResults: our Authentication-Results header (RFC 8601)";
    }
}
