package org.jamesexim.matchers;

import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMatcher;
import org.jamesexim.mailets.ArcAttributes;
import org.jamesexim.common.config.Param;
import org.jamesexim.mailets.ArcSettings;
import org.jamesexim.mailets.config.GlueParams;

/**
 * Matches mail whose ARC state ({@code jexim.arc_state}, set by {@code ArcVerifyHook} or {@code ArcVerify}) is
 * one of the listed states, like Exim's {@code verify = arc/none:pass}. The condition lists {@code pass},
 * {@code fail}, {@code none} and {@code temperror} (DNS could not give a key in time), separated by commas or
 * colons. Mail never verified (no attribute) does not match.
 *
 * <pre>{@code
 * <mailet match="org.jamesexim.matchers.ArcState=fail" class="ToRepository">
 *     <repositoryPath>memory://var/mail/arc-fail/</repositoryPath>
 * </mailet>
 * }</pre>
 */
public class ArcState extends GenericMatcher {
    /** The condition: ARC states separated by commas, colons or blanks. */
    public static final Param<List<String>> CONDITION = ArcSettings.states("condition")
            .required("ArcState needs a condition such as ArcState=pass,none");

    private Set<String> states;

    @Override
    public void init() throws MessagingException {
        states = new HashSet<>(GlueParams.condition(CONDITION, getCondition(), "ArcState "));
    }

    @Override
    public Collection<MailAddress> match(Mail mail) {
        return ArcSettings.stringAttribute(mail, ArcAttributes.ARC_STATE)
                .filter(s -> states.contains(s.toLowerCase(Locale.ROOT)))
                .map(s -> mail.getRecipients())
                .orElse(List.of());
    }
}
