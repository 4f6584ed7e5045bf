package org.jamesexim.mailets;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.jamesexim.srs.EximNativeSrs;
import org.jamesexim.srs.SrsConfig;
import org.jamesexim.srs.SrsEngine;
import org.jamesexim.srs.SrsForwardResult;
import org.jamesexim.srs.SrsReverseResult;
import org.jamesexim.srs.SrsStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restores the original recipient of a bounce sent to one of our SRS addresses (Exim's {@code srs = reverse}), so
 * James relays it back to the original sender. Only recipients in our alias domains whose local part is an SRS0/SRS1
 * address that verifies with our secrets (hash and age) are reversed: forged or expired ones are left alone (James
 * then refuses them as unknown users), so this can never make James an open relay. The reversed recipients leave
 * in a copy of the mail that starts again at the {@code root} processor (so local ones are delivered and remote ones
 * reach the relay processor through {@code SentByMailet}); the other recipients stay on the original.
 * Put it in the root processor, before {@code transport}. Use the same secrets as {@link SrsForward}.
 *
 * <pre>{@code
 * <mailet match="All" class="org.jamesexim.mailets.SrsReverse">
 *     <secrets>new-secret:old-secret</secrets>
 *     <!-- or <secretsFile>file://conf/srs-secrets</secretsFile>: one secret a line, the first signs -->
 *     <hashlength>6</hashlength>
 *     <maxage>31</maxage>
 *     <aliasDomains>example.test</aliasDomains>  <!-- Exim list; default: every local domain -->
 *     <reverseandforward>false</reverseandforward> <!-- true: also SRS-rewrite a non-null sender (Exim's reverseandforward) -->
 *     <eximSecret>old-exim-secret</eximSecret>    <!-- optional: also reverse Exim native ${srs_encode} addresses -->
 *     <bouncesOnly>false</bouncesOnly>            <!-- true: only reverse mail with the null sender (Exim's senders = :) -->
 *     <!-- database mode: the same db* parameters as SrsForward -->
 * </mailet>
 * }</pre>
 *
 * <p>Attributes (on the mail that carries the reversed recipients, or on the original when nothing verified):
 * {@code jexim.srs_orig_recipient}, {@code jexim.srs_recipient}, {@code jexim.srs_status} ({@code valid},
 * {@code expired}, {@code bad hash}, {@code defer}), {@code jexim.srs_db_key}, {@code jexim.srs_db_address}.
 * Like Exim's variables they describe one address: with several SRS recipients, the last one examined.</p>
 */
public class SrsReverse extends GenericMailet {
    public static final AttributeName SRS_ORIG_RECIPIENT = SrsAttributes.SRS_ORIG_RECIPIENT;
    public static final AttributeName SRS_RECIPIENT = SrsAttributes.SRS_RECIPIENT;
    public static final AttributeName SRS_STATUS = SrsAttributes.SRS_STATUS;
    public static final AttributeName SRS_DB_KEY = SrsAttributes.SRS_DB_KEY;
    public static final AttributeName SRS_DB_ADDRESS = SrsAttributes.SRS_DB_ADDRESS;
    public static final AttributeName SRS_ORIG_SENDER = SrsAttributes.SRS_ORIG_SENDER;

    private static final Logger LOGGER = LoggerFactory.getLogger(SrsReverse.class);

    private final FileSystem fileSystem;
    private SrsEngine engine;
    private EximNativeSrs exim;
    private List<String> aliasDomains;
    private boolean reverseAndForward;
    private boolean bouncesOnly;

    /** Without James's FileSystem: {@code secretsFile} must then be a plain path. */
    public SrsReverse() {
        this(null);
    }

    @Inject
    public SrsReverse(FileSystem fileSystem) {
        this.fileSystem = fileSystem;
    }

    @Override
    public void init() throws MessagingException {
        try {
            engine = SrsSettings.engine(this::getInitParameter, f -> PackFiles.resolve(fileSystem, f));
            aliasDomains = SrsSettings.domains(getInitParameter("aliasDomains"));
            String rf = getInitParameter("reverseandforward");
            reverseAndForward = rf != null && SrsConfig.boolField("reverseandforward", rf);
            String bo = getInitParameter("bouncesOnly");
            bouncesOnly = bo != null && SrsConfig.boolField("bouncesOnly", bo);
        } catch (IllegalArgumentException e) {
            throw new MessagingException("SrsReverse: " + e.getMessage());
        }
        String es = getInitParameter("eximSecret");
        exim = es == null || es.isEmpty() ? null : new EximNativeSrs(es, Clock.systemUTC());
    }

    /** Is {@code rcpt} in one of our alias domains with an SRS-looking local part. */
    boolean isOurSrsAddress(MailAddress rcpt) {
        String local = rcpt.getLocalPart();
        if (local.length() < 5 || !(local.regionMatches(true, 0, "SRS0", 0, 4) || local.regionMatches(true, 0, "SRS1", 0, 4))) {
            return false;
        }
        String domain = rcpt.getDomain().asString().toLowerCase(Locale.ROOT);
        return aliasDomains.isEmpty() ? getMailetContext().isLocalServer(rcpt.getDomain()) : aliasDomains.contains(domain);
    }

    /** Reverses one address with the engine, then (when configured) as an Exim native address. */
    SrsReverseResult reverse(String address) {
        SrsReverseResult r = engine.reverse(address);
        if (!r.valid() && exim != null && r.status() != SrsStatus.DEFER) {
            SrsReverseResult e = exim.inbound(address);
            if (e.valid() && e.recipient().isPresent()) {
                return e;
            }
        }
        return r;
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        if (bouncesOnly && mail.hasSender()) {
            return;
        }
        List<MailAddress> keep = new ArrayList<>();
        List<MailAddress> decoded = new ArrayList<>();
        List<Attribute> attributes = new ArrayList<>();
        List<Attribute> failed = new ArrayList<>();
        for (MailAddress rcpt : mail.getRecipients()) {
            if (!isOurSrsAddress(rcpt)) {
                keep.add(rcpt);
                continue;
            }
            SrsReverseResult r = reverse(rcpt.asString());
            MailAddress back = null;
            if (r.valid() && r.recipient().isPresent()) {
                try {
                    back = new MailAddress(r.recipient().get());
                } catch (javax.mail.internet.AddressException e) {
                    LOGGER.info("SRS reverse mail={} srs_orig_recipient={}: decoded address '{}' is not valid: {}", mail.getName(),
                        rcpt.asString(), r.recipient().get(), e.getMessage());
                }
            }
            List<Attribute> target = back != null ? attributes : failed;
            target.clear();
            target.add(new Attribute(SRS_ORIG_RECIPIENT, AttributeValue.of(rcpt.asString())));
            target.add(new Attribute(SRS_STATUS, AttributeValue.of(back != null ? SrsStatus.VALID.text()
                : r.valid() ? SrsStatus.BAD_HASH.text() : r.status().text())));
            r.dbKey().ifPresent(k -> target.add(new Attribute(SRS_DB_KEY, AttributeValue.of(k))));
            r.dbAddress().ifPresent(k -> target.add(new Attribute(SRS_DB_ADDRESS, AttributeValue.of(k))));
            if (back != null) {
                target.add(new Attribute(SRS_RECIPIENT, AttributeValue.of(back.asString())));
                decoded.add(back);
                LOGGER.debug("SRS reverse mail={} srs_orig_recipient={} srs_recipient={}", mail.getName(), rcpt.asString(), back.asString());
            } else {
                keep.add(rcpt);
                LOGGER.info("SRS reverse mail={} srs_orig_recipient={} srs_status={}: {}", mail.getName(), rcpt.asString(),
                    r.status().text(), r.error().orElse(""));
            }
        }
        failed.forEach(mail::setAttribute);
        if (decoded.isEmpty()) {
            return;
        }
        Mail copy = mail.duplicate();
        copy.setRecipients(decoded);
        attributes.forEach(copy::setAttribute);
        if (reverseAndForward && copy.hasSender()) {
            forwardSender(copy);
        }
        getMailetContext().sendMail(copy);
        if (keep.isEmpty()) {
            mail.setRecipients(keep);
            mail.setState(Mail.GHOST);
        } else {
            mail.setRecipients(keep);
        }
    }

    private void forwardSender(Mail copy) throws MessagingException {
        MailAddress sender = copy.getMaybeSender().get();
        if (!engine.config().alwaysRewrite() && getMailetContext().isLocalServer(sender.getDomain())) {
            return;
        }
        String alias = copy.getAttribute(SRS_ORIG_RECIPIENT).map(a -> String.valueOf(a.getValue().value()))
            .map(a -> a.substring(a.lastIndexOf('@') + 1)).orElseThrow();
        SrsForwardResult f = engine.forward(sender.asString(), alias);
        if (f.rewritten()) {
            SrsForward.setSender(copy, new MailAddress(f.address()));
            copy.setAttribute(new Attribute(SRS_ORIG_SENDER, AttributeValue.of(sender.asString())));
        }
    }

    @Override
    public String getMailetInfo() {
        return "SrsReverse (James Exim Pack)";
    }
}
