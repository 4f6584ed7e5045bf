package org.jamesexim.dcc;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Exim's {@code dcc} ACL condition, and the pack's {@code discard}: which recipients of a checked message a condition
 * holds for. {@code fail} (overall {@code R} or {@code G}), {@code accept} ({@code A} or {@code S}) and {@code defer}
 * ({@code T} or no usable answer) are Exim's: all the recipients or none (Exim ignores the per-recipient line);
 * {@code /defer_ok} turns a defer into a fail, as Exim's {@code dcc = * /defer_ok}. {@code discard} holds for the
 * recipients dccifd asks not to deliver to, as {@link DccDecision} decides in {@link DccDecision.Mode#PER_RECIPIENT}
 * mode: all of them on an overall {@code R} or {@code G}, those marked {@code R} under an overall {@code A}, none on
 * a defer (or on anything with {@code /defer_ok}, which delivers). Immutable.
 */
public final class DccCondition {
    private final DccResult.Outcome wanted;
    private final boolean deferOk;
    private final String text;

    private DccCondition(DccResult.Outcome wanted, boolean deferOk, String text) {
        this.wanted = wanted;
        this.deferOk = deferOk;
        this.text = text;
    }

    /**
     * Parses {@code fail}, {@code accept}, {@code defer} or {@code discard}, each optionally followed by
     * {@code /defer_ok} (any case, blanks around the parts allowed).
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    public static DccCondition parse(String condition) {
        String c = Objects.requireNonNull(condition, "condition").trim().toLowerCase(Locale.ROOT);
        String word = c;
        boolean deferOk = false;
        int slash = c.indexOf('/');
        if (slash >= 0) {
            word = c.substring(0, slash).trim();
            String flag = c.substring(slash + 1).trim();
            if (!flag.equals("defer_ok")) {
                throw new IllegalArgumentException("unknown flag '" + flag + "' (only /defer_ok)");
            }
            deferOk = true;
        }
        switch (word) {
            case "fail":
                return new DccCondition(DccResult.Outcome.FAIL, deferOk, word);
            case "accept":
                return new DccCondition(DccResult.Outcome.ACCEPT, deferOk, word);
            case "defer":
                return new DccCondition(DccResult.Outcome.DEFER, deferOk, word);
            case "discard":
                return new DccCondition(null, deferOk, word);
            default:
                throw new IllegalArgumentException("must be fail, accept, defer or discard (optionally /defer_ok)");
        }
    }

    /** True for {@code discard}: the condition is per recipient. */
    public boolean perRecipient() {
        return wanted == null;
    }

    public boolean deferOk() {
        return deferOk;
    }

    /**
     * The elements of {@code recipients} (the recipients of the request, in its order) the condition holds for.
     */
    public <T> List<T> matching(DccResult result, List<T> recipients) {
        Objects.requireNonNull(result, "result");
        if (!perRecipient()) {
            return result.outcome(deferOk) == wanted ? List.copyOf(recipients) : List.of();
        }
        DccDecision decision = decision(result, recipients.size());
        List<T> out = new ArrayList<>();
        for (int i = 0; i < recipients.size(); i++) {
            if (decision.recipient(i) != DccDecision.Action.DELIVER && decision.recipient(i) != DccDecision.Action.DEFER) {
                out.add(recipients.get(i));
            }
        }
        return out;
    }

    /** The per-recipient decision {@code discard} follows (mode per_recipient, this condition's defer_ok). */
    public DccDecision decision(DccResult result, int recipientCount) {
        return DccDecision.of(result, recipientCount, DccDecision.Mode.PER_RECIPIENT, deferOk);
    }

    @Override
    public String toString() {
        return text + (deferOk ? "/defer_ok" : "");
    }
}
