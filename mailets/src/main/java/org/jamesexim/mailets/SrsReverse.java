package org.jamesexim.mailets;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.jamesexim.srs.SrsBounceCheck;
import org.jamesexim.srs.SrsDeadline;
import org.jamesexim.common.config.Param;
import org.jamesexim.common.config.ParamSet;
import org.jamesexim.mailets.config.GlueParams;
import org.jamesexim.mailets.metrics.PackMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restores the original recipient of a bounce sent to one of our SRS addresses (Exim's {@code srs = reverse}), so
 * James relays it back to the original sender. Only recipients in our alias domains whose local part is an SRS0/SRS1
 * address that verifies with our secrets (hash and age), sent by the null sender (unless {@code bouncesOnly} is
 * false), and that decodes to an address James accepts, are reversed ({@link SrsBounces}, the same decision as
 * {@code SrsRcptHook}); forged or expired ones are left alone (James then refuses them as unknown users), so this can
 * never make James an open relay. The reversed recipients leave in a copy of the mail that starts again at the
 * {@code root} processor (so local ones are delivered and remote ones reach the relay processor through
 * {@code SentByMailet}); the other recipients stay on the original. Put it in the root processor, before
 * {@code transport}. Use the same secrets as {@link SrsForward}.
 *
 * <p>Database mode: a recipient whose key the database cannot be asked for in time is <b>deferred</b>: it leaves in
 * a copy that comes back to this processor after {@code deferDelay} seconds, at most {@code deferRetries} times
 * (attribute {@code jexim.srs_defer_count}); then the copy goes to the {@code error} processor (kept in the error
 * repository). The database calls of one mail share {@code dbdeadline}.</p>
 *
 * <pre>{@code
 * <mailet match="All" class="org.jamesexim.mailets.SrsReverse">
 *     <secretsFile>file://conf/srs-secrets</secretsFile>  <!-- or secretsEnv / secretsProperty / secrets, as SrsForward -->
 *     <hashlength>6</hashlength>
 *     <maxage>31</maxage>
 *     <aliasDomains>example.test</aliasDomains>  <!-- Exim list; default: every local domain -->
 *     <aliasDomainsFile>file://conf/srs-aliases</aliasDomainsFile>  <!-- optional: more alias domains, one a line, read again when changed -->
 *     <bouncesOnly>true</bouncesOnly>             <!-- default true: only the null sender may use our SRS addresses -->
 *     <reverseandforward>false</reverseandforward> <!-- true (needs bouncesOnly false): also SRS-rewrite a non-null sender -->
 *     <eximSecretFile>file://conf/exim-srs-secret</eximSecretFile> <!-- optional: also reverse Exim native ${srs_encode} addresses -->
 *     <!-- database mode: the same db* parameters as SrsForward, and <deferDelay>300</deferDelay> <deferRetries>12</deferRetries> -->
 * </mailet>
 * }</pre>
 *
 * <p>Attributes (on the mail that carries the reversed recipients, or on the original when nothing verified):
 * {@code jexim.srs_orig_recipient}, {@code jexim.srs_recipient}, {@code jexim.srs_status} ({@code valid},
 * {@code expired}, {@code bad hash}, {@code defer}), {@code jexim.srs_db_key}, {@code jexim.srs_db_address},
 * {@code jexim.srs_defer_count}. Like Exim's variables they describe one address: with several SRS recipients, the
 * last one examined. Values from outside (the recipient as it came) are only set when at most 512 characters without
 * control characters.</p>
 */
public class SrsReverse extends GenericMailet {
    /** Default {@code deferDelay} (seconds) and {@code deferRetries}. */
    public static final int DEFAULT_DEFER_DELAY = 300;
    public static final int DEFAULT_DEFER_RETRIES = 12;
    /** {@code reverseandforward}: also rewrite the sender (needs bouncesOnly false); yes/no still read, deprecated. */
    public static final Param<Boolean> REVERSE_AND_FORWARD = Param.bool("reverseandforward", false).legacyYesNo();
    /** {@code deferDelay}: database mode, the wait before a deferred bounce is tried again (seconds, or 5m...). */
    public static final Param<java.time.Duration> DEFER_DELAY = Param.duration("deferDelay", DEFAULT_DEFER_DELAY + "s").between("1s", "86400s");
    /** {@code deferRetries}: database mode, how often a deferred bounce is tried again. */
    public static final Param<Integer> DEFER_RETRIES = Param.integer("deferRetries", DEFAULT_DEFER_RETRIES, 0, 1000);
    /** Every parameter SrsReverse reads: the shared {@link SrsSettings#PARAMETERS} and its own. */
    public static final ParamSet PARAMETERS = SrsSettings.PARAMETERS.with(REVERSE_AND_FORWARD, DEFER_DELAY, DEFER_RETRIES);

    private static final Logger LOGGER = LoggerFactory.getLogger(SrsReverse.class);

    private final FileSystem fileSystem;
    private final MetricFactory metrics;
    private SrsSettings settings;
    private SrsBounces bounces;
    private boolean reverseAndForward;
    private int deferDelay;
    private int deferRetries;

    /** Without James's FileSystem: {@code *File} parameters must then be plain paths. */
    public SrsReverse() {
        this(null);
    }

    /** Without James's metrics (plain tests). */
    public SrsReverse(FileSystem fileSystem) {
        this(fileSystem, PackMetrics.NONE);
    }

    @Inject
    public SrsReverse(FileSystem fileSystem, MetricFactory metrics) {
        this.fileSystem = fileSystem;
        this.metrics = metrics;
    }

    @Override
    public void init() throws MessagingException {
        try {
            settings = SrsSettings.read(GlueParams.source(getMailetConfig()), PARAMETERS, f -> PackFiles.resolve(fileSystem, f), metrics);
            bounces = new SrsBounces(settings);
            reverseAndForward = settings.values().get(REVERSE_AND_FORWARD);
            if (reverseAndForward && settings.bouncesOnly()) {
                throw new IllegalArgumentException("reverseandforward rewrites the sender of mail that has one, so it needs bouncesOnly set to false"
                    + " (bouncesOnly is true by default)");
            }
            deferDelay = (int) settings.values().get(DEFER_DELAY).toSeconds();
            deferRetries = settings.values().get(DEFER_RETRIES);
        } catch (IllegalArgumentException e) {
            throw new MessagingException("SrsReverse: " + (settings == null ? e.getMessage() : settings.redact(e.getMessage())));
        }
    }


    @Override
    public void service(Mail mail) throws MessagingException {
        recordOriginalDomain(mail);
        if (settings.bouncesOnly() && mail.hasSender()) {
            return; // not a bounce: our SRS addresses are not for it (James refuses them as unknown users)
        }
        SrsDeadline deadline = settings.deadline();
        List<MailAddress> keep = new ArrayList<>();
        List<MailAddress> decoded = new ArrayList<>();
        List<MailAddress> deferred = new ArrayList<>();
        List<Attribute> attributes = new ArrayList<>();
        List<Attribute> failed = new ArrayList<>();
        List<Attribute> deferAttributes = new ArrayList<>();
        for (MailAddress rcpt : mail.getRecipients()) {
            SrsBounces.Decision d = bounces.decide(mail.getMaybeSender(), rcpt,
                domain -> settings.inAliasDomains(domain, getMailetContext()::isLocalServer), deadline);
            if (d.verdict() == SrsBounceCheck.Verdict.NOT_OURS || d.verdict() == SrsBounceCheck.Verdict.NOT_A_BOUNCE) {
                if (d.verdict() == SrsBounceCheck.Verdict.NOT_OURS && SrsBounces.looksSrs(rcpt) && getMailetContext().isLocalServer(rcpt.getDomain())) {
                    // an SRS address at one of our domains that is not an SRS domain: James refuses it as an unknown user
                    LOGGER.info("SRS reverse refused mail={} srs_orig_recipient=<{}> srs_status={} reason=\"{}\"", mail.getName(),
                        settings.safe(rcpt.asString()), SrsBounces.NOT_OURS, "not one of the SRS domains (aliasDomains)");
                }
                keep.add(rcpt);
                continue;
            }
            List<Attribute> target = d.verdict() == SrsBounceCheck.Verdict.VALID ? attributes
                : d.verdict() == SrsBounceCheck.Verdict.DEFER ? deferAttributes : failed;
            target.clear();
            if (SrsSettings.attributeSafe(rcpt.asString())) {
                target.add(new Attribute(SrsAttributes.SRS_ORIG_RECIPIENT, AttributeValue.of(rcpt.asString())));
            }
            target.add(new Attribute(SrsAttributes.SRS_STATUS, AttributeValue.of(d.status())));
            PackMetrics.count(metrics, SrsAttributes.SRS_STATUS, d.status().replace(' ', '_')); // jexim.srs_status.bad_hash
            d.result().dbKey().filter(SrsSettings::attributeSafe).ifPresent(k -> target.add(new Attribute(SrsAttributes.SRS_DB_KEY, AttributeValue.of(k))));
            switch (d.verdict()) {
                case VALID:
                    d.result().dbAddress().ifPresent(a -> target.add(new Attribute(SrsAttributes.SRS_DB_ADDRESS, AttributeValue.of(a))));
                    target.add(new Attribute(SrsAttributes.SRS_RECIPIENT, AttributeValue.of(d.decoded().asString())));
                    decoded.add(d.decoded());
                    LOGGER.info("SRS reverse mail={} srs_orig_recipient=<{}> srs_recipient=<{}>", mail.getName(), settings.safe(rcpt.asString()),
                        settings.safe(d.decoded().asString()));
                    break;
                case DEFER:
                    deferred.add(rcpt);
                    LOGGER.warn("SRS reverse mail={} srs_orig_recipient={} srs_status=defer: {}", mail.getName(), settings.safe(rcpt.asString()),
                        settings.safe(d.why()));
                    break;
                default:
                    keep.add(rcpt);
                    LOGGER.info("SRS reverse refused mail={} srs_orig_recipient=<{}> srs_status={} reason=\"{}\"", mail.getName(),
                        settings.safe(rcpt.asString()), d.status(), settings.safe(d.why()));
            }
        }
        failed.forEach(mail::setAttribute);
        if (!deferred.isEmpty()) {
            defer(mail, deferred, deferAttributes);
        }
        if (!decoded.isEmpty()) {
            Mail copy = mail.duplicate();
            copy.setRecipients(decoded);
            copy.removeAttribute(SrsAttributes.SRS_DEFER_COUNT);
            attributes.forEach(copy::setAttribute);
            if (reverseAndForward && copy.hasSender()) {
                forwardSender(copy);
            }
            getMailetContext().sendMail(copy);
        }
        if (decoded.isEmpty() && deferred.isEmpty()) {
            return;
        }
        mail.setRecipients(keep);
        if (keep.isEmpty()) {
            mail.setState(Mail.GHOST);
        }
    }

    /**
     * Exim's {@code $original_domain} for SrsForward's {@code alias}: the domain of the first recipient in one of our
     * domains, before James's RecipientRewriteTable replaces it (its forwarded copy keeps the attribute). Set once.
     */
    private void recordOriginalDomain(Mail mail) {
        if (!mail.hasSender() || mail.getAttribute(SrsAttributes.ORIGINAL_DOMAIN).isPresent()) {
            return;
        }
        for (MailAddress rcpt : mail.getRecipients()) {
            if (getMailetContext().isLocalServer(rcpt.getDomain())) {
                mail.setAttribute(new Attribute(SrsAttributes.ORIGINAL_DOMAIN, AttributeValue.of(rcpt.getDomain().asString().toLowerCase(Locale.ROOT))));
                return;
            }
        }
    }

    /** The recipients the database could not be asked about: back to this processor later, or to error at the end. */
    private void defer(Mail mail, List<MailAddress> deferred, List<Attribute> attributes) throws MessagingException {
        int tries = mail.getAttribute(SrsAttributes.SRS_DEFER_COUNT).map(a -> a.getValue().value())
            .filter(Integer.class::isInstance).map(Integer.class::cast).orElse(0) + 1;
        Mail copy = mail.duplicate();
        copy.setRecipients(deferred);
        attributes.forEach(copy::setAttribute);
        copy.setAttribute(new Attribute(SrsAttributes.SRS_DEFER_COUNT, AttributeValue.of(tries)));
        if (tries > deferRetries) {
            copy.setErrorMessage("SRS database not reachable after " + deferRetries + " retries (" + deferDelay + " s apart)");
            LOGGER.warn("SRS reverse mail={} {} recipient(s) to the error processor: the SRS database did not answer in {} tries",
                mail.getName(), deferred.size(), tries);
            getMailetContext().sendMail(copy, Mail.ERROR);
            return;
        }
        LOGGER.info("SRS reverse mail={} {} recipient(s) deferred {} s (try {} of {}): the SRS database did not answer",
            mail.getName(), deferred.size(), deferDelay, tries, deferRetries + 1);
        getMailetContext().sendMail(copy, mail.getState(), deferDelay, TimeUnit.SECONDS);
    }

    private void forwardSender(Mail copy) {
        MailAddress sender = copy.getMaybeSender().get();
        if (!settings.engine().config().alwaysRewrite() && getMailetContext().isLocalServer(sender.getDomain())) {
            return;
        }
        String alias = copy.getAttribute(SrsAttributes.SRS_ORIG_RECIPIENT).map(a -> String.valueOf(a.getValue().value()))
            .map(a -> a.substring(a.lastIndexOf('@') + 1)).orElse(null);
        if (alias == null) {
            return;
        }
        SrsForward.rewrite(copy, sender, alias, settings, LOGGER, null, metrics);
    }

    /** In database mode a bounce deferred {@code deferRetries} times goes to the error processor. */
    @Override
    public java.util.Collection<org.apache.mailet.ProcessingState> requiredProcessingState() {
        return settings != null && settings.databaseMode() ? List.of(new org.apache.mailet.ProcessingState(Mail.ERROR)) : List.of();
    }

    /** Stops the SRS database mode's worker threads. */
    @Override
    public void destroy() {
        if (settings != null) {
            settings.close();
        }
    }

    @Override
    public String getMailetInfo() {
        return "SrsReverse (James Exim Pack)";
    }

}
