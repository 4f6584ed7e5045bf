package org.jamesexim.mailets;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import javax.mail.MessagingException;

import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.jamesexim.arc.AuthResults;
import org.jamesexim.arc.HeaderField;
import org.jamesexim.arc.MailMessage;
import org.jamesexim.arc.SafeText;
import org.jamesexim.common.HeaderText;
import org.jamesexim.common.LogText;
import org.jamesexim.common.config.ParamSet;
import org.jamesexim.mailets.config.GlueParams;
import org.jamesexim.mailets.mime.MimeBytes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Adds an {@code Authentication-Results} header (RFC 8601) for our authserv-id on top of the message, like Exim's
 * {@code ${authresults {admd}}}, from the results James has: SPF from James's SPF hook
 * ({@code org.apache.james.spf.header}) or SPF mailet ({@code org.apache.james.transport.mailets.spf.result}),
 * DKIM from jDKIM's {@code DKIMVerify} ({@code jDKIM.AUTHRESULT}) when present, ARC from {@link ArcAttributes},
 * DMARC from {@link DmarcAttributes} ({@code dmarc=fail (p=reject dis=none arc=pass) header.from=example.org
 * policy.override=arc} when the ARC local policy overrode a fail).
 * Incoming Authentication-Results that claim our authserv-id are forgeries (or stale) and are removed first, however
 * they spell it (case, folding, comments, quotes, a trailing dot); everybody else's are kept byte for byte. Methods
 * without a result are left out; with none at all the header says {@code <id>; none}. What the sender controls
 * (the DKIM identity, the envelope sender, the ARC failure reason) goes in only as printable ASCII, cut short, and
 * where it is not a well-formed value, as a comment or not at all. The value added is also kept as attribute
 * {@code jexim.authentication_results}, for {@link ArcSeal}.
 *
 * <pre>{@code
 * <mailet match="All" class="org.jamesexim.mailets.AuthenticationResults">
 *     <authservId>mx.example.test</authservId>   <!-- required: our ADMD's authserv-id -->
 * </mailet>
 * }</pre>
 */
public class AuthenticationResults extends GenericMailet {
    private static final Logger LOGGER = LoggerFactory.getLogger(AuthenticationResults.class);
    /** Every parameter AuthenticationResults reads. */
    public static final ParamSet PARAMETERS = ParamSet.of(ArcSettings.AUTHSERV_ID);
    /** Set by James's {@code SPFHandler} SMTP hook: the Received-SPF text, result first. */
    public static final AttributeName SPF_HEADER = AttributeName.of("org.apache.james.spf.header");
    /** Set by James's {@code SPF} mailet: the result word. */
    public static final AttributeName SPF_RESULT = AttributeName.of("org.apache.james.transport.mailets.spf.result");
    /** Set by jDKIM's {@code DKIMVerify} mailet, e.g. {@code pass (identity @example.com)}. */
    public static final AttributeName DKIM_AUTHRESULT = AttributeName.of("jDKIM.AUTHRESULT");

    private String authservId;

    @Override
    public void init() throws MessagingException {
        authservId = GlueParams.mailet(PARAMETERS, getMailetConfig(), AuthenticationResults.class, "AuthenticationResults: ")
                .get(ArcSettings.AUTHSERV_ID);
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        try {
            MailMessage message = MailMessage.parse(ArcSettings.bytes(mail));
            String value = value(mail);
            HeaderField ar = HeaderField.of("Authentication-Results", value);
            int[] removed = {0};
            byte[] out = message.rewrite(List.of(ar), h -> {
                if (!h.hasName("authentication-results")) {
                    return false;
                }
                boolean ours = AuthResults.claims(h.value(), authservId);
                if (ours) {
                    removed[0]++;
                }
                return ours;
            });
            MimeBytes.replace(mail, out);
            mail.setAttribute(new Attribute(ArcAttributes.AUTHENTICATION_RESULTS, AttributeValue.of(value)));
            if (removed[0] > 0) {
                LOGGER.info("Authentication-Results: removed {} incoming header(s) claiming authserv-id {} mail={}",
                        removed[0], authservId, mail.getName());
            }
        } catch (java.io.IOException | RuntimeException e) {
            LOGGER.warn("Authentication-Results not added to {}: {}", mail.getName(), LogText.escape(e.toString(), 200));
        }
    }

    /** The header value: {@code id; spf=...; dkim=...; arc=...; dmarc=...} folded one result per line. */
    String value(Mail mail) {
        List<String> results = new ArrayList<>(3);
        Optional<String> spf = ArcSettings.stringAttribute(mail, SPF_RESULT)
                .or(() -> ArcSettings.stringAttribute(mail, SPF_HEADER));
        spf.map(AuthenticationResults::firstWord).filter(w -> !w.isEmpty()).ifPresent(w -> {
            String from = mailfrom(mail);
            results.add("spf=" + w + (from.isEmpty() ? "" : " smtp.mailfrom=" + from));
        });
        ArcSettings.stringAttribute(mail, DKIM_AUTHRESULT).ifPresent(d -> results.add(dkim(d)));
        ArcSettings.stringAttribute(mail, ArcAttributes.ARC_STATE).ifPresent(state -> results.add(arc(mail, state)));
        ArcSettings.stringAttribute(mail, DmarcAttributes.DMARC_AUTH_RESULT).filter(d -> d.startsWith("dmarc="))
                .ifPresent(results::add);
        StringBuilder sb = new StringBuilder(authservId);
        if (results.isEmpty()) {
            return sb.append("; none").toString();
        }
        for (String r : results) {
            sb.append(";\r\n\t").append(r);
        }
        return sb.toString();
    }

    /**
     * The envelope sender as an RFC 8601 pvalue: the address when its local part is a dot-atom, else only its domain
     * (a quoted local part may hold {@code ;}, {@code (} or spaces, which would end the result early).
     */
    static String mailfrom(Mail mail) {
        return mail.getMaybeSender().asOptional().map(a -> {
            String domain = SafeText.domain(a.getDomain().asString());
            if (domain.isEmpty()) {
                return "";
            }
            String local = a.getLocalPart();
            return isDotAtom(local) && local.length() <= 64 ? local + "@" + domain : domain;
        }).orElse("");
    }

    /** RFC 5322 dot-atom-text (ASCII letters, digits, {@code !#$%&'*+-/=?^_`{|}~} and inner dots). */
    static boolean isDotAtom(String s) {
        if (s.isEmpty() || s.startsWith(".") || s.endsWith(".") || s.contains("..")) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.'
                    || "!#$%&'*+-/=?^_`{|}~".indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** The leading letters of {@code s} (trimmed), lower-cased: the result word of a verifier's result text. */
    static String firstWord(String s) {
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
            if (isIdentity(identity)) {
                return "dkim=" + word + " header.i=" + identity;
            }
        }
        int open = v.indexOf('(');
        return "dkim=" + word + (open >= 0 ? " " + comment(v.substring(open)) : "");
    }

    /** A DKIM i= as jDKIM reports it ({@code @domain} or {@code local@domain}), usable as an A-R pvalue. */
    static boolean isIdentity(String identity) {
        int at = identity.lastIndexOf('@');
        if (at < 0 || identity.length() > 320) {
            return false;
        }
        String local = identity.substring(0, at);
        return (local.isEmpty() || isDotAtom(local)) && !SafeText.domain(identity.substring(at + 1)).isEmpty();
    }

    /**
     * As Exim: {@code arc=pass (i=2) header.s=sel2 arc.oldest-pass=1 smtp.remote-ip=192.0.2.1}; {@code header.s=} is
     * the newest AMS's selector ({@link ArcAttributes#ARC_AMS_SELECTOR}).
     */
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
        if (instances > 0) {
            ArcSettings.stringAttribute(mail, ArcAttributes.ARC_AMS_SELECTOR).map(SafeText::domain)
                    .filter(sel -> !sel.isEmpty()).ifPresent(sel -> sb.append(" header.s=").append(sel));
        }
        ArcSettings.stringAttribute(mail, ArcAttributes.ARC_OLDEST_PASS)
                .filter(AuthenticationResults::isSmallNumber).ifPresent(o -> sb.append(" arc.oldest-pass=").append(o));
        String ip = mail.getRemoteAddr();
        if (ip != null && isIpLiteral(ip)) {
            sb.append(" smtp.remote-ip=").append(ip);
        }
        return sb.toString();
    }

    private static boolean isSmallNumber(String s) {
        return !s.equals("0") && s.length() <= 2 && s.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    /** An IPv4 or IPv6 literal as James gives it (hex digits, dots, colons). */
    private static boolean isIpLiteral(String s) {
        return s.length() <= 45 && s.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == '.' || c == ':');
    }

    /**
     * A safe RFC 5322 comment: parentheses around printable ASCII (at most {@value SafeText#MAX_REASON}
     * characters) with no parentheses, backslashes or semicolons.
     */
    static String comment(String s) {
        String inner = HeaderText.of(s, SafeText.MAX_REASON).replace("(", "").replace(")", "").replace("\\", "")
                .replace(';', ',').trim();
        return "(" + inner + ")";
    }

    @Override
    public String getMailetInfo() {
        return "AuthenticationResults: our Authentication-Results header (RFC 8601)";
    }
}
