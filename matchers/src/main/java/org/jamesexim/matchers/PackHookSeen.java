package org.jamesexim.matchers;

import java.util.Collection;
import java.util.List;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMatcher;
import org.jamesexim.mailets.config.GlueParams;
import org.jamesexim.mailets.PackAttributes;

/**
 * Matches all recipients of mail that {@code org.jamesexim.smtp.PackReceivedHook} saw at SMTP time
 * (attribute {@code jexim.smtp_helo} present); mail created inside James does not match.
 *
 * <pre>{@code
 * <mailet match="org.jamesexim.matchers.PackHookSeen" class="org.jamesexim.mailets.AddPackHeader"/>
 * }</pre>
 */
public class PackHookSeen extends GenericMatcher {
    /** Takes no condition: one written there is a mistake and stops James. */
    @Override
    public void init() throws MessagingException {
        GlueParams.noCondition("PackHookSeen", getCondition());
    }

    @Override
    public Collection<MailAddress> match(Mail mail) {
        if (mail.getAttribute(PackAttributes.SMTP_HELO).isPresent()) {
            return mail.getRecipients();
        }
        return List.of();
    }
}
