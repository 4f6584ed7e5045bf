package org.jamesexim.mailets;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.james.core.Username;
import org.apache.james.user.api.UsersRepository;
import org.apache.james.user.api.UsersRepositoryException;
import org.apache.mailet.Mail;
import org.apache.mailet.StorageDirective;
import org.apache.mailet.base.GenericMailet;
import org.jamesexim.common.config.Param;
import org.jamesexim.common.config.ParamSet;
import org.jamesexim.mailets.config.GlueParams;
import org.jamesexim.bmi.BmiRouting;

/**
 * Delivers to the alternate location ({@code $bmi_alt_location}): for every recipient whose verdict is
 * deliver_alternate, sets James's storage directive ({@code DeliveryPath_<user>}) so that the following
 * {@code LocalDelivery} files the message in the mailbox folder named by the location (e.g. {@code Junk}; the
 * folder is created if missing). Recipients without such a verdict are left alone. Use it after the
 * {@code BmiDeliverAlternate} matcher and before {@code LocalDelivery}; the mail continues down the processor.
 *
 * <pre>{@code
 * <mailet match="org.jamesexim.matchers.BmiDeliverAlternate" class="org.jamesexim.mailets.BmiToAltLocation">
 *     <folder></folder>   <!-- optional: this folder instead of the verdict's location -->
 * </mailet>
 * }</pre>
 */
public class BmiToAltLocation extends GenericMailet {
    private final UsersRepository usersRepository;
    private String folder;

    @Inject
    public BmiToAltLocation(UsersRepository usersRepository) {
        this.usersRepository = usersRepository;
    }

    /** {@code folder}: this folder instead of the verdict's location; absent or empty: the verdict's. */
    public static final Param<String> FOLDER = Param.text("folder", null).emptyMeansNone().check(f -> {
        if (f.contains("\r") || f.contains("\n")) {
            throw new IllegalArgumentException("must be one line");
        }
        return f;
    });
    /** Every parameter BmiToAltLocation reads. */
    public static final ParamSet PARAMETERS = ParamSet.of(FOLDER);

    @Override
    public void init() throws MessagingException {
        String f = GlueParams.mailet(PARAMETERS, getMailetConfig(), BmiToAltLocation.class, "").get(FOLDER);
        folder = f == null ? "" : f;
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        for (MailAddress rcpt : mail.getRecipients()) {
            BmiRouting r = BmiAttributes.routing(mail, rcpt);
            if (!r.deliverAlternate()) {
                continue;
            }
            String target = folder.isEmpty() ? r.altLocation() : folder;
            Username user;
            try {
                user = usersRepository.getUsername(rcpt);
            } catch (UsersRepositoryException e) {
                throw new MessagingException("cannot map " + rcpt.asString() + " to a user for the alternate location", e);
            }
            StorageDirective.builder().targetFolder(target).build().encodeAsAttributes(user).forEach(mail::setAttribute);
        }
    }

    @Override
    public String getMailetInfo() {
        return "BmiToAltLocation (James Exim Pack)";
    }
}
