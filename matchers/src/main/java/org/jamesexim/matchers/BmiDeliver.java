package org.jamesexim.matchers;

import java.util.Collection;
import java.util.stream.Collectors;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMatcher;
import org.jamesexim.common.config.Param;
import org.jamesexim.mailets.BmiAttributes;
import org.jamesexim.mailets.config.GlueParams;

/**
 * Exim's {@code $bmi_deliver} in a router condition ({@code condition = ${if eq{$bmi_deliver}{0}}}): matches the
 * recipients whose {@code $bmi_deliver} is the condition, {@code 0} (the verdict says don't deliver) or {@code 1}
 * (deliver: every other verdict, and no verdict at all). The value is the engine's ({@code BmiRouting.deliver()}) for
 * the recipient's own verdict, inherited by aliases and forwards as for the other {@code Bmi*} matchers; it is the
 * value {@code org.jamesexim.mailets.BmiRun} records per recipient in {@code jexim.bmi_deliver}.
 * {@code BmiDeliver=0} picks the same recipients as {@code BmiDontDeliver}, as the spec says it should.
 *
 * <pre>{@code
 * <mailet match="org.jamesexim.matchers.BmiDeliver=0" class="ToRepository">
 *     <repositoryPath>memory://var/mail/bmi-dont-deliver/</repositoryPath>
 * </mailet>
 * }</pre>
 */
public class BmiDeliver extends GenericMatcher {
    /** The condition: {@code 0} or {@code 1}, the value of {@code $bmi_deliver} to match. */
    public static final Param<String> CONDITION = Param.choice("condition", null, "0", "1")
        .required("0 or 1, e.g. BmiDeliver=0");

    private int wanted;

    @Override
    public void init() throws MessagingException {
        wanted = Integer.parseInt(GlueParams.condition(CONDITION, getCondition(), "BmiDeliver "));
    }

    @Override
    public Collection<MailAddress> match(Mail mail) {
        return mail.getRecipients().stream()
            .filter(rcpt -> BmiAttributes.routing(mail, rcpt).deliver() == wanted)
            .collect(Collectors.toList());
    }
}
