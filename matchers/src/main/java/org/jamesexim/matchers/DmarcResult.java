package org.jamesexim.matchers;

import java.util.Collection;
import java.util.List;
import java.util.Locale;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMatcher;
import org.jamesexim.common.config.Param;
import org.jamesexim.mailets.ArcSettings;
import org.jamesexim.mailets.DmarcAttributes;
import org.jamesexim.mailets.config.GlueParams;

/**
 * Matches mail by its DMARC verdict ({@code jexim.dmarc_result} and {@code jexim.dmarc_disposition}, set by
 * {@code DmarcVerifyHook} or {@code DmarcVerify}). The condition lists items separated by commas or blanks, each
 * a result ({@code pass}, {@code fail}, {@code none}, {@code temperror}, {@code permerror}), or a result and the
 * disposition to apply, {@code fail/quarantine}, {@code fail/reject}, {@code fail/none} (the disposition is the
 * policy after {@code pct} and the ARC override: a fail ARC overrode is {@code fail/none}, with
 * {@code jexim.dmarc_override=arc}). Mail never evaluated (no attribute) does not match.
 *
 * <pre>{@code
 * <mailet match="org.jamesexim.matchers.DmarcResult=fail/quarantine" class="ToRepository">
 *     <repositoryPath>memory://var/mail/dmarc-quarantine/</repositoryPath>
 * </mailet>
 * <mailet match="org.jamesexim.matchers.DmarcResult=fail/reject" class="Bounce"/>
 * }</pre>
 */
public class DmarcResult extends GenericMatcher {
    static final List<String> RESULTS = List.of("pass", "fail", "none", "temperror", "permerror");
    static final List<String> DISPOSITIONS = List.of("none", "quarantine", "reject");
    /** The condition: results or result/disposition pairs, separated by commas or blanks. */
    public static final Param<List<String>> CONDITION = Param.list("condition", null, Param.COMMAS_BLANKS)
            .check(DmarcResult::item).required("DmarcResult needs a condition such as DmarcResult=fail/quarantine");

    private List<String> items;

    static String item(String item) {
        String t = item.toLowerCase(Locale.ROOT);
        int slash = t.indexOf('/');
        String result = slash < 0 ? t : t.substring(0, slash);
        if (!RESULTS.contains(result) || (slash >= 0 && !DISPOSITIONS.contains(t.substring(slash + 1)))) {
            throw new IllegalArgumentException("'" + item + "' is not a result (" + String.join(", ", RESULTS)
                    + ") or result/disposition (" + String.join(", ", DISPOSITIONS) + ")");
        }
        return t;
    }

    @Override
    public void init() throws MessagingException {
        items = GlueParams.condition(CONDITION, getCondition(), "DmarcResult ");
    }

    @Override
    public Collection<MailAddress> match(Mail mail) {
        String result = ArcSettings.stringAttribute(mail, DmarcAttributes.DMARC_RESULT).orElse(null);
        if (result == null) {
            return List.of();
        }
        String disposition = ArcSettings.stringAttribute(mail, DmarcAttributes.DMARC_DISPOSITION).orElse("none");
        for (String i : items) {
            if (i.equals(result) || i.equals(result + "/" + disposition)) {
                return mail.getRecipients();
            }
        }
        return List.of();
    }
}
