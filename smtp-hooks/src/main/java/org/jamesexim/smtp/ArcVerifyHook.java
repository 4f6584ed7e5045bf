package org.jamesexim.smtp;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import javax.inject.Inject;

import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.dnsservice.api.DNSService;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.apache.james.smtpserver.JamesMessageHook;
import org.apache.mailet.Mail;
import org.jamesexim.arc.ArcState;
import org.jamesexim.arc.ArcVerification;
import org.jamesexim.arc.ArcVerifier;
import org.jamesexim.arc.MailMessage;
import org.jamesexim.mailets.ArcAttributes;
import org.jamesexim.mailets.ArcSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies the ARC chain (RFC 8617) at the end of DATA and stores the result on the mail as {@link ArcAttributes}
 * ({@code jexim.arc_state}, {@code jexim.arc_state_reason}, {@code jexim.arc_domains},
 * {@code jexim.arc_oldest_pass}, and {@code jexim.arc_trusted_sealer} for a passing chain whose newest sealer is in
 * {@code trustedSealers}). Each receipt logs one line tagged {@code ARC}, as Exim tags its receive line.
 * With {@code acceptable} (Exim's {@code verify = arc/none:pass} list) a state outside the list is refused:
 * {@code 550 5.7.29}, or {@code 451 4.7.29} when the failure came from DNS (temperror). Without it every message
 * is accepted and only marked.
 *
 * <pre>{@code
 * <handlerchain>
 *     <handler class="org.jamesexim.smtp.ArcVerifyHook">
 *         <dns>james</dns>                 <!-- james (default) | system | HOST [PORT] -->
 *         <dnsTimeout>5</dnsTimeout>       <!-- seconds, for system / HOST -->
 *         <trustedSealers>google.com microsoft.com</trustedSealers>  <!-- optional -->
 *         <acceptable>none:pass:fail</acceptable>                    <!-- optional; default: accept all -->
 *     </handler>
 *     <handler class="org.apache.james.smtpserver.CoreCmdHandlerLoader"/>
 * </handlerchain>
 * }</pre>
 */
public class ArcVerifyHook implements JamesMessageHook {
    private static final Logger LOGGER = LoggerFactory.getLogger(ArcVerifyHook.class);
    public static final org.apache.mailet.AttributeName ARC_STATE = ArcAttributes.ARC_STATE;

    private final DNSService dnsService;
    private ArcVerifier verifier;
    private List<String> trustedSealers = List.of();
    private Set<String> acceptable;

    @Inject
    public ArcVerifyHook(DNSService dnsService) {
        this.dnsService = dnsService;
    }

    @Override
    public void init(Configuration config) throws ConfigurationException {
        try {
            verifier = ArcSettings.verifier(name -> config.getString(name, null), dnsService);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("ArcVerifyHook: " + e.getMessage());
        }
        trustedSealers = ArcSettings.list(config.getString("trustedSealers", null));
        String acc = config.getString("acceptable", null);
        if (acc != null && !acc.trim().isEmpty()) {
            acceptable = new HashSet<>();
            for (String s : ArcSettings.list(acc)) {
                if (ArcState.fromWord(s) == null) {
                    throw new ConfigurationException("ArcVerifyHook: acceptable '" + s + "' is not one of none, pass, fail");
                }
                acceptable.add(s);
            }
        }
    }

    @Override
    public HookResult onMessage(SMTPSession session, Mail mail) {
        ArcVerification v;
        try {
            v = verifier.verify(MailMessage.parse(ArcSettings.bytes(mail)), System.currentTimeMillis() / 1000L);
        } catch (Exception e) {
            LOGGER.warn("ARC verification could not run (session {}): {}", session.getSessionID(), e.toString());
            return HookResult.DECLINED;
        }
        ArcSettings.setAttributes(mail, v, trustedSealers);
        LOGGER.info("ARC {} session={} remote={}", ArcSettings.logFields(v), session.getSessionID(),
                session.getRemoteAddress() == null ? "" : session.getRemoteAddress().getAddress().getHostAddress());
        if (acceptable != null && !acceptable.contains(v.state().word())) {
            if (v.temporaryError()) {
                return HookResult.builder().hookReturnCode(HookReturnCode.denySoft()).smtpReturnCode("451")
                        .smtpDescription("4.7.29 ARC verification could not complete (DNS), try again later").build();
            }
            return HookResult.builder().hookReturnCode(HookReturnCode.deny()).smtpReturnCode("550")
                    .smtpDescription("5.7.29 ARC validation failure: arc=" + v.state().word()).build();
        }
        // DECLINED lets James's own hooks queue the mail
        return HookResult.DECLINED;
    }
}
