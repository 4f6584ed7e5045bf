package org.jamesexim.mailets.queuefile;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import javax.mail.MessagingException;
import javax.mail.internet.AddressException;

import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.server.core.MailImpl;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.DsnParameters;
import org.apache.mailet.Mail;
import org.apache.mailet.PerRecipientHeaders;
import org.jamesexim.common.LogText;
import org.jamesexim.mailets.mime.BytesSource;
import org.jamesexim.mailets.mime.MimeBytes;
import org.jamesexim.queuefile.SpoolEnvelope;
import org.jamesexim.queuefile.SpoolHeader;
import org.jamesexim.queuefile.SpoolRecipient;
import org.jamesexim.queuefile.SpooledMessage;

import com.fasterxml.jackson.databind.ObjectMapper;

/** Translates between James's {@link Mail} and the queuefile engine's {@link SpooledMessage}. Stateless. */
public final class QueueFileMail {
    /**
     * The remote address and host of a requeued mail whose file gives none, or whose claim is not believed
     * ({@code trustEnvelope=false}): not 127.0.0.1, which James's {@code RemoteAddrInNetwork} and
     * {@code authorizedAddresses} setups commonly trust.
     */
    public static final String UNKNOWN_REMOTE = "0.0.0.0";
    private static final ObjectMapper JSON = new ObjectMapper();

    private QueueFileMail() {
    }

    /** The whole envelope of {@code mail} and its raw bytes. */
    public static SpooledMessage toSpooled(Mail mail) throws MessagingException {
        SpoolEnvelope.Builder b = SpoolEnvelope.builder()
                .name(mail.getName())
                .sender(mail.getMaybeSender().asOptional().map(MailAddress::asString).orElse(null))
                .state(mail.getState())
                .errorMessage(mail.getErrorMessage())
                .remoteAddr(mail.getRemoteAddr())
                .remoteHost(mail.getRemoteHost())
                .receivedTime(mail.getLastUpdated() == null ? Instant.now() : mail.getLastUpdated().toInstant());
        Optional<DsnParameters> dsn = mail.dsnParameters();
        for (MailAddress r : mail.getRecipients()) {
            Set<String> notify = null;
            String orcpt = null;
            DsnParameters.RecipientDsnParameters p = dsn.map(d -> d.getRcptParameters().get(r)).orElse(null);
            if (p != null) {
                notify = p.getNotifyParameter().map(s -> s.stream().map(Enum::name).collect(Collectors.toSet())).orElse(null);
                orcpt = p.getOrcptParameter().map(a -> DsnParameters.RFC_822_PREFIX + a.asString()).orElse(null);
            }
            b.addRecipient(new SpoolRecipient(r.asString(), notify, orcpt, null));
        }
        dsn.ifPresent(d -> {
            d.getEnvIdParameter().ifPresent(e -> b.dsnEnvid(e.asString()));
            d.getRetParameter().ifPresent(r -> b.dsnRet(r.name()));
        });
        mail.getAttribute(Mail.SMTP_HELO).map(a -> a.getValue().value()).filter(v -> v instanceof String).ifPresent(v -> b.heloName((String) v));
        mail.getAttribute(Mail.SMTP_AUTH_USER).map(a -> a.getValue().value()).filter(v -> v instanceof String).ifPresent(v -> b.authUser((String) v));
        mail.getPerRecipientSpecificHeaders().getHeadersByRecipient().entries()
                .forEach(e -> b.addPerRecipientHeader(e.getKey().asString(), new SpoolHeader(e.getValue().getName(), e.getValue().getValue())));
        mail.attributes().forEach(a -> {
            Optional<String> json = a.getValue().toJson().map(Object::toString);
            if (json.isPresent()) {
                b.attribute(a.getName().asString(), json.get());
            } else {
                b.unrepresentedAttribute(a.getName().asString());
            }
        });
        try {
            return new SpooledMessage(null, b.build(), MimeBytes.of(mail.getMessage()));
        } catch (IOException e) {
            throw new MessagingException("cannot read the message of mail " + mail.getName() + ": " + e.getMessage(), e);
        }
    }

    /** Why a spooled message cannot become a James mail (bad address, bad attribute). */
    public static final class Unconvertible extends Exception {
        private static final long serialVersionUID = 1L;

        Unconvertible(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * A new mail named {@code name} in processor {@code state}, with the envelope and bytes of {@code m}.
     * Attributes whose JSON James cannot turn back into a value are listed in {@code skippedAttributes}.
     */
    public static MailImpl toMail(String name, SpooledMessage m, String state, List<String> skippedAttributes) throws Unconvertible {
        SpoolEnvelope e = m.envelope();
        try {
            List<MailAddress> rcpts = new ArrayList<>();
            for (SpoolRecipient r : e.recipients()) {
                rcpts.add(new MailAddress(r.address()));
            }
            MaybeSender sender = e.sender() == null ? MaybeSender.nullSender() : MaybeSender.of(new MailAddress(e.sender()));
            List<Attribute> attrs = new ArrayList<>();
            for (Map.Entry<String, String> a : e.attributes().entrySet()) {
                try {
                    attrs.add(new Attribute(AttributeName.of(a.getKey()), AttributeValue.fromJson(JSON.readTree(a.getValue()))));
                } catch (Exception ex) {
                    skippedAttributes.add(a.getKey());
                }
            }
            MailImpl.Builder b = MailImpl.builder()
                    .name(name)
                    .sender(sender)
                    .addRecipients(rcpts)
                    .state(state)
                    .errorMessage(e.errorMessage())
                    .remoteAddr(e.remoteAddr() == null ? UNKNOWN_REMOTE : e.remoteAddr())
                    .remoteHost(e.remoteAddr() == null || e.remoteHost() == null ? UNKNOWN_REMOTE : e.remoteHost())
                    .lastUpdated(Date.from(e.receivedTime()))
                    .addAttributes(attrs);
            for (Map.Entry<String, List<SpoolHeader>> en : e.perRecipientHeaders().entrySet()) {
                MailAddress r = new MailAddress(en.getKey());
                for (SpoolHeader h : en.getValue()) {
                    b.addHeaderForRecipient(PerRecipientHeaders.Header.builder().name(h.name()).value(h.value()).build(), r);
                }
            }
            MailImpl mail = b.build();
            // the bytes as James's own message, set after build: the builder's mimeMessage() would copy it again
            mail.setMessageContent(new BytesSource(name, m.content()));
            if (e.heloName() != null && mail.getAttribute(Mail.SMTP_HELO).isEmpty()) {
                mail.setAttribute(new Attribute(Mail.SMTP_HELO, AttributeValue.of(e.heloName())));
            }
            if (e.authUser() != null && mail.getAttribute(Mail.SMTP_AUTH_USER).isEmpty()) {
                mail.setAttribute(new Attribute(Mail.SMTP_AUTH_USER, AttributeValue.of(e.authUser())));
            }
            dsnParameters(e).ifPresent(mail::setDsnParameters);
            return mail;
        } catch (AddressException ex) {
            throw new Unconvertible("message " + m.id() + ": address not accepted by James: " + LogText.escape(ex.getMessage(), 300), ex);
        } catch (MessagingException | RuntimeException ex) {
            throw new Unconvertible("message " + m.id() + ": cannot be made into a James mail: " + LogText.escape(String.valueOf(ex.getMessage()), 300), ex);
        }
    }

    private static Optional<DsnParameters> dsnParameters(SpoolEnvelope e) throws AddressException {
        DsnParameters.Builder b = DsnParameters.builder();
        boolean any = false;
        if (e.dsnEnvid() != null) {
            b.envId(DsnParameters.EnvId.of(e.dsnEnvid()));
            any = true;
        }
        if (e.dsnRet() != null) {
            b.ret(DsnParameters.Ret.valueOf(e.dsnRet()));
            any = true;
        }
        for (SpoolRecipient r : e.recipients()) {
            Optional<EnumSet<DsnParameters.Notify>> notify = Optional.empty();
            if (!r.dsnNotify().isEmpty()) {
                EnumSet<DsnParameters.Notify> n = EnumSet.noneOf(DsnParameters.Notify.class);
                r.dsnNotify().forEach(k -> n.add(DsnParameters.Notify.valueOf(k)));
                notify = Optional.of(n);
            }
            Optional<MailAddress> orcpt = Optional.empty();
            if (r.orcpt() != null) {
                String o = r.orcpt();
                String addr = o.regionMatches(true, 0, DsnParameters.RFC_822_PREFIX, 0, DsnParameters.RFC_822_PREFIX.length())
                        ? o.substring(DsnParameters.RFC_822_PREFIX.length()) : o;
                try {
                    orcpt = Optional.of(new MailAddress(addr));
                } catch (AddressException ignored) {
                    orcpt = Optional.empty();
                }
            }
            if (notify.isPresent() || orcpt.isPresent()) {
                MailAddress rcpt = new MailAddress(r.address());
                Optional<DsnParameters.RecipientDsnParameters> p = DsnParameters.RecipientDsnParameters.of(notify, orcpt);
                if (p.isPresent()) {
                    b.addRcptParameter(rcpt, p.get());
                    any = true;
                }
            }
        }
        return any ? b.build() : Optional.empty();
    }
}
