package org.jamesexim.mailets;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.james.dnsservice.api.DNSService;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.jamesexim.common.LogText;
import org.jamesexim.common.config.Param;
import org.jamesexim.common.config.ParamSet;
import org.jamesexim.common.config.ParamValues;
import org.jamesexim.dmarc.DmarcResult;
import org.jamesexim.mailets.config.GlueParams;
import org.jamesexim.mailets.metrics.PackMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Evaluates DMARC (RFC 7489) inside the mailet container, for setups without
 * {@code org.jamesexim.smtp.DmarcVerifyHook}, and sets {@link DmarcAttributes} ({@code jexim.dmarc_result},
 * {@code _policy}, {@code _disposition}, {@code _domain}, {@code _override}, {@code _reason}). Inputs: the From
 * field; SPF from James's {@code SPF} mailet or {@code SPFHandler} hook (without either, only DKIM can pass); DKIM
 * verified here with jDKIM (keys through {@code dns}, within {@code dnsDeadline}); the ARC verdict of
 * {@code ArcVerify}/{@code ArcVerifyHook} ({@code jexim.arc_state}, {@code jexim.arc_trusted_sealer}) for the ARC
 * local policy, off unless {@code arcOverride} is true. The mail always goes on: act on the result with the
 * {@code org.jamesexim.matchers.DmarcResult} matcher (quarantine to a repository or folder, tag, bounce). A mail
 * already evaluated by the hook is left alone unless {@code force} is true. Metrics: {@code jexim.dmarc_result.<result>}.
 *
 * <pre>{@code
 * <mailet match="All" class="org.jamesexim.mailets.DmarcVerify">
 *     <dns>james</dns>                   <!-- james (default) | system | HOST [PORT] -->
 *     <dnsTimeout>5s</dnsTimeout>        <!-- one DNS lookup (default 5s) -->
 *     <dnsDeadline>15s</dnsDeadline>     <!-- all DNS lookups of one message (default 15s): then temperror -->
 *     <discovery>psl</discovery>         <!-- psl (RFC 7489, default) | treewalk (RFC 9989) -->
 *     <publicSuffixList>guava</publicSuffixList> <!-- guava (default) | /usr/share/publicsuffix/public_suffix_list.dat -->
 *     <arcOverride>false</arcOverride>   <!-- true: a fail with a passing ARC chain sealed last by a trusted sealer passes -->
 *     <arcOverrideNeedsAuth>false</arcOverrideNeedsAuth> <!-- true: and the oldest passing hop's ARC A-R shows a pass -->
 *     <force>false</force>               <!-- evaluate again even if jexim.dmarc_result is set (default false) -->
 * </mailet>
 * }</pre>
 */
public class DmarcVerify extends GenericMailet {
    private static final Logger LOGGER = LoggerFactory.getLogger(DmarcVerify.class);
    /** {@code force}: evaluate again even when {@code jexim.dmarc_result} is set. */
    public static final Param<Boolean> FORCE = Param.bool("force", false);
    /** Every parameter DmarcVerify reads. */
    public static final ParamSet PARAMETERS = DmarcSettings.PARAMETERS.with(FORCE);

    private final DNSService dnsService;
    private final MetricFactory metrics;
    private DmarcSettings.Engine engine;
    private boolean force;

    /** Without James's metrics (plain tests). */
    public DmarcVerify(DNSService dnsService) {
        this(dnsService, PackMetrics.NONE);
    }

    @Inject
    public DmarcVerify(DNSService dnsService, MetricFactory metrics) {
        this.dnsService = dnsService;
        this.metrics = metrics;
    }

    @Override
    public void init() throws MessagingException {
        ParamValues values = GlueParams.mailet(PARAMETERS, getMailetConfig(), DmarcVerify.class, "DmarcVerify: ");
        try {
            engine = DmarcSettings.engine(values, dnsService);
        } catch (IllegalArgumentException e) {
            throw new MessagingException("DmarcVerify: " + e.getMessage());
        }
        force = values.get(FORCE);
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        if (!force && mail.getAttribute(DmarcAttributes.DMARC_RESULT).isPresent()) {
            return;
        }
        try {
            DmarcResult r = DmarcSettings.verify(engine, mail);
            PackMetrics.count(metrics, DmarcAttributes.DMARC_RESULT, r.status().word());
            LOGGER.info("DMARC {} mail={}", r.logFields(), mail.getName());
        } catch (java.io.IOException | RuntimeException e) {
            LOGGER.warn("DMARC not evaluated for {}: {}", mail.getName(), LogText.escape(e.toString(), 200));
        }
    }

    @Override
    public String getMailetInfo() {
        return "DmarcVerify: DMARC (RFC 7489) with the ARC local policy";
    }
}
