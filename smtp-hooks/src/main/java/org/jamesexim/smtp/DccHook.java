package org.jamesexim.smtp;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

import javax.inject.Inject;

import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.core.MailAddress;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.apache.james.smtpserver.JamesMessageHook;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.jamesexim.common.LogText;
import org.jamesexim.common.config.Param;
import org.jamesexim.common.config.ParamSet;
import org.jamesexim.common.config.ParamValues;
import org.jamesexim.common.lookup.Lookup;
import org.jamesexim.common.lookup.LookupParams;
import org.jamesexim.common.lookup.LookupResult;
import org.jamesexim.dcc.DccDecision;
import org.jamesexim.dcc.DccOverrideLookup;
import org.jamesexim.dcc.DccResult;
import org.jamesexim.mailets.DccAttributes;
import org.jamesexim.mailets.DccService;
import org.jamesexim.mailets.PackLookups;
import org.jamesexim.mailets.config.GlueParams;
import org.jamesexim.mailets.metrics.PackMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks dccifd about each message at end of DATA, as Exim's {@code dcc = *} in the DATA ACL, and acts on the answer
 * as {@link DccDecision} says: an overall {@code R} (reject) gives {@code 550 5.7.1}, {@code G} (greylist) gives
 * {@code 451 4.7.1}, a temporary DCC failure ({@code T}, unknown reply, dccifd down, refusing, slow) gives
 * {@code 451 4.3.0} — or, with {@code defer_ok}, a logged warning and the mail is accepted. {@code A}/{@code S}
 * accept; with {@code mode} {@code per_recipient} (the default, as dccifd(8) asks of an MTA) the recipients dccifd
 * marked {@code R} under that {@code A} are removed from the mail (not delivered; one INFO line each says why), and if
 * none is left the message is accepted ({@code 250}) and dropped. {@code mode} {@code overall} is Exim's behaviour: the
 * per-recipient line is ignored (the {@code Dcc=discard} matcher can still route those recipients). The result is
 * recorded on the mail as {@code jexim.dcc_result}, {@code jexim.dcc_header} and {@code jexim.dcc_recipients}
 * (reused by the {@code org.jamesexim.matchers.Dcc} matcher without asking again), and the X-DCC header is added when
 * {@code dcc_direct_add_header} is true.
 *
 * <p>Where dccifd is and what to ask it comes from {@code conf/dcc.properties} (see {@link DccService}). The client
 * IP sent is the SMTP client's, or {@code jexim.acl_m_dcc_override_client_ip} if an earlier hook set it; the HELO
 * sent is the client's real HELO/EHLO name (Exim hard-codes {@code localhost}).</p>
 *
 * <p>With {@code overrideClientIpLookup} the override comes from the HELO name, as the spec's
 * {@code ${lookup{$sender_helo_name}nwildlsearch{/etc/mail/multipleip_sites}{$value}{}}}: a file of
 * {@code helo-name: ip} lines ({@code *.suffix} wildcards, reloaded on change) or a {@code jdbc:} URL with
 * {@code overrideClientIpLookupQuery} ({@code SELECT ip FROM multipleip_sites WHERE helo = $key}); the IP found is
 * set as {@code jexim.acl_m_dcc_override_client_ip} and sent to dccifd. A value that is not an IP address is refused
 * when the file is read, naming the line. When the lookup fails (database down, {@code overrideClientIpLookupDeadline}
 * passed) the message is treated as if dccifd were unusable: {@code 451 4.3.0}, or with {@code defer_ok} a WARN and
 * the message goes on without a DCC verdict.</p>
 *
 * <p>With {@code skip} (default {@code authenticated}) the messages of SMTP AUTH sessions, or with {@code relaying}
 * also those of clients James lets relay, are not sent to dccifd (no attribute, counted as {@code jexim.dcc.skipped}).
 * Metrics: the timer {@code jexim.dcc.dccifd}, the counters {@code jexim.dcc_result.<result>} (docs/dcc.md).</p>
 *
 * <pre>{@code
 * <handlerchain>
 *     <handler class="org.jamesexim.smtp.DccHook">
 *         <defer_ok>true</defer_ok>   <!-- default false: 451 while dccifd is unusable -->
 *         <mode>per_recipient</mode>  <!-- default; overall: as Exim, the per-recipient line is ignored -->
 *         <skip>authenticated</skip>  <!-- none | authenticated (default: SMTP AUTH) | relaying (also authorizedAddresses) -->
 *         <!-- optional: the client IP sent to dccifd, looked up from the HELO name (file or jdbc: URL) -->
 *         <overrideClientIpLookup>file://conf/multipleip_sites</overrideClientIpLookup>
 *         <!-- or a database: <overrideClientIpLookup>jdbc:postgresql://db.example/mail</overrideClientIpLookup>
 *              <overrideClientIpLookupQuery>SELECT ip FROM multipleip_sites WHERE helo = $key</overrideClientIpLookupQuery>
 *              <overrideClientIpLookupUser>james</overrideClientIpLookupUser>
 *              <overrideClientIpLookupPasswordFile>file://conf/lookup-db.password</overrideClientIpLookupPasswordFile> (mode 0600; or ...Env, ...Property)
 *              <overrideClientIpLookupDriver>org.postgresql.Driver</overrideClientIpLookupDriver> (only when the URL does not find the driver)
 *              <overrideClientIpLookupTimeout>2s</overrideClientIpLookupTimeout> <overrideClientIpLookupConnections>4</overrideClientIpLookupConnections> <overrideClientIpLookupDeadline>5s</overrideClientIpLookupDeadline> -->
 *     </handler>
 *     <handler class="org.apache.james.smtpserver.CoreCmdHandlerLoader"/>
 * </handlerchain>
 * }</pre>
 */
public class DccHook implements JamesMessageHook {
    private static final Logger LOGGER = LoggerFactory.getLogger(DccHook.class);
    static final String REJECT_TEXT = "5.7.1 Rejected by DCC: bulk mail";
    static final String GREYLIST_TEXT = "4.7.1 Greylisted by DCC, please try again later";
    static final String DEFER_TEXT = "4.3.0 Temporary local problem - please try later";

    static final String DISCARDED_TEXT = "2.6.0 Message accepted";

    /** {@code defer_ok}: accept, with a WARN, while dccifd is unusable (Exim's {@code /defer_ok}). */
    public static final Param<Boolean> DEFER_OK = Param.bool("defer_ok", false);
    /** {@code mode}: {@code per_recipient} (as dccifd(8) asks) or {@code overall} (as Exim). */
    public static final Param<String> MODE = Param.choice("mode", DccDecision.Mode.PER_RECIPIENT.word(),
        DccDecision.Mode.PER_RECIPIENT.word(), DccDecision.Mode.OVERALL.word());
    /** {@code overrideClientIpLookup} and its companions: the client IP override looked up from the HELO name. */
    public static final LookupParams OVERRIDE_CLIENT_IP = LookupParams.of("overrideClientIp");
    /** Every parameter DccHook reads; dccifd's address and options are {@link DccService#PARAMETERS} (dcc.properties). */
    public static final ParamSet PARAMETERS = ParamSet.of(DEFER_OK, MODE, GlueParams.SKIP).with(OVERRIDE_CLIENT_IP.params());

    private final DccService dcc;
    private final FileSystem fileSystem;
    private Lookup overrideClientIp;
    private boolean deferOk;
    private DccDecision.Mode mode = DccDecision.Mode.PER_RECIPIENT;
    private ClientSkip skip = ClientSkip.AUTHENTICATED;

    @Inject
    public DccHook(DccService dcc, FileSystem fileSystem) {
        this.dcc = dcc;
        this.fileSystem = fileSystem;
    }

    /** Without James's FileSystem: {@code overrideClientIpLookup} then takes absolute paths and jdbc: URLs only. */
    public DccHook(DccService dcc) {
        this(dcc, null);
    }

    @Override
    public void init(Configuration config) throws ConfigurationException {
        ParamValues values = GlueParams.hook(PARAMETERS, config, DccHook.class, "DccHook: ");
        this.deferOk = values.get(DEFER_OK);
        this.mode = DccDecision.Mode.parse(values.get(MODE));
        this.skip = ClientSkip.of(values.get(GlueParams.SKIP));
        try {
            this.overrideClientIp = PackLookups.open(OVERRIDE_CLIENT_IP, values, fileSystem, DccOverrideLookup.IP_LITERAL, LOGGER, "DCC hook: ");
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("DccHook: " + e.getMessage());
        }
        LOGGER.info("DCC hook: defer_ok={}, mode={}, skip={}, {}{}", deferOk, mode.word(), skip.word(), dcc.settings(),
            overrideClientIp == null ? "" : ", overrideClientIpLookup=" + overrideClientIp.describe());
    }

    @Override
    public void destroy() {
        if (overrideClientIp != null) {
            overrideClientIp.close();
        }
    }

    @Override
    public HookResult onMessage(SMTPSession session, Mail mail) {
        if (skip.skips(session)) {
            PackMetrics.count(dcc.metrics(), DccService.SKIPPED);
            LOGGER.debug("DCC: not checked: skip={} session={}", skip.word(), session.getSessionID());
            return HookResult.DECLINED;
        }
        InetSocketAddress remote = session.getRemoteAddress();
        String ip = remote == null || remote.getAddress() == null ? null : remote.getAddress().getHostAddress();
        String name = remote == null ? null : remote.getHostString();
        if (name != null && name.equals(ip)) {
            name = null; // only a name James already knows; never a lookup here
        }
        String helo = session.getAttachment(SMTPSession.CURRENT_HELO_NAME, ProtocolSession.State.Connection).orElse("");
        List<MailAddress> recipients = new ArrayList<>(mail.getRecipients());
        DccResult result = null;
        if (overrideClientIp != null) {
            LookupResult o = DccOverrideLookup.forHelo(overrideClientIp, helo, overrideClientIp.deadline());
            if (o.failed()) {
                result = DccResult.noAnswer("overrideClientIpLookup failed: " + o.detail());
            } else if (o.value().isPresent()) {
                mail.setAttribute(new Attribute(DccAttributes.ACL_M_DCC_OVERRIDE_CLIENT_IP, AttributeValue.of(o.value().get())));
                LOGGER.debug("DCC: HELO {} looked up: client IP override {}", LogText.escape(helo, 256), o.value().get());
            }
        }
        if (result == null) {
            result = dcc.check(mail, helo, ip, name);
        }
        dcc.record(mail, result);
        DccDecision decision = DccDecision.of(result, recipients.size(), mode, deferOk);
        String who = "H=[" + ip + "] F=<" + mail.getMaybeSender().asOptional().map(MailAddress::asString).orElse("") + ">";
        switch (decision.transaction()) {
            case DELIVER:
                if (result.outcome() == DccResult.Outcome.DEFER) {
                    LOGGER.warn("DCC: {}: {}; defer_ok: accepting without a DCC verdict (dcc_result='{}')", who, result.detail(), result.dccResult());
                    return HookResult.DECLINED;
                }
                if (decision.deliversToAll()) {
                    LOGGER.debug("DCC: {} dcc_result={} recipients={} {}", who, result.dccResult(), result.recipientResults(), decision.reason());
                    return HookResult.DECLINED;
                }
                List<MailAddress> kept = decision.select(recipients, DccDecision.Action.DELIVER);
                for (MailAddress r : decision.select(recipients, DccDecision.Action.DISCARD)) {
                    LOGGER.info("DCC: {}: discarding recipient <{}>: {}", who, r.asString(), decision.reason());
                }
                mail.setRecipients(kept);
                dcc.recordRecipients(mail, decision.select(java.util.Arrays.asList(result.recipientResults().split("")), DccDecision.Action.DELIVER));
                if (kept.isEmpty()) {
                    LOGGER.info("DCC: {}: every recipient discarded; message accepted and dropped (dcc_result={}, recipients={})", who,
                        result.dccResult(), result.recipientResults());
                    return reply(HookReturnCode.ok(), "250", DISCARDED_TEXT);
                }
                return HookResult.DECLINED;
            case GREYLIST:
                LOGGER.info("DCC: {}: greylisted by DCC (dcc_result=G)", who);
                return reply(HookReturnCode.denySoft(), "451", GREYLIST_TEXT);
            case REJECT:
                LOGGER.info("DCC: {}: rejected by DCC (dcc_result={})", who, result.dccResult());
                return reply(HookReturnCode.deny(), "550", REJECT_TEXT);
            default:
                LOGGER.warn("DCC: {}: {}; answering 451 (dcc_result='{}')", who, result.detail(), result.dccResult());
                return reply(HookReturnCode.denySoft(), "451", DEFER_TEXT);
        }
    }

    private static HookResult reply(HookReturnCode code, String smtp, String text) {
        return HookResult.builder().hookReturnCode(code).smtpReturnCode(smtp).smtpDescription(text).build();
    }
}
