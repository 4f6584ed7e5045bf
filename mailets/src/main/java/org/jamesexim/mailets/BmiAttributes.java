package org.jamesexim.mailets;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.jamesexim.bmi.BmiOptin;
import org.jamesexim.bmi.BmiRouting;
import org.jamesexim.bmi.BmiVerdict;
import org.jamesexim.bmi.BmiVerdicts;

/**
 * Mail attributes of the BMI feature, shared by {@link BmiRun}, {@link BmiOptinLookup}, {@link BmiAddHeaders},
 * {@link BmiToAltLocation} and the {@code org.jamesexim.matchers.Bmi*} matchers, and the per-recipient lookup they
 * all use ({@link #routing(Mail, MailAddress)}).
 */
public final class BmiAttributes {
    /**
     * The message's verdicts in Exim's spool form ({@code -bmi_verdicts}): base64 verdicts joined by {@code :}
     * (String). Set by {@link BmiRun} after a scan; absent when no scan ran or the scan failed.
     */
    public static final AttributeName BMI_VERDICTS = AttributeName.of("jexim.bmi_verdicts");

    /**
     * Opt-in profiles per recipient: a map from the lower-case recipient address to its {@code OPT1:OPT2} string
     * (Map of String). Set by {@link BmiOptinLookup} (or any mailet of yours), read by {@link BmiRun}.
     */
    public static final AttributeName BMI_OPTIN = AttributeName.of("jexim.bmi_optin");

    /**
     * Verdict inheritance: the base64 verdict every recipient of this mail copy inherits, whatever its address
     * became after aliasing or forwarding; empty string = "no verdict". Set by {@link BmiRun} when all recipients
     * of the copy share one verdict (always so after its split into per-verdict copies).
     */
    public static final AttributeName BMI_INHERITED_VERDICT = AttributeName.of("jexim.bmi_inherited_verdict");

    /**
     * Exim's {@code $bmi_deliver} per recipient: a map from the lower-case address of each recipient of this mail copy
     * to {@code 0} (the verdict says don't deliver) or {@code 1} (deliver; also without a verdict) (Map of Integer).
     * Set by {@link BmiRun} when it hands the mail on; a copy it makes holds only its own recipients. Addresses that
     * aliasing produces later are not added: the {@code BmiDeliver} matcher gives them the value they inherit.
     */
    public static final AttributeName BMI_DELIVER = AttributeName.of("jexim.bmi_deliver");

    /** Why the last scan failed (String), set by {@link BmiRun} when it applies its fail-open or fail-closed path. */
    public static final AttributeName BMI_ERROR = AttributeName.of("jexim.bmi_error");

    /** How many fail-closed retries this mail has had (Integer), set by {@link BmiRun}. */
    public static final AttributeName BMI_RETRIES = AttributeName.of("jexim.bmi_retries");

    private BmiAttributes() {
    }

    /** The verdicts stored on the mail (empty when no scan ran). */
    public static BmiVerdicts verdicts(Mail mail) {
        return mail.getAttribute(BMI_VERDICTS)
            .map(a -> String.valueOf(a.getValue().value()))
            .map(BmiVerdicts::parse)
            .orElse(BmiVerdicts.empty());
    }

    /**
     * What the router sees for one recipient: the inherited verdict of this copy if one is bound (Exim looks the
     * verdict up for the top-level ancestor address), else the verdict listing the address (case-insensitive, first
     * wins), else the spec's no-verdict defaults. An undecodable verdict counts as none (Exim: deliver normally).
     */
    public static BmiRouting routing(Mail mail, MailAddress recipient) {
        Optional<Attribute> inherited = mail.getAttribute(BMI_INHERITED_VERDICT);
        if (inherited.isPresent()) {
            String v = String.valueOf(inherited.get().getValue().value());
            if (v.isEmpty()) {
                return BmiRouting.none();
            }
            try {
                return BmiRouting.of(Optional.of(BmiVerdict.decode(v)));
            } catch (IllegalArgumentException e) {
                return BmiRouting.none();
            }
        }
        return BmiRouting.of(verdicts(mail).forAddress(recipient.asString()));
    }

    /**
     * Stores {@link #BMI_DELIVER} for the recipients the mail has now, each from its own {@link #routing} (no other
     * recipient's value is kept on the mail).
     */
    public static void setDeliver(Mail mail) {
        Map<String, AttributeValue<?>> map = new LinkedHashMap<>();
        for (MailAddress rcpt : mail.getRecipients()) {
            map.put(rcpt.asString().toLowerCase(Locale.ROOT), AttributeValue.of(routing(mail, rcpt).deliver()));
        }
        mail.setAttribute(new Attribute(BMI_DELIVER, AttributeValue.of(map)));
    }

    /** {@link #BMI_DELIVER} as stored on the mail, by lower-case address (empty when BmiRun has not set it). */
    public static Map<String, Integer> deliver(Mail mail) {
        Map<String, Integer> out = new LinkedHashMap<>();
        mail.getAttribute(BMI_DELIVER).ifPresent(a -> {
            Object v = a.getValue().value();
            if (v instanceof Map) {
                ((Map<?, ?>) v).forEach((k, val) -> {
                    Object i = val instanceof AttributeValue ? ((AttributeValue<?>) val).value() : val;
                    if (i instanceof Integer) {
                        out.put(String.valueOf(k), (Integer) i);
                    }
                });
            }
        });
        return out;
    }

    /** The opt-in profiles stored on the mail, by lower-case address. Bad values are skipped. */
    public static Map<String, BmiOptin> optins(Mail mail) {
        Map<String, BmiOptin> out = new LinkedHashMap<>();
        mail.getAttribute(BMI_OPTIN).ifPresent(a -> {
            Object v = a.getValue().value();
            if (v instanceof Map) {
                ((Map<?, ?>) v).forEach((k, val) -> {
                    Object s = val instanceof AttributeValue ? ((AttributeValue<?>) val).value() : val;
                    try {
                        out.put(String.valueOf(k).toLowerCase(Locale.ROOT), BmiOptin.parse(String.valueOf(s)));
                    } catch (IllegalArgumentException ignored) {
                        // not a usable profile: the recipient is scanned without one
                    }
                });
            }
        });
        return out;
    }

    /** Stores opt-in profiles (lower-case address to {@code OPT1:OPT2}), merged with those already on the mail. */
    public static void setOptins(Mail mail, Map<String, BmiOptin> optins) {
        Map<String, AttributeValue<?>> map = new LinkedHashMap<>();
        optins(mail).forEach((k, v) -> map.put(k, AttributeValue.of(v.profile())));
        optins.forEach((k, v) -> map.put(k.toLowerCase(Locale.ROOT), AttributeValue.of(v.profile())));
        mail.setAttribute(new Attribute(BMI_OPTIN, AttributeValue.of(map)));
    }

    static String addresses(Collection<MailAddress> recipients) {
        StringBuilder sb = new StringBuilder();
        for (MailAddress a : recipients) {
            sb.append(sb.length() == 0 ? "" : ",").append(a.asString());
        }
        return sb.toString();
    }
}
