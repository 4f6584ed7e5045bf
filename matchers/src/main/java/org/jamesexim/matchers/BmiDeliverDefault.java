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
 * Exim's router precondition bmi_deliver_default: true for a verdict "deliver normally" and, as the spec says, when there is no verdict (no scan, failed scan, recipient in no verdict).
 * Matches the recipients whose verdict (see {@code org.jamesexim.mailets.BmiRun}, inherited by aliases) says so.
 *
 * <pre>{@code
 * <mailet match="org.jamesexim.matchers.BmiDeliverDefault" class="LocalDelivery"/>
 * }</pre>
 */
public class BmiDeliverDefault extends GenericMatcher {
    /** Takes no condition: one written there is a mistake and stops James. */
    @Override
    public void init() throws MessagingException {
        GlueParams.noCondition("BmiDeliverDefault", getCondition());
    }

    @Override
    public Collection<MailAddress> match(Mail mail) {
        return mail.getRecipients().stream()
            .filter(rcpt -> BmiAttributes.routing(mail, rcpt).deliverDefault())
            .collect(Collectors.toList());
    }
}
