package org.jamesexim.smtp;

import java.util.List;
import java.util.Locale;

import javax.inject.Inject;

import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.core.Domain;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.domainlist.api.DomainList;
import org.apache.james.domainlist.api.DomainListException;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.apache.james.protocols.smtp.hook.RcptHook;
import org.jamesexim.mailets.PackFiles;
import org.jamesexim.mailets.SrsSettings;
import org.jamesexim.srs.EximNativeSrs;
import org.jamesexim.srs.SrsEngine;
import org.jamesexim.srs.SrsReverseResult;
import org.jamesexim.srs.SrsStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RCPT hook for bounces to our SRS addresses: in our alias domains, an SRS0/SRS1 recipient that verifies (hash and
 * age, with the same secrets as {@code SrsForward}) is accepted at once ({@code 250}; {@code SrsReverse} then sends
 * the mail back to the original sender), a forged one is refused with {@code 550 5.7.1}, an expired one with
 * {@code 550 5.1.1}, and a database failure gives {@code 451 4.3.0}. Any other recipient (not SRS, or not in our
 * alias domains) is DECLINED to the next hook, so James's relay rules are untouched: this never opens a relay.
 *
 * <pre>{@code
 * <handlerchain>
 *     <handler class="org.jamesexim.smtp.SrsRcptHook">
 *         <secrets>new-secret:old-secret</secrets>
 *         <!-- or <secretsFile>file://conf/srs-secrets</secretsFile>: one secret a line, the first signs -->
 *         <hashlength>6</hashlength>
 *         <maxage>31</maxage>
 *         <aliasDomains>example.test</aliasDomains>  <!-- Exim list; default: every local domain -->
 *         <eximSecret>old-exim-secret</eximSecret>    <!-- optional: also accept Exim native SRS -->
 *         <bouncesOnly>false</bouncesOnly>            <!-- true: only the null sender may use SRS addresses (Exim's senders = :) -->
 *     </handler>
 *     <handler class="org.apache.james.smtpserver.CoreCmdHandlerLoader"/>
 * </handlerchain>
 * }</pre>
 */
public class SrsRcptHook implements RcptHook {
    private static final Logger LOGGER = LoggerFactory.getLogger(SrsRcptHook.class);

    private final DomainList domainList;
    private final FileSystem fileSystem;
    private SrsEngine engine;
    private EximNativeSrs exim;
    private List<String> aliasDomains = List.of();
    private boolean bouncesOnly;

    /** Without James's FileSystem: {@code secretsFile} must then be a plain path. */
    public SrsRcptHook(DomainList domainList) {
        this(domainList, null);
    }

    @Inject
    public SrsRcptHook(DomainList domainList, FileSystem fileSystem) {
        this.domainList = domainList;
        this.fileSystem = fileSystem;
    }

    @Override
    public void init(Configuration config) throws ConfigurationException {
        try {
            engine = SrsSettings.engine(name -> config.getString(name, null), f -> PackFiles.resolve(fileSystem, f));
            aliasDomains = SrsSettings.domains(config.getString("aliasDomains", null));
            String b = config.getString("bouncesOnly", null);
            bouncesOnly = b != null && org.jamesexim.srs.SrsConfig.boolField("bouncesOnly", b);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("SrsRcptHook: " + e.getMessage());
        }
        String es = config.getString("eximSecret", null);
        exim = es == null || es.isEmpty() ? null : new EximNativeSrs(es, java.time.Clock.systemUTC());
    }

    @Override
    public HookResult doRcpt(SMTPSession session, MaybeSender sender, MailAddress rcpt) {
        String local = rcpt.getLocalPart();
        if (local.length() < 5 || !(local.regionMatches(true, 0, "SRS0", 0, 4) || local.regionMatches(true, 0, "SRS1", 0, 4))) {
            return HookResult.DECLINED;
        }
        if (!inAliasDomain(rcpt.getDomain())) {
            return HookResult.DECLINED;
        }
        SrsReverseResult r = engine.reverse(rcpt.asString());
        if (!r.valid() && exim != null && r.status() != SrsStatus.DEFER) {
            SrsReverseResult e = exim.inbound(rcpt.asString());
            if (e.valid() && e.recipient().isPresent()) {
                r = e;
            }
        }
        switch (r.status()) {
            case VALID:
                if (bouncesOnly && sender != null && sender.asOptional().isPresent()) {
                    LOGGER.info("SRS rcpt={} refused: bouncesOnly and the sender is not null", rcpt.asString());
                    return deny("550", "5.7.1 <" + rcpt.asString() + ">: this SRS address only accepts bounces (null sender)");
                }
                return HookResult.builder().hookReturnCode(HookReturnCode.ok())
                    .smtpReturnCode("250").smtpDescription("2.1.5 Recipient <" + rcpt.asString() + "> OK (SRS)").build();
            case EXPIRED:
                LOGGER.info("SRS rcpt={} srs_status=expired refused", rcpt.asString());
                return deny("550", "5.1.1 <" + rcpt.asString() + ">: SRS address has expired");
            case DEFER:
                LOGGER.warn("SRS rcpt={} srs_status=defer: {}", rcpt.asString(), r.error().orElse(""));
                return HookResult.builder().hookReturnCode(HookReturnCode.denySoft())
                    .smtpReturnCode("451").smtpDescription("4.3.0 <" + rcpt.asString() + ">: SRS database unavailable, try again later").build();
            case BAD_HASH:
                LOGGER.info("SRS rcpt={} srs_status=bad hash refused", rcpt.asString());
                return deny("550", "5.7.1 <" + rcpt.asString() + ">: invalid SRS address (bad hash)");
            default:
                return HookResult.DECLINED;
        }
    }

    private static HookResult deny(String code, String text) {
        return HookResult.builder().hookReturnCode(HookReturnCode.deny()).smtpReturnCode(code).smtpDescription(text).build();
    }

    private boolean inAliasDomain(Domain domain) {
        if (!aliasDomains.isEmpty()) {
            return aliasDomains.contains(domain.asString().toLowerCase(Locale.ROOT));
        }
        try {
            return domainList.containsDomain(domain);
        } catch (DomainListException e) {
            LOGGER.warn("SRS rcpt hook: cannot read the domain list: {}", e.getMessage());
            return false;
        }
    }
}
