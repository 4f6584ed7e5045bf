package org.jamesexim.mailets;

import java.util.List;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.james.dnsservice.api.DNSService;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.jamesexim.arc.ArcVerification;
import org.jamesexim.arc.ArcVerifier;
import org.jamesexim.arc.MailMessage;
import org.jamesexim.common.LogText;
import org.jamesexim.common.config.Param;
import org.jamesexim.common.config.ParamSet;
import org.jamesexim.common.config.ParamValues;
import org.jamesexim.mailets.config.GlueParams;
import org.jamesexim.mailets.metrics.PackMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies the message's ARC chain (RFC 8617) inside the mailet container, for setups without
 * {@code org.jamesexim.smtp.ArcVerifyHook}, and sets {@link ArcAttributes}: {@code jexim.arc_state},
 * {@code jexim.arc_state_reason}, {@code jexim.arc_domains}, {@code jexim.arc_oldest_pass} and, for a passing
 * chain sealed last by a trusted sealer, {@code jexim.arc_trusted_sealer}. A mail already verified by the hook
 * is left alone unless {@code force} is true. A key that DNS could not give in time (timeout, SERVFAIL, past
 * {@code dnsDeadline}) gives {@code temperror}, never fail or none; the mail always goes on. Unknown parameters and
 * bad values are refused at start. Metrics (docs/arc.md): {@code jexim.arc_state.<state>} per verification, the
 * timer {@code jexim.arc.dns} per key lookup.
 *
 * <pre>{@code
 * <mailet match="All" class="org.jamesexim.mailets.ArcVerify">
 *     <dns>james</dns>                   <!-- james (default) | system | HOST [PORT] -->
 *     <dnsTimeout>5s</dnsTimeout>        <!-- one DNS lookup: 500ms, 5s, 1m or seconds (default 5s) -->
 *     <dnsDeadline>15s</dnsDeadline>     <!-- all DNS lookups of one message (default 15s): then temperror -->
 *     <trustedSealers>google.com:microsoft.com</trustedSealers> <!-- optional -->
 *     <force>false</force>               <!-- re-verify even if jexim.arc_state is set (default false) -->
 * </mailet>
 * }</pre>
 */
public class ArcVerify extends GenericMailet {
    private static final Logger LOGGER = LoggerFactory.getLogger(ArcVerify.class);
    /** {@code force}: verify again even when {@code jexim.arc_state} is set. */
    public static final Param<Boolean> FORCE = Param.bool("force", false);
    /** Every parameter ArcVerify reads. */
    public static final ParamSet PARAMETERS = ArcSettings.DNS_PARAMETERS.with(ArcSettings.TRUSTED_SEALERS, FORCE);

    private final DNSService dnsService;
    private final MetricFactory metrics;
    private ArcVerifier verifier;
    private List<String> trustedSealers;
    private boolean force;

    /** Without James's metrics (plain tests). */
    public ArcVerify(DNSService dnsService) {
        this(dnsService, PackMetrics.NONE);
    }

    @Inject
    public ArcVerify(DNSService dnsService, MetricFactory metrics) {
        this.dnsService = dnsService;
        this.metrics = metrics;
    }

    @Override
    public void init() throws MessagingException {
        ParamValues values = GlueParams.mailet(PARAMETERS, getMailetConfig(), ArcVerify.class, "ArcVerify: ");
        try {
            verifier = ArcSettings.verifier(values, dnsService, metrics);
            trustedSealers = values.get(ArcSettings.TRUSTED_SEALERS) == null ? List.of() : values.get(ArcSettings.TRUSTED_SEALERS);
            force = values.get(FORCE);
        } catch (IllegalArgumentException e) {
            throw new MessagingException("ArcVerify: " + e.getMessage());
        }
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        if (!force && mail.getAttribute(ArcAttributes.ARC_STATE).isPresent()) {
            return;
        }
        try {
            ArcVerification v = verifier.verify(MailMessage.parse(ArcSettings.bytes(mail)), System.currentTimeMillis() / 1000L);
            ArcSettings.setAttributes(mail, v, trustedSealers);
            ArcSettings.count(metrics, v);
            LOGGER.info("ARC {} mail={}", ArcSettings.logFields(v), mail.getName());
        } catch (java.io.IOException | RuntimeException e) {
            LOGGER.warn("ARC verification of {} could not run: {}", mail.getName(), LogText.escape(e.toString(), 200));
        }
    }

    @Override
    public String getMailetInfo() {
        return "ArcVerify: ARC chain verification (RFC 8617)";
    }
}
