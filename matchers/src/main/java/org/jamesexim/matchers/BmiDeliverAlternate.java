package org.jamesexim.matchers;

import java.util.Collection;
import java.util.stream.Collectors;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMatcher;
import org.jamesexim.mailets.config.GlueParams;
import org.jamesexim.mailets.BmiAttributes;

/**
 * Exim's router precondition bmi_deliver_alternate: true for a verdict "deliver to the alternate location"; false without a verdict.
 * Matches the recipients whose verdict (see {@code org.jamesexim.mailets.BmiRun}, inherited by aliases) says so.
 *
 * <pre>{@code
 * <mailet match="org.jamesexim.matchers.BmiDeliverAlternate" class="org.jamesexim.mailets.BmiToAltLocation"/>
 * }</pre>
 */
public class BmiDeliverAlternate extends GenericMatcher {
    /** Takes no condition: one written there is a mistake and stops James. */
    @Override
    public void init() throws MessagingException {
        GlueParams.noCondition("BmiDeliverAlternate", getCondition());
    }

    @Override
    public Collection<MailAddress> match(Mail mail) {
        return mail.getRecipients().stream()
            .filter(rcpt -> BmiAttributes.routing(mail, rcpt).deliverAlternate())
            .collect(Collectors.toList());
    }
}
