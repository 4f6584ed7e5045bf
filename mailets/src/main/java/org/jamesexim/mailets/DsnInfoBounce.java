package org.jamesexim.mailets;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import javax.activation.DataHandler;
import javax.inject.Inject;
import javax.mail.MessagingException;
import javax.mail.internet.ContentType;
import javax.mail.internet.InternetAddress;
import javax.mail.internet.MimeBodyPart;
import javax.mail.internet.MimeMessage;
import javax.mail.internet.MimeMultipart;
import javax.mail.util.ByteArrayDataSource;

import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.dnsservice.api.DNSService;
import org.apache.james.server.core.MailImpl;
import org.apache.james.transport.mailets.remote.delivery.Bouncer;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.DsnParameters;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.jamesexim.common.config.Param;
import org.jamesexim.common.config.ParamSet;
import org.jamesexim.common.config.ParamValues;
import org.jamesexim.dsn.DeliveryStatusReport;
import org.jamesexim.dsn.HeaderValues;
import org.jamesexim.dsn.RemoteMta;
import org.jamesexim.dsn.SmtpFailure;
import org.jamesexim.mailets.config.GlueParams;
import org.jamesexim.mailets.mime.MimeSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the sender of a mail that could not be delivered an RFC 3464 bounce ({@code multipart/report;
 * report-type=delivery-status}) whose per-recipient part carries, with {@code dsnInfo} on, Exim's DSN extra
 * information recorded by {@link DsnInfoRemoteDelivery}:
 * {@code Remote-MTA: X-ip; [ip]:port} (port left out when 25), {@code X-Remote-MTA-smtp-greeting: X-str; ...},
 * {@code X-Remote-MTA-helo-response: X-str; ...} and {@code X-James-Exim-Diagnostic: X-str; SMTP error from
 * remote mail server after <command>: <reply>}. {@code Status} is the reply's enhanced code (or 5.0.0) and
 * {@code Diagnostic-Code} the reply itself. Values a server sent are cleaned and length-capped (see
 * {@link HeaderValues}). Mail with a null sender is not bounced. The sender's DSN requests (RFC 3461) are honoured:
 * no report for a recipient whose NOTIFY leaves out FAILURE, ORCPT as {@code Original-Recipient}, ENVID as
 * {@code Original-Envelope-Id}, RET choosing headers or the whole message.
 *
 * <pre>{@code
 * <processor state="bounces" enableJmx="false">
 *   <mailet match="All" class="org.jamesexim.mailets.DsnInfoBounce">
 *     <!-- write the DSN extra information fields; default false (only the standard fields) -->
 *     <dsnInfo>true</dsnInfo>
 *     <!-- name of the diagnostic field; default X-James-Exim-Diagnostic -->
 *     <diagnosticField>X-James-Exim-Diagnostic</diagnosticField>
 *     <!-- what of the original to return: heads (default), message or none -->
 *     <attachment>heads</attachment>
 *     <!-- keep processing the failed mail after bouncing it; default false -->
 *     <passThrough>false</passThrough>
 *   </mailet>
 * </processor>
 * }</pre>
 */
public class DsnInfoBounce extends GenericMailet {
    private static final Logger LOGGER = LoggerFactory.getLogger(DsnInfoBounce.class);
    static final String SUBJECT = "Mail delivery failed: returning message to sender";
    private static final AttributeName ARRIVAL_DATE = AttributeName.of("dsn-arrival-date");

    private enum Attachment { HEADS, MESSAGE, NONE }

    /** {@code dsnInfo}: write the DSN extra information fields (yes/no still read, deprecated). */
    public static final Param<Boolean> DSN_INFO = Param.bool("dsnInfo", false).legacyYesNo();
    /** {@code passThrough}: keep processing the failed mail after bouncing it (yes/no still read, deprecated). */
    public static final Param<Boolean> PASS_THROUGH = Param.bool("passThrough", false).legacyYesNo();
    /** {@code diagnosticField}: the name of the diagnostic field. */
    public static final Param<String> DIAGNOSTIC_FIELD = Param.text("diagnosticField", DeliveryStatusReport.DEFAULT_DIAGNOSTIC_FIELD)
        .check(f -> {
            DeliveryStatusReport.builder("check").diagnosticField(f);
            return f;
        });
    /** {@code attachment}: what of the original to return. */
    public static final Param<String> ATTACHMENT = Param.choice("attachment", "heads", "heads", "message", "none");
    /** Every parameter DsnInfoBounce reads. */
    public static final ParamSet PARAMETERS = ParamSet.of(DSN_INFO, DIAGNOSTIC_FIELD, ATTACHMENT, PASS_THROUGH);

    private final DNSService dns;
    private boolean dsnInfo;
    private String diagnosticField;
    private Attachment attachment;
    private boolean passThrough;
    private String reportingMta;

    @Inject
    public DsnInfoBounce(DNSService dns) {
        this.dns = dns;
    }

    @Override
    public void init() throws MessagingException {
        ParamValues values = GlueParams.mailet(PARAMETERS, getMailetConfig(), DsnInfoBounce.class, "");
        dsnInfo = values.get(DSN_INFO);
        passThrough = values.get(PASS_THROUGH);
        diagnosticField = values.get(DIAGNOSTIC_FIELD);
        attachment = Attachment.valueOf(values.get(ATTACHMENT).toUpperCase(Locale.ROOT));
        try {
            reportingMta = dns.getHostName(dns.getLocalHost());
        } catch (Exception e) {
            reportingMta = "localhost";
        }
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        MaybeSender sender = mail.getMaybeSender();
        List<MailAddress> reported = mail.getRecipients().stream().filter(r -> failureRequested(mail, r)).collect(Collectors.toList());
        if (sender.isNullSender()) {
            LOGGER.info("Not bouncing {}: it has a null sender", mail.getName());
        } else if (reported.isEmpty()) {
            LOGGER.info("Not bouncing {}: the sender asked for no failure notice (NOTIFY) for its recipients", mail.getName());
        } else {
            getMailetContext().sendMail(bounce(mail, sender.get(), reported));
        }
        if (!passThrough) {
            mail.setState(Mail.GHOST);
        }
    }

    /** RFC 3461: a recipient given with NOTIFY that does not include FAILURE (e.g. NEVER) gets no failure DSN. */
    private static boolean failureRequested(Mail mail, MailAddress rcpt) {
        return mail.dsnParameters().map(d -> d.getRcptParameters().get(rcpt))
            .flatMap(DsnParameters.RecipientDsnParameters::getNotifyParameter)
            .map(notify -> notify.contains(DsnParameters.Notify.FAILURE))
            .orElse(true);
    }

    private static Optional<String> originalRecipient(Mail mail, MailAddress rcpt) {
        return mail.dsnParameters().map(d -> d.getRcptParameters().get(rcpt))
            .flatMap(DsnParameters.RecipientDsnParameters::getOrcptParameter).map(MailAddress::asString);
    }

    private Mail bounce(Mail mail, MailAddress sender, List<MailAddress> reported) throws MessagingException {
        Optional<RemoteMta> remoteMta = remoteMta(mail);
        Map<String, AttributeValue<?>> commands = mapAttribute(mail, DsnInfoRemoteDelivery.SMTP_FAILED_COMMAND);
        Map<String, AttributeValue<?>> replies = mapAttribute(mail, DsnInfoRemoteDelivery.SMTP_FAILED_REPLY);
        String otherDiagnostic = stringAttribute(mail, Bouncer.DELIVERY_ERROR).orElse(mail.getErrorMessage());
        ZonedDateTime now = ZonedDateTime.now();

        DeliveryStatusReport.Builder report = DeliveryStatusReport.builder(reportingMta)
            .dsnInfo(dsnInfo).diagnosticField(diagnosticField)
            .receivedFromMta(mail.getRemoteHost())
            .envelopeId(mail.dsnParameters().flatMap(DsnParameters::getEnvIdParameter).map(DsnParameters.EnvId::asString).orElse(null));
        mail.getAttribute(ARRIVAL_DATE).map(Attribute::getValue).map(AttributeValue::value)
            .filter(ZonedDateTime.class::isInstance).map(ZonedDateTime.class::cast).ifPresent(report::arrivalDate);
        StringBuilder human = new StringBuilder("This message was created automatically by mail delivery software.\r\n\r\n"
            + "A message that you sent could not be delivered to one or more of its recipients.\r\n"
            + "This is a permanent error. The following address(es) failed:\r\n");
        for (MailAddress rcpt : reported) {
            Optional<SmtpFailure> failure = lookup(commands, rcpt).flatMap(c -> lookup(replies, rcpt).map(r -> SmtpFailure.of(c, r)));
            report.failed(originalRecipient(mail, rcpt).orElse(null), rcpt.asString(), remoteMta.orElse(null), failure.orElse(null),
                otherDiagnostic, now);
            human.append("\r\n  ").append(HeaderValues.firstLine(rcpt.asString(), 512)).append("\r\n");
            remoteMta.ifPresent(m -> human.append("    host ").append(HeaderValues.firstLine(m.hostName().orElse(m.address()), 255))
                .append(" ").append(m.xIp()).append("\r\n"));
            String why = failure.map(SmtpFailure::diagnostic).orElse(otherDiagnostic);
            HeaderValues.cleanLines(why).stream().limit(20).forEach(l -> human.append("    ").append(l).append("\r\n"));
        }

        MimeMessage message = new MimeMessage(MimeSession.SHARED);
        InternetAddress from = getMailetContext().getPostmaster().toInternetAddress().orElseThrow();
        message.setFrom(new InternetAddress("Mail Delivery System <" + from.getAddress() + ">"));
        message.setRecipient(javax.mail.Message.RecipientType.TO, sender.toInternetAddress().orElseThrow());
        message.setSubject(SUBJECT);
        message.setHeader("Auto-Submitted", "auto-replied");
        message.setSentDate(new java.util.Date());
        MimeMultipart multipart = new ReportMultipart();
        MimeBodyPart text = new MimeBodyPart();
        text.setText(human.toString(), "us-ascii");
        multipart.addBodyPart(text);
        multipart.addBodyPart(part(report.build().text().getBytes(StandardCharsets.US_ASCII), "message/delivery-status"));
        addOriginal(multipart, mail.getMessage(), returned(mail));
        message.setContent(multipart);
        message.saveChanges();

        return MailImpl.builder()
            .name(MailImpl.getId())
            .sender(MaybeSender.nullSender())
            .addRecipient(sender)
            .mimeMessage(message)
            .build();
    }

    /** The sender's RET (RFC 3461) overrides the configured attachment: FULL the message, HDRS the headers. */
    private Attachment returned(Mail mail) {
        return mail.dsnParameters().flatMap(DsnParameters::getRetParameter)
            .map(ret -> ret == DsnParameters.Ret.FULL ? Attachment.MESSAGE : Attachment.HEADS)
            .orElse(attachment);
    }

    private static void addOriginal(MimeMultipart multipart, MimeMessage original, Attachment attachment) throws MessagingException {
        try {
            if (attachment == Attachment.HEADS) {
                StringBuilder heads = new StringBuilder();
                for (Enumeration<String> e = original.getAllHeaderLines(); e.hasMoreElements(); ) {
                    heads.append(e.nextElement()).append("\r\n");
                }
                multipart.addBodyPart(part(heads.toString().getBytes(StandardCharsets.UTF_8), "text/rfc822-headers"));
            } else if (attachment == Attachment.MESSAGE) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                original.writeTo(out);
                multipart.addBodyPart(part(out.toByteArray(), "message/rfc822"));
            }
        } catch (IOException e) {
            throw new MessagingException("cannot read the original message", e);
        }
    }

    /** {@code multipart/report; report-type=delivery-status} (RFC 6522). */
    private static final class ReportMultipart extends MimeMultipart {
        ReportMultipart() throws MessagingException {
            super("report");
            ContentType type = new ContentType(contentType);
            type.setParameter("report-type", "delivery-status");
            contentType = type.toString();
        }
    }

    private static MimeBodyPart part(byte[] content, String type) throws MessagingException {
        MimeBodyPart part = new MimeBodyPart();
        part.setDataHandler(new DataHandler(new ByteArrayDataSource(content, type)));
        part.setHeader("Content-Type", type);
        return part;
    }

    private static Optional<RemoteMta> remoteMta(Mail mail) {
        Optional<String> address = stringAttribute(mail, DsnInfoRemoteDelivery.HOST_ADDRESS);
        Optional<Integer> port = mail.getAttribute(DsnInfoRemoteDelivery.HOST_PORT).map(Attribute::getValue).map(AttributeValue::value)
            .filter(Integer.class::isInstance).map(Integer.class::cast);
        if (address.isEmpty() || port.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(RemoteMta.of(stringAttribute(mail, DsnInfoRemoteDelivery.HOST).orElse(null), address.get(), port.get(),
            stringAttribute(mail, DsnInfoRemoteDelivery.SMTP_GREETING).orElse(null),
            stringAttribute(mail, DsnInfoRemoteDelivery.HELO_RESPONSE).orElse(null)));
    }

    private static Optional<String> stringAttribute(Mail mail, AttributeName name) {
        return mail.getAttribute(name).map(Attribute::getValue).map(AttributeValue::value)
            .filter(String.class::isInstance).map(String.class::cast);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, AttributeValue<?>> mapAttribute(Mail mail, AttributeName name) {
        return mail.getAttribute(name).map(Attribute::getValue).map(AttributeValue::value)
            .filter(Map.class::isInstance).map(m -> (Map<String, AttributeValue<?>>) m).orElse(Collections.emptyMap());
    }

    private static Optional<String> lookup(Map<String, AttributeValue<?>> map, MailAddress rcpt) {
        AttributeValue<?> v = map.get(rcpt.asString());
        if (v == null) {
            v = map.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(rcpt.asString())).map(Map.Entry::getValue)
                .findFirst().orElse(null);
        }
        return Optional.ofNullable(v).map(AttributeValue::value).filter(String.class::isInstance).map(String.class::cast);
    }

    @Override
    public String getMailetInfo() {
        return "DSN bounce with Exim's DSN extra information";
    }
}
