package org.jamesexim.smtp;

import javax.inject.Inject;

import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.core.Domain;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.domainlist.api.DomainList;
import org.apache.james.domainlist.api.DomainListException;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.apache.james.protocols.smtp.hook.RcptHook;
import org.jamesexim.common.HeaderText;
import org.jamesexim.mailets.PackFiles;
import org.jamesexim.mailets.SrsBounces;
import org.jamesexim.mailets.SrsSettings;
import org.jamesexim.srs.SrsBounceCheck;
import org.jamesexim.srs.SrsDeadline;
import org.jamesexim.common.config.ParamSet;
import org.jamesexim.mailets.config.GlueParams;
import org.jamesexim.mailets.metrics.PackMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RCPT hook for bounces to our SRS addresses. For an SRS0/SRS1 recipient (quoted or not) in one of our alias domains
 * that is also a James domain, it makes the same decision as {@code SrsReverse} ({@link SrsBounces}):
 * <ul>
 * <li>{@code 250 2.1.5} when {@code SrsReverse} will send the mail back: the null sender (unless {@code bouncesOnly}
 * is false), hash and age verify, the address decodes to one James accepts. This {@code OK} ends the RCPT hooks:
 * hooks after this one (James's {@code ValidRcptHandler}, its relay check, {@code MaxRcptHandler}, RBL checks...) are
 * skipped for that recipient, so put policy hooks before it;</li>
 * <li>{@code 550 5.7.1} for a forged, truncated, hashless or undecodable one, and for a sender that is not null
 * (with {@code bouncesOnly}, the default); {@code 550 5.1.1} for an expired one;</li>
 * <li>{@code 451 4.3.0} when the database cannot be asked in time (each call {@code dbtimeout}, all calls of one
 * SMTP transaction together {@code dbdeadline}): the sending MTA tries again later, nothing is lost.</li>
 * </ul>
 * Any other recipient (not SRS, not in our alias domains, a domain James does not have) is DECLINED to the next hook,
 * so James's relay rules are untouched: this never opens a relay.
 *
 * <pre>{@code
 * <handlerchain>
 *     <!-- policy hooks that must see every recipient (RBL, MaxRcptHandler...) go before this one -->
 *     <handler class="org.jamesexim.smtp.SrsRcptHook">
 *         <secretsFile>file://conf/srs-secrets</secretsFile>  <!-- or secretsEnv / secretsProperty / secrets, as SrsForward -->
 *         <hashlength>6</hashlength>
 *         <maxage>31</maxage>
 *         <aliasDomains>example.test</aliasDomains>  <!-- Exim list; default: every local domain; each must be a James domain -->
 *         <aliasDomainsFile>file://conf/srs-aliases</aliasDomainsFile>  <!-- optional: more alias domains, one a line, read again when changed -->
 *         <eximSecretFile>file://conf/exim-srs-secret</eximSecretFile> <!-- optional: also accept Exim native SRS -->
 *         <bouncesOnly>true</bouncesOnly>             <!-- default true: only the null sender may use SRS addresses (Exim's senders = :) -->
 *     </handler>
 *     <handler class="org.apache.james.smtpserver.fastfail.ValidRcptHandler"/>
 *     <handler class="org.apache.james.smtpserver.CoreCmdHandlerLoader"/>
 * </handlerchain>
 * }</pre>
 */
public class SrsRcptHook implements RcptHook {
    /** Every parameter SrsRcptHook reads: those of {@link SrsSettings#PARAMETERS}. */
    public static final ParamSet PARAMETERS = SrsSettings.PARAMETERS;
    private static final Logger LOGGER = LoggerFactory.getLogger(SrsRcptHook.class);
    /**
     * The counters of the hook's decisions, one per SRS-shaped recipient: {@code jexim.srs.rcpt.valid},
     * {@code not_a_bounce}, {@code expired}, {@code defer}, {@code bad_hash}, {@code not_ours} (the srs_status words of
     * its log lines); SrsReverse counts {@code jexim.srs_status.*} for the same bounces in the spool.
     */
    public static final String RCPT_COUNTER = "jexim.srs.rcpt";
    /** The database deadline of the current SMTP transaction. */
    static final ProtocolSession.AttachmentKey<SrsDeadline> DEADLINE = ProtocolSession.AttachmentKey.of("jexim.srs_deadline", SrsDeadline.class);

    private final DomainList domainList;
    private final FileSystem fileSystem;
    private final MetricFactory metrics;
    private SrsSettings settings;
    private SrsBounces bounces;

    /** Without James's FileSystem: {@code *File} parameters must then be plain paths. */
    public SrsRcptHook(DomainList domainList) {
        this(domainList, null);
    }

    /** Without James's metrics (plain tests). */
    public SrsRcptHook(DomainList domainList, FileSystem fileSystem) {
        this(domainList, fileSystem, PackMetrics.NONE);
    }

    @Inject
    public SrsRcptHook(DomainList domainList, FileSystem fileSystem, MetricFactory metrics) {
        this.domainList = domainList;
        this.fileSystem = fileSystem;
        this.metrics = metrics;
    }

    @Override
    public void init(Configuration config) throws ConfigurationException {
        try {
            settings = SrsSettings.read(GlueParams.source(config), PARAMETERS, f -> PackFiles.resolve(fileSystem, f), metrics);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("SrsRcptHook: " + e.getMessage());
        }
        bounces = new SrsBounces(settings);
    }

    /** Stops the SRS database mode's worker threads. */
    @Override
    public void destroy() {
        if (settings != null) {
            settings.close();
        }
    }

    @Override
    public HookResult doRcpt(SMTPSession session, MaybeSender sender, MailAddress rcpt) {
        if (!SrsBounces.looksSrs(rcpt)) {
            return HookResult.DECLINED;
        }
        SrsBounces.Decision d = bounces.decide(sender, rcpt, domain -> isLocal(domain) && settings.inAliasDomains(domain, this::isLocal),
            deadline(session));
        String shown = HeaderText.of(rcpt.asString(), 200);
        PackMetrics.count(metrics, PackMetrics.counter(RCPT_COUNTER, d.verdict() == SrsBounceCheck.Verdict.NOT_OURS ? "not_ours"
            : d.verdict().name().toLowerCase(java.util.Locale.ROOT)));
        switch (d.verdict()) {
            case VALID:
                return HookResult.builder().hookReturnCode(HookReturnCode.ok())
                    .smtpReturnCode("250").smtpDescription("2.1.5 Recipient <" + shown + "> OK (SRS)").build();
            case NOT_A_BOUNCE:
                LOGGER.info("SRS reverse refused rcpt=<{}> srs_status=not a bounce reason=\"bouncesOnly and the sender is not null\" reply=550",
                    settings.safe(rcpt.asString()));
                return deny("550", "5.7.1 <" + shown + ">: this SRS address only accepts bounces (null sender)");
            case EXPIRED:
                LOGGER.info("SRS reverse refused rcpt=<{}> srs_status=expired reason=\"{}\" reply=550", settings.safe(rcpt.asString()),
                    settings.safe(d.why()));
                return deny("550", "5.1.1 <" + shown + ">: SRS address has expired");
            case DEFER:
                LOGGER.warn("SRS reverse deferred rcpt=<{}> srs_status=defer reason=\"{}\" reply=451", settings.safe(rcpt.asString()),
                    settings.safe(d.why()));
                return HookResult.builder().hookReturnCode(HookReturnCode.denySoft())
                    .smtpReturnCode("451").smtpDescription("4.3.0 <" + shown + ">: SRS database unavailable, try again later").build();
            case BAD_HASH:
                LOGGER.info("SRS reverse refused rcpt=<{}> srs_status=bad hash reason=\"{}\" reply=550", settings.safe(rcpt.asString()),
                    settings.safe(d.why()));
                return deny("550", "5.7.1 <" + shown + ">: invalid SRS address (bad hash)");
            default:
                if (isLocal(rcpt.getDomain())) {
                    // SRS-shaped, at one of our domains that is not an SRS domain: James decides (an unknown user)
                    LOGGER.info("SRS reverse refused rcpt=<{}> srs_status={} reason=\"not one of the SRS domains (aliasDomains)\" reply=declined",
                        settings.safe(rcpt.asString()), SrsBounces.NOT_OURS);
                }
                return HookResult.DECLINED;
        }
    }

    /** One deadline for all database calls of the SMTP transaction (a new one for each mail of the connection). */
    private SrsDeadline deadline(SMTPSession session) {
        if (!settings.databaseMode()) {
            return SrsDeadline.none();
        }
        if (session == null) {
            return settings.deadline();
        }
        return session.getAttachment(DEADLINE, ProtocolSession.State.Transaction).orElseGet(() -> {
            SrsDeadline d = settings.deadline();
            session.setAttachment(DEADLINE, d, ProtocolSession.State.Transaction);
            return d;
        });
    }

    private static HookResult deny(String code, String text) {
        return HookResult.builder().hookReturnCode(HookReturnCode.deny()).smtpReturnCode(code).smtpDescription(text).build();
    }

    /** A James domain; without a domain list (or when it cannot be read) nothing is. */
    private boolean isLocal(Domain domain) {
        if (domainList == null) {
            return false;
        }
        try {
            return domainList.containsDomain(domain);
        } catch (DomainListException e) {
            LOGGER.warn("SRS rcpt hook: cannot read the domain list: {}", settings.safe(e.getMessage()));
            return false;
        }
    }
}
