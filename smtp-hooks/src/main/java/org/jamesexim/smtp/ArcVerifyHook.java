package org.jamesexim.smtp;

import java.util.List;
import java.util.Set;

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
import org.jamesexim.arc.ArcState;
import org.jamesexim.arc.ArcVerification;
import org.jamesexim.arc.ArcVerifier;
import org.jamesexim.arc.MailMessage;
import org.jamesexim.common.LogText;
import org.jamesexim.mailets.ArcAttributes;
import org.jamesexim.mailets.ArcSettings;
import org.jamesexim.common.config.Param;
import org.jamesexim.common.config.ParamSet;
import org.jamesexim.common.config.ParamValues;
import org.jamesexim.mailets.config.GlueParams;
import org.jamesexim.mailets.metrics.PackMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies the ARC chain (RFC 8617) at the end of DATA and stores the result on the mail as {@link ArcAttributes}
 * ({@code jexim.arc_state}, {@code jexim.arc_state_reason}, {@code jexim.arc_domains},
 * {@code jexim.arc_oldest_pass}, and {@code jexim.arc_trusted_sealer} for a passing chain whose newest sealer is in
 * {@code trustedSealers}). Each receipt logs one line tagged {@code ARC}, as Exim tags its receive line.
 * With {@code acceptable} (Exim's {@code verify = arc/none:pass} list, plus {@code temperror}) a state outside the
 * list is refused: {@code 550 5.7.29} for none or fail, {@code 451 4.7.29} for temperror (a key DNS could not give
 * in time: timeout, SERVFAIL, or past {@code dnsDeadline}, the bound on all DNS work of one message), which is
 * accepted wherever fail is. Without it every message is accepted and only marked. With {@code skip} (default
 * {@code authenticated}) the messages of SMTP AUTH sessions, or with {@code relaying} also those of clients James lets
 * relay, are not verified (no attribute, counted as {@code jexim.arc.skipped}). Metrics: {@code jexim.arc_state.<state>}
 * per verification, the timer {@code jexim.arc.dns} per key lookup (docs/arc.md). Unknown parameters and bad values
 * are refused at start.
 *
 * <pre>{@code
 * <handlerchain>
 *     <handler class="org.jamesexim.smtp.ArcVerifyHook">
 *         <dns>james</dns>                 <!-- james (default) | system | HOST [PORT] -->
 *         <dnsTimeout>5s</dnsTimeout>      <!-- one DNS lookup: 500ms, 5s, 1m or seconds (default 5s) -->
 *         <dnsDeadline>15s</dnsDeadline>   <!-- all DNS lookups of one message (default 15s): then temperror -->
 *         <trustedSealers>google.com microsoft.com</trustedSealers>  <!-- optional -->
 *         <acceptable>none:pass:fail</acceptable>                    <!-- optional; default: accept all -->
 *         <skip>authenticated</skip>       <!-- none | authenticated (default: SMTP AUTH) | relaying (also authorizedAddresses) -->
 *     </handler>
 *     <handler class="org.apache.james.smtpserver.CoreCmdHandlerLoader"/>
 * </handlerchain>
 * }</pre>
 */
public class ArcVerifyHook implements JamesMessageHook {
    private static final Logger LOGGER = LoggerFactory.getLogger(ArcVerifyHook.class);
    /** {@code acceptable}: the ARC states accepted (Exim's {@code verify = arc/none:pass}); absent: all. */
    public static final Param<List<String>> ACCEPTABLE = ArcSettings.states("acceptable");
    /** Every parameter ArcVerifyHook reads. */
    public static final ParamSet PARAMETERS = ArcSettings.DNS_PARAMETERS.with(ArcSettings.TRUSTED_SEALERS, ACCEPTABLE,
        GlueParams.SKIP);

    private final DNSService dnsService;
    private final MetricFactory metrics;
    private ArcVerifier verifier;
    private List<String> trustedSealers = List.of();
    private Set<ArcState> acceptable;
    private ClientSkip skip = ClientSkip.AUTHENTICATED;

    /** Without James's metrics (plain tests). */
    public ArcVerifyHook(DNSService dnsService) {
        this(dnsService, PackMetrics.NONE);
    }

    @Inject
    public ArcVerifyHook(DNSService dnsService, MetricFactory metrics) {
        this.dnsService = dnsService;
        this.metrics = metrics;
    }

    @Override
    public void init(Configuration config) throws ConfigurationException {
        ParamValues values = GlueParams.hook(PARAMETERS, config, ArcVerifyHook.class, "ArcVerifyHook: ");
        try {
            verifier = ArcSettings.verifier(values, dnsService, metrics);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("ArcVerifyHook: " + e.getMessage());
        }
        trustedSealers = values.get(ArcSettings.TRUSTED_SEALERS) == null ? List.of() : values.get(ArcSettings.TRUSTED_SEALERS);
        List<String> acc = values.get(ACCEPTABLE);
        acceptable = acc == null || acc.isEmpty() ? null : ArcState.acceptable(acc);
        skip = ClientSkip.of(values.get(GlueParams.SKIP));
    }

    @Override
    public HookResult onMessage(SMTPSession session, Mail mail) {
        if (skip.skips(session)) {
            PackMetrics.count(metrics, ArcSettings.SKIPPED);
            LOGGER.debug("ARC not verified: skip={} session={}", skip.word(), session.getSessionID());
            return HookResult.DECLINED;
        }
        ArcVerification v;
        try {
            v = verifier.verify(MailMessage.parse(ArcSettings.bytes(mail)), System.currentTimeMillis() / 1000L);
        } catch (Exception e) {
            LOGGER.warn("ARC verification could not run (session {}): {}", session.getSessionID(),
                    LogText.escape(e.toString(), 200));
            return acceptable == null ? HookResult.DECLINED : tryLater();
        }
        ArcSettings.setAttributes(mail, v, trustedSealers);
        ArcSettings.count(metrics, v);
        LOGGER.info("ARC {} session={} remote={}", ArcSettings.logFields(v), session.getSessionID(),
                session.getRemoteAddress() == null ? "" : session.getRemoteAddress().getAddress().getHostAddress());
        if (acceptable != null && !acceptable.contains(v.state())) {
            if (v.temporaryError()) {
                return tryLater();
            }
            return HookResult.builder().hookReturnCode(HookReturnCode.deny()).smtpReturnCode("550")
                    .smtpDescription("5.7.29 ARC validation failure: arc=" + v.state().word()).build();
        }
        // DECLINED lets James's own hooks queue the mail
        return HookResult.DECLINED;
    }

    private static HookResult tryLater() {
        return HookResult.builder().hookReturnCode(HookReturnCode.denySoft()).smtpReturnCode("451")
                .smtpDescription("4.7.29 ARC verification could not complete (DNS), try again later").build();
    }
}
