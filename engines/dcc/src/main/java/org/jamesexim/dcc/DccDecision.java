package org.jamesexim.dcc;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * What an MTA does with a checked message and each of its recipients, as dccifd(8) asks: under an overall {@code A}
 * (or {@code S}) the recipients marked {@code R} on the per-recipient line are not delivered (discarded, or routed
 * as the operator configures) and the others are; an overall {@code R} rejects the message for all, {@code G}
 * greylists it for all; a temporary failure ({@code T}, an unknown reply, no answer) defers it for all, or with
 * {@code defer_ok} delivers it to all without a verdict. {@link Mode#OVERALL} is Exim's behaviour: the per-recipient
 * line is ignored, so an overall {@code A} delivers to everyone.
 *
 * <p>A pure function of the {@link DccResult} and the number of recipients the request listed (in request order);
 * immutable, no I/O.</p>
 */
public final class DccDecision {
    /** What happens to one recipient, or to the whole SMTP transaction. */
    public enum Action {
        /** deliver to it (transaction: accept the message) */
        DELIVER,
        /** accept the message but do not deliver to it: dccifd marked it {@code R} under an overall {@code A} */
        DISCARD,
        /** overall {@code R}: reject the message (5xx) */
        REJECT,
        /** overall {@code G}: greylist embargo (4xx) */
        GREYLIST,
        /** no usable verdict: try again later (4xx) */
        DEFER;

        /** The word used in configuration and logs: {@code deliver}, {@code discard}, {@code reject}, {@code greylist}, {@code defer}. */
        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Whether the per-recipient line counts. */
    public enum Mode {
        /** as dccifd(8) asks: recipients marked {@code R} under an overall {@code A} are discarded */
        PER_RECIPIENT,
        /** as Exim: only the overall result counts (the per-recipient line is ignored) */
        OVERALL;

        /** The configuration word: {@code per_recipient} or {@code overall}. */
        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }

        /**
         * Parses {@code per_recipient} or {@code overall} (any case).
         *
         * @throws IllegalArgumentException naming the value
         */
        public static Mode parse(String value) {
            String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
            for (Mode m : values()) {
                if (m.word().equals(v)) {
                    return m;
                }
            }
            throw new IllegalArgumentException("must be per_recipient or overall, not '" + value + "'");
        }
    }

    private final Action transaction;
    private final List<Action> recipients;
    private final String reason;

    private DccDecision(Action transaction, List<Action> recipients, String reason) {
        this.transaction = transaction;
        this.recipients = Collections.unmodifiableList(recipients);
        this.reason = reason;
    }

    /**
     * Decides for a message of {@code recipientCount} recipients (those of the request, in its order).
     *
     * @param result what dccifd answered (or why it did not)
     * @param recipientCount how many recipients the request listed
     * @param mode {@link Mode#PER_RECIPIENT} or Exim's {@link Mode#OVERALL}
     * @param deferOk Exim's {@code /defer_ok}: a temporary failure delivers instead of deferring
     */
    public static DccDecision of(DccResult result, int recipientCount, Mode mode, boolean deferOk) {
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(mode, "mode");
        if (recipientCount < 0) {
            throw new IllegalArgumentException("recipientCount < 0: " + recipientCount);
        }
        switch (result.outcome()) {
            case FAIL:
                boolean grey = result.dccResult().equals("G");
                return all(grey ? Action.GREYLIST : Action.REJECT, recipientCount,
                    grey ? "greylisted by DCC (overall G)" : "rejected by DCC (overall R)");
            case DEFER:
                if (deferOk) {
                    return all(Action.DELIVER, recipientCount, "defer_ok: delivered without a DCC verdict (" + result.detail() + ")");
                }
                return all(Action.DEFER, recipientCount, result.detail());
            default:
                break;
        }
        String line = result.recipientResults();
        if (mode == Mode.OVERALL) {
            return all(Action.DELIVER, recipientCount, "accepted by DCC (overall " + result.reply() + "; per-recipient line ignored, as Exim)");
        }
        if (line.length() != recipientCount) {
            return all(Action.DELIVER, recipientCount, "accepted by DCC (overall " + result.reply() + "; per-recipient line '" + line
                + "' does not list the " + recipientCount + " recipient(s): delivered to all)");
        }
        List<Action> actions = new ArrayList<>(recipientCount);
        int discarded = 0;
        for (int i = 0; i < recipientCount; i++) {
            boolean discard = line.charAt(i) == 'R';
            actions.add(discard ? Action.DISCARD : Action.DELIVER);
            if (discard) {
                discarded++;
            }
        }
        String reason = discarded == 0 ? "accepted by DCC"
            : "accepted by DCC with " + discarded + " of " + recipientCount + " recipient(s) marked R (overall " + result.reply()
                + ", per-recipient " + line + "): those are discarded, as dccifd(8) asks";
        return new DccDecision(Action.DELIVER, actions, reason);
    }

    private static DccDecision all(Action a, int n, String reason) {
        return new DccDecision(a, new ArrayList<>(Collections.nCopies(n, a)), reason);
    }

    /** What the SMTP transaction gets: {@code DELIVER} (accept), {@code REJECT}, {@code GREYLIST} or {@code DEFER}; never {@code DISCARD}. */
    public Action transaction() {
        return transaction;
    }

    /** One action per recipient, in request order. */
    public List<Action> recipients() {
        return recipients;
    }

    /** The action for the recipient at {@code index} (request order). */
    public Action recipient(int index) {
        return recipients.get(index);
    }

    /** The elements of {@code items} (the recipients, in request order) whose action is {@code action}. */
    public <T> List<T> select(List<T> items, Action action) {
        if (items.size() != recipients.size()) {
            throw new IllegalArgumentException(items.size() + " item(s) for " + recipients.size() + " recipient(s)");
        }
        List<T> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            if (recipients.get(i) == action) {
                out.add(items.get(i));
            }
        }
        return out;
    }

    /** True when no recipient is discarded and the transaction is accepted. */
    public boolean deliversToAll() {
        return transaction == Action.DELIVER && !recipients.contains(Action.DISCARD);
    }

    /** One line for logs: why (never message content). */
    public String reason() {
        return reason;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("DccDecision{").append(transaction.word()).append(", [");
        for (int i = 0; i < recipients.size(); i++) {
            sb.append(i == 0 ? "" : " ").append(recipients.get(i).word());
        }
        return sb.append("], ").append(reason).append('}').toString();
    }
}
