package org.jamesexim.mailets;

import javax.mail.MessagingException;

import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.jamesexim.common.HeaderText;
import org.jamesexim.common.config.Param;
import org.jamesexim.common.config.ParamSet;
import org.jamesexim.mailets.config.GlueParams;
import org.jamesexim.mailets.mime.MimeBytes;

/**
 * Adds {@code X-Jexim-Received: helo=<name>} to mail received over SMTP, naming the HELO the client gave as James
 * recorded it ({@code Mail.SMTP_HELO}; {@code unknown} for mail without one). It is the foundation's proof that a mailet, a matcher and a hook of the pack are all loaded and wired.
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
    /** {@code header}: the header field written. */
    public static final Param<String> HEADER = Param.text("header", DEFAULT_HEADER).check(BmiRun::headerName);
    /** Every parameter AddPackHeader reads. */
    public static final ParamSet PARAMETERS = ParamSet.of(HEADER);
    private String header;

    @Override
    public void init() throws MessagingException {
        header = GlueParams.mailet(PARAMETERS, getMailetConfig(), AddPackHeader.class, "").get(HEADER);
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        String helo = mail.getAttribute(Mail.SMTP_HELO)
            .map(a -> String.valueOf(a.getValue().value()))
            .orElse("unknown");
        mail.getMessage().addHeader(header, "helo=" + HeaderText.of(helo, 255));
        MimeBytes.saveHeaderChanges(mail);
    }

    @Override
    public String getMailetInfo() {
        return "AddPackHeader (James Exim Pack)";
    }
}
