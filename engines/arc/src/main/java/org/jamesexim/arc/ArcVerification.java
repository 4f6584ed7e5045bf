package org.jamesexim.arc;

import java.util.Collections;
import java.util.List;

import org.jamesexim.common.HeaderText;

/**
 * The result of verifying a message's ARC chain, named as Exim names it: {@link #state()} ($arc_state),
 * {@link #reason()} ($arc_state_reason), {@link #domains()} ($arc_domains, the ARC-Seal d= of each set in chain
 * order, empty for an unreadable set) and {@link #oldestPass()} ($arc_oldest_pass). Everything here is safe to copy
 * into a header field or a log line: the reason is printable ASCII of at most {@value SafeText#MAX_REASON}
 * characters, each domain a valid ASCII domain name or empty. Immutable.
 */
public final class ArcVerification {
    private final ArcState state;
    private final String reason;
    private final List<String> domains;
    private final int oldestPass;
    private final List<ArcSetInfo> sets;

    ArcVerification(ArcState state, String reason, List<String> domains, int oldestPass, List<ArcSetInfo> sets) {
        this.state = state;
        this.reason = HeaderText.of(reason, SafeText.MAX_REASON);
        this.domains = Collections.unmodifiableList(domains);
        this.oldestPass = oldestPass;
        this.sets = Collections.unmodifiableList(sets);
    }

    public ArcState state() {
        return state;
    }

    /** Why the chain failed (empty for pass and none). */
    public String reason() {
        return reason;
    }

    public List<String> domains() {
        return domains;
    }

    /** The domains joined with ':' as in Exim's {@code $arc_domains}. */
    public String domainsColonList() {
        return String.join(":", domains);
    }

    /**
     * The lowest instance whose AMS, and the AMS of every newer instance, still verify; 0 when the chain did not
     * pass or the newest AMS fails.
     */
    public int oldestPass() {
        return oldestPass;
    }

    /** Per-instance details, instance 1 first (empty when the structure could not be read). */
    public List<ArcSetInfo> sets() {
        return sets;
    }

    /** The newest set, or {@code null} when there is none. */
    public ArcSetInfo newest() {
        return sets.isEmpty() ? null : sets.get(sets.size() - 1);
    }

    /**
     * Whether the chain could not be checked because DNS could not answer in time: the state is then
     * {@link ArcState#TEMPERROR}, and the same message may pass later.
     */
    public boolean temporaryError() {
        return state == ArcState.TEMPERROR;
    }

    /** The number of ARC sets found. */
    public int instances() {
        return sets.size();
    }

    @Override
    public String toString() {
        return "arc=" + state.word() + (reason.isEmpty() ? "" : " (" + reason + ")") + " domains=" + domainsColonList()
                + " oldest_pass=" + oldestPass;
    }
}
