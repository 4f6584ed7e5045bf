package org.jamesexim.smtp;

import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.jamesexim.common.config.ParamSet;
import org.jamesexim.mailets.config.GlueParams;

import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.smtpserver.JamesMessageHook;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.jamesexim.mailets.PackAttributes;

/**
 * End-of-DATA hook that records the client's HELO/EHLO name as attribute {@code jexim.smtp_helo} on the mail, the
 * foundation's proof that a hook of the pack is loaded. Returns DECLINED so James's own hooks still queue the mail.
 * {@code jexim.smtp_helo} is deprecated: James records the same name as {@code Mail.SMTP_HELO}, which the pack's
 * matchers and mailets read; it is still set for one release for those who read it.
 *
 * <pre>{@code
 * <handlerchain>
 *     <handler class="org.jamesexim.smtp.PackReceivedHook"/>
 *     <handler class="org.apache.james.smtpserver.CoreCmdHandlerLoader"/>
 * </handlerchain>
 * }</pre>
 */
public class PackReceivedHook implements JamesMessageHook {
    /** Takes no parameters: one given is a mistake in smtpserver.xml and stops James. */
    public static final ParamSet PARAMETERS = ParamSet.of();

    @Override
    public void init(Configuration config) throws ConfigurationException {
        GlueParams.hook(PARAMETERS, config, PackReceivedHook.class, "PackReceivedHook: ");
    }

    @Override
    @SuppressWarnings("deprecation") // PackAttributes.SMTP_HELO: still written for one release
    public HookResult onMessage(SMTPSession session, Mail mail) {
        String helo = session.getAttachment(SMTPSession.CURRENT_HELO_NAME, ProtocolSession.State.Connection).orElse("");
        mail.setAttribute(new Attribute(PackAttributes.SMTP_HELO, AttributeValue.of(helo)));
        return HookResult.DECLINED;
    }
}
