package org.jamesexim.smtp;

import javax.inject.Inject;

import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.dnsservice.api.DNSService;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.apache.james.smtpserver.JamesMessageHook;
import org.apache.mailet.Mail;
import org.jamesexim.common.LogText;
import org.jamesexim.common.config.Param;
import org.jamesexim.common.config.ParamSet;
import org.jamesexim.common.config.ParamValues;
import org.jamesexim.dmarc.DmarcPolicy;
import org.jamesexim.dmarc.DmarcResult;
import org.jamesexim.dmarc.DmarcStatus;
import org.jamesexim.mailets.DmarcAttributes;
import org.jamesexim.mailets.DmarcSettings;
import org.jamesexim.mailets.config.GlueParams;
import org.jamesexim.mailets.metrics.PackMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Evaluates DMARC (RFC 7489) at the end of DATA, after {@code ArcVerifyHook} (list it below that hook, and below
 * James's {@code SPFHandler} when SPF is checked), and stores the result as {@link DmarcAttributes}
 * ({@code jexim.dmarc_result}, {@code _policy}, {@code _disposition}, {@code _domain}, {@code _override},
 * {@code _reason}). DKIM is verified here (jDKIM, keys within {@code dnsDeadline}); SPF comes from
 * {@code SPFHandler} (without it only DKIM can pass). With {@code arcOverride} a DMARC fail whose ARC chain passed
 * and was sealed last by one of ArcVerifyHook's {@code trustedSealers} is treated as passing
 * ({@code jexim.dmarc_override=arc}, {@code policy.override=arc} in our Authentication-Results). With
 * {@code enforce} the disposition {@code reject} is refused with {@code 550 5.7.1} and a {@code temperror} (DNS
 * could not answer in time) with {@code 451 4.7.1}, never a 5xx; without it every message is accepted and only
 * marked (quarantine and tagging are the {@code DmarcResult} matcher's). One INFO line tagged {@code DMARC} per
 * message. Unknown parameters and bad values are refused at start.
 *
 * <pre>{@code
 * <handlerchain>
 *     <handler class="org.jamesexim.smtp.ArcVerifyHook">
 *         <trustedSealers>lists.example.org</trustedSealers>
 *     </handler>
 *     <handler class="org.jamesexim.smtp.DmarcVerifyHook">
 *         <dns>james</dns>                 <!-- james (default) | system | HOST [PORT] -->
 *         <dnsTimeout>5s</dnsTimeout>      <!-- one DNS lookup (default 5s) -->
 *         <dnsDeadline>15s</dnsDeadline>   <!-- all DNS lookups of one message (default 15s): then temperror -->
 *         <discovery>psl</discovery>       <!-- psl (RFC 7489, default) | treewalk (RFC 9989) -->
 *         <publicSuffixList>guava</publicSuffixList> <!-- guava (default) | an absolute path to a PSL file -->
 *         <arcOverride>true</arcOverride>  <!-- default false -->
 *         <arcOverrideNeedsAuth>false</arcOverrideNeedsAuth> <!-- default false -->
 *         <enforce>true</enforce>          <!-- reject: 550 5.7.1, temperror: 451 4.7.1 (default false: mark only) -->
 *         <skip>authenticated</skip>       <!-- none | authenticated (default: SMTP AUTH) | relaying -->
 *     </handler>
 *     <handler class="org.apache.james.smtpserver.CoreCmdHandlerLoader"/>
 * </handlerchain>
 * }</pre>
 */
public class DmarcVerifyHook implements JamesMessageHook {
    private static final Logger LOGGER = LoggerFactory.getLogger(DmarcVerifyHook.class);
    /** {@code enforce}: refuse the disposition reject (550 5.7.1) and temperror (451 4.7.1) at the end of DATA. */
    public static final Param<Boolean> ENFORCE = Param.bool("enforce", false);
    /** Every parameter DmarcVerifyHook reads. */
    public static final ParamSet PARAMETERS = DmarcSettings.PARAMETERS.with(ENFORCE, GlueParams.SKIP);
    /** Counted for a message left alone by {@code skip}. */
    public static final String SKIPPED = "jexim.dmarc.skipped";

    private final DNSService dnsService;
    private final MetricFactory metrics;
    private DmarcSettings.Engine engine;
    private boolean enforce;
    private ClientSkip skip = ClientSkip.AUTHENTICATED;

    /** Without James's metrics (plain tests). */
    public DmarcVerifyHook(DNSService dnsService) {
        this(dnsService, PackMetrics.NONE);
    }

    @Inject
    public DmarcVerifyHook(DNSService dnsService, MetricFactory metrics) {
        this.dnsService = dnsService;
        this.metrics = metrics;
    }

    @Override
    public void init(Configuration config) throws ConfigurationException {
        ParamValues values = GlueParams.hook(PARAMETERS, config, DmarcVerifyHook.class, "DmarcVerifyHook: ");
        try {
            engine = DmarcSettings.engine(values, dnsService);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("DmarcVerifyHook: " + e.getMessage());
        }
        enforce = values.get(ENFORCE);
        skip = ClientSkip.of(values.get(GlueParams.SKIP));
    }

    @Override
    public HookResult onMessage(SMTPSession session, Mail mail) {
        if (skip.skips(session)) {
            PackMetrics.count(metrics, SKIPPED);
            return HookResult.DECLINED;
        }
        DmarcResult r;
        try {
            r = DmarcSettings.verify(engine, mail);
        } catch (Exception e) {
            LOGGER.warn("DMARC could not be evaluated (session {}): {}", session.getSessionID(),
                    LogText.escape(e.toString(), 200));
            return enforce ? tryLater() : HookResult.DECLINED;
        }
        PackMetrics.count(metrics, DmarcAttributes.DMARC_RESULT, r.status().word());
        LOGGER.info("DMARC {} session={} remote={}", r.logFields(), session.getSessionID(),
                session.getRemoteAddress() == null ? "" : session.getRemoteAddress().getAddress().getHostAddress());
        if (enforce) {
            if (r.status() == DmarcStatus.TEMPERROR) {
                return tryLater();
            }
            if (r.disposition() == DmarcPolicy.REJECT) {
                return HookResult.builder().hookReturnCode(HookReturnCode.deny()).smtpReturnCode("550")
                        .smtpDescription("5.7.1 DMARC policy of " + r.fromDomain() + " rejects this message (dmarc="
                                + r.status().word() + ")").build();
            }
        }
        // DECLINED lets James's own hooks queue the mail
        return HookResult.DECLINED;
    }

    private static HookResult tryLater() {
        return HookResult.builder().hookReturnCode(HookReturnCode.denySoft()).smtpReturnCode("451")
                .smtpDescription("4.7.1 DMARC could not be evaluated (DNS), try again later").build();
    }
}
