package org.jamesexim.matchers;

import java.util.Collection;
import java.util.List;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMatcher;
import org.jamesexim.mailets.config.GlueParams;

/**
 * Matches all recipients of mail received over SMTP: James's own {@code Mail.SMTP_HELO} attribute
 * ({@code mail.smtp.helo}, set by James's {@code AddDefaultAttributesMessageHook} at end of DATA) is present; mail
 * created inside James (bounces, mail a mailet sends) does not match. It used to read the pack's
 * {@code jexim.smtp_helo}, which needed {@code org.jamesexim.smtp.PackReceivedHook}; that attribute is deprecated.
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
        if (mail.getAttribute(Mail.SMTP_HELO).isPresent()) {
            return mail.getRecipients();
        }
        return List.of();
    }
}
