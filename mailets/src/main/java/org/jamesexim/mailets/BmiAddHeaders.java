package org.jamesexim.mailets;

import java.util.LinkedHashMap;
import java.util.Map;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.PerRecipientHeaders;
import org.apache.mailet.base.GenericMailet;
import org.jamesexim.bmi.BmiRouting;
import org.jamesexim.common.config.Param;
import org.jamesexim.common.config.ParamSet;
import org.jamesexim.common.config.ParamValues;
import org.jamesexim.mailets.config.GlueParams;
import org.jamesexim.mailets.mime.MimeBytes;

/**
 * Exim's {@code headers_add = X-Brightmail-Verdict: $bmi_base64_verdict} and
 * {@code X-Brightmail-Tracker: $bmi_base64_tracker_verdict}: writes each recipient's base64 verdict and tracker
 * verdict (the rules that fired). Copies of these headers already in the message are removed first, so a sender
 * cannot forge them. When all recipients share the values (always so after {@link BmiRun}'s split) the headers go
 * into the message; otherwise they are added per recipient, which James applies at local delivery. A recipient
 * without a verdict gets no header (the variables are empty).
 *
 * <p>The verdict header names <b>no recipient</b> (it is the verdict's header form,
 * {@link org.jamesexim.bmi.BmiVerdict#headerBase64()}): a copy relayed to another domain, or any local copy, tells
 * its reader the verdict of its own group and nothing of who else got the mail (Bcc recipients included), wherever
 * this mailet sits in the processors. Long values are folded every {@value #FOLD} characters (base64 readers skip
 * the folding white space), so no header line passes the 998-character limit of RFC 5322.</p>
 *
 * <pre>{@code
 * <mailet match="All" class="org.jamesexim.mailets.BmiAddHeaders">
 *     <verdict_header>X-Brightmail-Verdict</verdict_header>   <!-- default; empty: don't add -->
 *     <tracker_header>X-Brightmail-Tracker</tracker_header>   <!-- default; empty: don't add -->
 * </mailet>
 * }</pre>
 */
public class BmiAddHeaders extends GenericMailet {
    /** Characters of base64 per header line (as MIME's 76). */
    static final int FOLD = 76;

    private String verdictHeader;
    private String trackerHeader;

    /** {@code verdict_header}: the verdict's header; empty: none. */
    public static final Param<String> VERDICT_HEADER = Param.text("verdict_header", "X-Brightmail-Verdict")
        .check(BmiRun::headerName).emptyMeansNone();
    /** {@code tracker_header}: the tracker verdict's header; empty: none. */
    public static final Param<String> TRACKER_HEADER = Param.text("tracker_header", "X-Brightmail-Tracker")
        .check(BmiRun::headerName).emptyMeansNone();
    /** Every parameter BmiAddHeaders reads. */
    public static final ParamSet PARAMETERS = ParamSet.of(VERDICT_HEADER, TRACKER_HEADER);

    @Override
    public void init() throws MessagingException {
        ParamValues values = GlueParams.mailet(PARAMETERS, getMailetConfig(), BmiAddHeaders.class, "");
        verdictHeader = values.get(VERDICT_HEADER);
        trackerHeader = values.get(TRACKER_HEADER);
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        Map<MailAddress, String[]> values = new LinkedHashMap<>();
        for (MailAddress rcpt : mail.getRecipients()) {
            BmiRouting r = BmiAttributes.routing(mail, rcpt);
            values.put(rcpt, new String[] {r.base64Verdict(), r.base64TrackerVerdict()});
        }
        MimeMessage message = mail.getMessage();
        boolean changed = false;
        for (String h : new String[] {verdictHeader, trackerHeader}) {
            if (!h.isEmpty() && message.getHeader(h) != null) {
                message.removeHeader(h);
                changed = true;
            }
        }
        boolean same = values.values().stream().map(v -> v[0] + "\n" + v[1]).distinct().count() <= 1;
        for (Map.Entry<MailAddress, String[]> e : values.entrySet()) {
            String[] v = e.getValue();
            if (same) {
                changed |= add(message, verdictHeader, v[0]);
                changed |= add(message, trackerHeader, v[1]);
                break;
            }
            addFor(mail, e.getKey(), verdictHeader, v[0]);
            addFor(mail, e.getKey(), trackerHeader, v[1]);
        }
        if (changed) {
            MimeBytes.saveHeaderChanges(mail);
        }
    }

    private static boolean add(MimeMessage message, String name, String value) throws MessagingException {
        if (name.isEmpty() || value.isEmpty()) {
            return false;
        }
        message.addHeader(name, fold(value));
        return true;
    }

    /** Breaks a long base64 value into lines of {@value #FOLD} characters, each continued with CRLF and one space. */
    static String fold(String value) {
        if (value.length() <= FOLD) {
            return value;
        }
        StringBuilder sb = new StringBuilder(value.length() + value.length() / FOLD * 3);
        for (int i = 0; i < value.length(); i += FOLD) {
            if (i > 0) {
                sb.append("\r\n ");
            }
            sb.append(value, i, Math.min(value.length(), i + FOLD));
        }
        return sb.toString();
    }

    private static void addFor(Mail mail, MailAddress rcpt, String name, String value) {
        if (!name.isEmpty() && !value.isEmpty()) {
            mail.addSpecificHeaderForRecipient(PerRecipientHeaders.Header.builder().name(name).value(fold(value)).build(), rcpt);
        }
    }

    @Override
    public String getMailetInfo() {
        return "BmiAddHeaders (James Exim Pack)";
    }
}
