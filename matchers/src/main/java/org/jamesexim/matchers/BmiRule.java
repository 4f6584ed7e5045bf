package org.jamesexim.matchers;

import java.util.Collection;
import java.util.stream.Collectors;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMatcher;
import org.jamesexim.common.config.Param;
import org.jamesexim.bmi.BmiRuleList;
import org.jamesexim.mailets.BmiAttributes;

/**
 * Exim's {@code bmi_rule = 5:8:11}: matches the recipients whose verdict lists one of the given rules as fired.
 * Items are rule numbers (only integers &gt; 0 count, as in Exim; numbers come from {@code BmiRun}'s {@code rule_ids})
 * or rule names (Rspamd symbols, case-insensitive). Without a verdict it does not match.
 *
 * <pre>{@code
 * <mailet match="org.jamesexim.matchers.BmiRule=5:8:11:GTUBE" class="Redirect">
 *     <recipients>postmaster@example.test</recipients>
 * </mailet>
 * }</pre>
 */
public class BmiRule extends GenericMatcher {
    /** The condition: rule numbers and names separated by colons (Exim's {@code bmi_rule = 5:8:11}). */
    public static final Param<BmiRuleList> CONDITION = Param.custom("condition", null, BmiRuleList::parse)
        .required("rule numbers or names, e.g. BmiRule=5:8:11");

    private BmiRuleList rules;

    @Override
    public void init() throws MessagingException {
        try {
            // CONDITION's parser, called directly: its message follows "BmiRule condition: " as it always has
            rules = BmiRuleList.parse(getCondition());
        } catch (IllegalArgumentException e) {
            throw new MessagingException("BmiRule condition: " + e.getMessage(), e);
        }
    }

    @Override
    public Collection<MailAddress> match(Mail mail) {
        return mail.getRecipients().stream()
            .filter(rcpt -> BmiAttributes.routing(mail, rcpt).ruleFired(rules))
            .collect(Collectors.toList());
    }
}
