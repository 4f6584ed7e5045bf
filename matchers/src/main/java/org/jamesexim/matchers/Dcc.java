package org.jamesexim.matchers;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMatcher;
import org.jamesexim.common.config.Param;
import org.jamesexim.dcc.DccCondition;
import org.jamesexim.dcc.DccDecision;
import org.jamesexim.dcc.DccResult;
import org.jamesexim.mailets.DccAttributes;
import org.jamesexim.mailets.DccService;
import org.jamesexim.mailets.config.GlueParams;

/**
 * Exim's {@code dcc} ACL condition as a matcher: matches when the DCC check of the mail has the named outcome.
 * {@code fail} is overall {@code R} or {@code G}, {@code accept} is {@code A} or {@code S}, {@code defer} is
 * {@code T} or no usable answer; {@code /defer_ok} turns defer into fail, as in Exim. These three match all the
 * recipients (Exim ignores dccifd's per-recipient line). {@code discard} matches the recipients dccifd asks not to
 * deliver to, as {@link DccDecision} decides: all of them on an overall {@code R} or {@code G}, those marked {@code R}
 * under an overall {@code A}; none on a defer. The condition is read and applied by the engine's {@link DccCondition}
 * ({@link #CONDITION}); a condition it does not take stops James naming it.
 *
 * <p>A result already recorded on the mail ({@code jexim.dcc_result}, e.g. by {@code org.jamesexim.smtp.DccHook} at
 * SMTP time) is reused without asking dccifd again; otherwise dccifd is asked, with the HELO name James recorded
 * ({@code Mail.SMTP_HELO}), through the shared {@link DccService}
 * ({@code conf/dcc.properties}), the result recorded and, with {@code dcc_direct_add_header}, the X-DCC header added.
 * The per-recipient line is recorded as {@code jexim.dcc_recipients} and reused with the verdict.</p>
 *
 * <pre>{@code
 * <mailet match="org.jamesexim.matchers.Dcc=discard" class="ToRepository">
 *     <repositoryPath>memory://var/mail/dcc-bulk/</repositoryPath>
 * </mailet>
 * }</pre>
 */
public class Dcc extends GenericMatcher {
    /** The condition: {@code fail}, {@code accept}, {@code defer} or {@code discard}, each optionally {@code /defer_ok}. */
    public static final Param<DccCondition> CONDITION = Param.custom("condition", null, DccCondition::parse)
        .required("fail, accept, defer or discard, optionally /defer_ok, e.g. Dcc=fail");

    private final DccService dcc;
    private DccCondition condition;

    @Inject
    public Dcc(DccService dcc) {
        this.dcc = dcc;
    }

    @Override
    public void init() throws MessagingException {
        condition = GlueParams.condition(CONDITION, getCondition(), "Dcc matcher ");
    }

    @Override
    public Collection<MailAddress> match(Mail mail) throws MessagingException {
        DccResult result = DccService.recorded(mail);
        if (result == null) {
            String helo = mail.getAttribute(Mail.SMTP_HELO).map(a -> a.getValue().value()).filter(String.class::isInstance)
                .map(String.class::cast).orElse("");
            String name = mail.getRemoteHost();
            if (name != null && name.equals(mail.getRemoteAddr())) {
                name = null;
            }
            result = dcc.check(mail, helo, mail.getRemoteAddr(), name);
            dcc.record(mail, result);
            if (result.outcome() == DccResult.Outcome.DEFER) {
                log("DCC: " + result.detail() + " (" + DccAttributes.DCC_RESULT.asString() + "='" + result.dccResult() + "')");
            }
        }
        List<MailAddress> recipients = new ArrayList<>(mail.getRecipients());
        List<MailAddress> out = condition.matching(result, recipients);
        if (condition.perRecipient() && !out.isEmpty()) {
            log("DCC: " + out.size() + " of " + recipients.size() + " recipient(s) not to deliver to: "
                + condition.decision(result, recipients.size()).reason());
        }
        return out;
    }

    @Override
    public String getMatcherInfo() {
        return "Dcc: matches on the outcome of a dccifd check (fail, accept, defer, discard[/defer_ok])";
    }
}
