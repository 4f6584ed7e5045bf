package org.jamesexim.mailets;

import javax.mail.MessagingException;

import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;

/**
 * Adds {@code X-Jexim-Received: helo=<name>} to mail that the pack's SMTP hook saw, naming the HELO the client
 * gave. It is the foundation's proof that a mailet, a matcher and a hook of the pack are all loaded and wired.
 *
 * <pre>{@code
 * <mailet match="org.jamesexim.matchers.PackHookSeen" class="org.jamesexim.mailets.AddPackHeader">
 *     <!-- optional; default X-Jexim-Received -->
 *     <header>X-Jexim-Received</header>
 * </mailet>
 * }</pre>
 */
public class AddPackHeader extends GenericMailet {
    static final String DEFAULT_HEADER = "X-Jexim-Received";
    private String header;

    @Override
    public void init() throws MessagingException {
        header = getInitParameter("header", DEFAULT_HEADER).trim();
        if (!header.matches("[!-9;-~]+")) {
            throw new MessagingException("header: not a valid header field name: '" + header + "'");
        }
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        String helo = mail.getAttribute(PackAttributes.SMTP_HELO)
            .map(a -> String.valueOf(a.getValue().value()))
            .orElse("unknown");
        mail.getMessage().addHeader(header, "helo=" + helo.replaceAll("[\\r\\n]", ""));
        mail.getMessage().saveChanges();
    }

    @Override
    public String getMailetInfo() {
        return "AddPackHeader (James Exim Pack)";
    }
}
