package org.jamesexim.matchers;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMatcher;
import org.jamesexim.dcc.DccDecision;
import org.jamesexim.dcc.DccResult;
import org.jamesexim.dcc.DccResult.Outcome;
import org.jamesexim.mailets.DccAttributes;
import org.jamesexim.mailets.DccService;
import org.jamesexim.mailets.PackAttributes;

/**
 * Exim's {@code dcc} ACL condition as a matcher: matches when the DCC check of the mail has the named outcome.
 * {@code fail} is overall {@code R} or {@code G}, {@code accept} is {@code A} or {@code S}, {@code defer} is
 * {@code T} or no usable answer; {@code /defer_ok} turns defer into fail, as in Exim. These three match all the
 * recipients (Exim ignores dccifd's per-recipient line). {@code discard} matches the recipients dccifd asks not to
 * deliver to, as {@link DccDecision} decides: all of them on an overall {@code R} or {@code G}, those marked {@code R}
 * under an overall {@code A}; none on a defer.
 *
 * <p>A result already recorded on the mail ({@code jexim.dcc_result}, e.g. by {@code org.jamesexim.smtp.DccHook} at
 * SMTP time) is reused without asking dccifd again; otherwise dccifd is asked through the shared {@link DccService}
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
    private final DccService dcc;
    private Outcome wanted;
    private boolean discard;
    private boolean deferOk;

    @Inject
    public Dcc(DccService dcc) {
        this.dcc = dcc;
    }

    @Override
    public void init() throws MessagingException {
        String condition = getCondition() == null ? "" : getCondition().trim().toLowerCase(Locale.ROOT);
        String word = condition;
        int slash = condition.indexOf('/');
        if (slash >= 0) {
            word = condition.substring(0, slash).trim();
            String flag = condition.substring(slash + 1).trim();
            if (!flag.equals("defer_ok")) {
                throw new MessagingException("Dcc matcher: unknown flag '" + flag + "' in condition '" + getCondition() + "' (only /defer_ok)");
            }
            deferOk = true;
        }
        switch (word) {
            case "fail":
                wanted = Outcome.FAIL;
                break;
            case "accept":
                wanted = Outcome.ACCEPT;
                break;
            case "defer":
                wanted = Outcome.DEFER;
                break;
            case "discard":
                discard = true;
                break;
            default:
                throw new MessagingException("Dcc matcher: condition must be fail, accept, defer or discard (optionally /defer_ok), not '"
                    + getCondition() + "'");
        }
    }

    @Override
    public Collection<MailAddress> match(Mail mail) throws MessagingException {
        DccResult result = DccService.recorded(mail);
        boolean fresh = result == null;
        if (fresh) {
            String helo = mail.getAttribute(PackAttributes.SMTP_HELO).map(a -> String.valueOf(a.getValue().value())).orElse("");
            String name = mail.getRemoteHost();
            if (name != null && name.equals(mail.getRemoteAddr())) {
                name = null;
            }
            result = dcc.check(mail, helo, mail.getRemoteAddr(), name);
            dcc.record(mail, result);
            if (result.outcome() == Outcome.DEFER) {
                log("DCC: " + result.detail() + " (" + DccAttributes.DCC_RESULT.asString() + "='" + result.dccResult() + "')");
            }
        }
        List<MailAddress> recipients = new ArrayList<>(mail.getRecipients());
        if (discard) {
            DccDecision decision = DccDecision.of(result, recipients.size(), DccDecision.Mode.PER_RECIPIENT, deferOk);
            List<MailAddress> out = new ArrayList<>();
            for (int i = 0; i < recipients.size(); i++) {
                DccDecision.Action a = decision.recipient(i);
                if (a == DccDecision.Action.DISCARD || a == DccDecision.Action.REJECT || a == DccDecision.Action.GREYLIST) {
                    out.add(recipients.get(i));
                }
            }
            if (!out.isEmpty()) {
                log("DCC: " + out.size() + " of " + recipients.size() + " recipient(s) not to deliver to: " + decision.reason());
            }
            return out;
        }
        if (result.outcome(deferOk) != wanted) {
            return List.of();
        }
        return recipients;
    }

    @Override
    public String getMatcherInfo() {
        return "Dcc: matches on the outcome of a dccifd check (fail, accept, defer, discard[/defer_ok])";
    }
}
