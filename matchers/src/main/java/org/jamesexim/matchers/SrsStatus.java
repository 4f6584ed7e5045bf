package org.jamesexim.matchers;

import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMatcher;
import org.jamesexim.common.config.Param;
import org.jamesexim.mailets.config.GlueParams;
import org.jamesexim.mailets.SrsAttributes;

/**
 * Matches mail by the SRS verdict {@code org.jamesexim.mailets.SrsReverse} left in {@code jexim.srs_status}
 * ({@code valid}, {@code expired}, {@code bad hash}, {@code not SRS}, {@code defer}; mail without the attribute
 * counts as {@code not SRS}). The condition is a comma-separated list of statuses; all recipients match.
 *
 * <pre>{@code
 * <!-- after SrsReverse: keep bounces to forged or expired SRS addresses instead of bouncing them again -->
 * <mailet match="org.jamesexim.matchers.SrsStatus=bad hash,expired" class="ToRepository">
 *     <repositoryPath>memory://var/mail/srs-refused/</repositoryPath>
 * </mailet>
 * }</pre>
 */
public class SrsStatus extends GenericMatcher {
    /** The condition: SRS statuses separated by commas. */
    public static final Param<List<String>> CONDITION = Param.list("condition", null, Param.COMMAS).check(t -> {
        org.jamesexim.srs.SrsStatus.fromText(t);
        return t;
    }).required("name statuses, e.g. SrsStatus=bad hash,expired");

    private Set<org.jamesexim.srs.SrsStatus> wanted;

    @Override
    public void init() throws MessagingException {
        Set<org.jamesexim.srs.SrsStatus> set = EnumSet.noneOf(org.jamesexim.srs.SrsStatus.class);
        for (String s : GlueParams.condition(CONDITION, getCondition(), "SrsStatus ")) {
            set.add(org.jamesexim.srs.SrsStatus.fromText(s));
        }
        wanted = set;
    }

    @Override
    public Collection<MailAddress> match(Mail mail) {
        org.jamesexim.srs.SrsStatus status = mail.getAttribute(SrsAttributes.SRS_STATUS)
            .map(a -> String.valueOf(a.getValue().value()))
            .map(v -> {
                try {
                    return org.jamesexim.srs.SrsStatus.fromText(v);
                } catch (IllegalArgumentException e) {
                    return org.jamesexim.srs.SrsStatus.NOT_SRS;
                }
            })
            .orElse(org.jamesexim.srs.SrsStatus.NOT_SRS);
        return wanted.contains(status) ? mail.getRecipients() : List.of();
    }
}
