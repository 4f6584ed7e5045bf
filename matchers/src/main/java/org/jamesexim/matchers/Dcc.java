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
import org.jamesexim.dcc.DccResult;
import org.jamesexim.dcc.DccResult.Outcome;
import org.jamesexim.mailets.DccAttributes;
import org.jamesexim.mailets.DccService;
import org.jamesexim.mailets.PackAttributes;

/**
 * Exim's {@code dcc} ACL condition as a matcher: matches when the DCC check of the mail has the named outcome.
 * {@code fail} is overall {@code R} or {@code G}, {@code accept} is {@code A} or {@code S}, {@code defer} is
 * {@code T} or no usable answer; {@code /defer_ok} turns defer into fail, as in Exim.
 *
 * <p>A result already recorded on the mail ({@code jexim.dcc_result}, e.g. by {@code org.jamesexim.smtp.DccHook} at
 * SMTP time) is reused without asking dccifd again; otherwise dccifd is asked through the shared {@link DccService}
 * ({@code conf/dcc.properties}), the result recorded and, with {@code dcc_direct_add_header}, the X-DCC header added.
 * After a fresh check, {@code fail} matches only the recipients dccifd marked {@code R}/{@code G} on its
 * per-recipient line (all of them when that line does not list each recipient).</p>
 *
 * <pre>{@code
 * <mailet match="org.jamesexim.matchers.Dcc=fail/defer_ok" class="ToRepository">
 *     <repositoryPath>memory://var/mail/dcc-bulk/</repositoryPath>
 * </mailet>
 * }</pre>
 */
public class Dcc extends GenericMatcher {
    private final DccService dcc;
    private Outcome wanted;
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
            default:
                throw new MessagingException("Dcc matcher: condition must be fail, accept or defer (optionally /defer_ok), not '"
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
        if (result.outcome(deferOk) != wanted) {
            return List.of();
        }
        List<MailAddress> recipients = new ArrayList<>(mail.getRecipients());
        String perRecipient = result.recipientResults();
        if (fresh && wanted == Outcome.FAIL && result.answered() && perRecipient.length() == recipients.size()) {
            List<MailAddress> failed = new ArrayList<>();
            for (int i = 0; i < recipients.size(); i++) {
                if (perRecipient.charAt(i) != 'A') {
                    failed.add(recipients.get(i));
                }
            }
            return failed;
        }
        return recipients;
    }

    @Override
    public String getMatcherInfo() {
        return "Dcc: matches on the outcome of a dccifd check (fail, accept, defer[/defer_ok])";
    }
}
