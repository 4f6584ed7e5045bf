package org.jamesexim.bmi;

import java.util.Optional;

/**
 * What the router sees for one recipient: Exim's preconditions and {@code $bmi_*} variables, with the spec's
 * defaults when there is no verdict (no scan ran, the scan failed, or the recipient is in no verdict):
 * deliver_default true, deliver_alternate false, dont_deliver false, bmi_rule false, {@code $bmi_deliver} 1,
 * the other variables empty. Immutable.
 */
public final class BmiRouting {
    private static final BmiRouting NONE = new BmiRouting(null);

    private final BmiVerdict verdict;

    private BmiRouting(BmiVerdict verdict) {
        this.verdict = verdict;
    }

    public static BmiRouting of(Optional<BmiVerdict> verdict) {
        return verdict.map(BmiRouting::new).orElse(NONE);
    }

    public static BmiRouting none() {
        return NONE;
    }

    public Optional<BmiVerdict> verdict() {
        return Optional.ofNullable(verdict);
    }

    /** {@code bmi_deliver_default}: true without a verdict. */
    public boolean deliverDefault() {
        return verdict == null || verdict.outcome() == BmiOutcome.DELIVER_DEFAULT;
    }

    /** {@code bmi_deliver_alternate}: false without a verdict. */
    public boolean deliverAlternate() {
        return verdict != null && verdict.outcome() == BmiOutcome.DELIVER_ALTERNATE;
    }

    /** {@code bmi_dont_deliver}: false without a verdict. */
    public boolean dontDeliver() {
        return verdict != null && verdict.outcome() == BmiOutcome.DONT_DELIVER;
    }

    /** {@code bmi_rule}: false without a verdict. */
    public boolean ruleFired(BmiRuleList list) {
        return verdict != null && list.matches(verdict);
    }

    /** {@code $bmi_deliver}: 1 unless the verdict says don't deliver. */
    public int deliver() {
        return dontDeliver() ? 0 : 1;
    }

    /** {@code $bmi_alt_location}, empty unless deliver_alternate. */
    public String altLocation() {
        return verdict == null ? "" : verdict.altLocation();
    }

    /**
     * {@code $bmi_base64_verdict} (the header form, {@link BmiVerdict#headerBase64()}: no recipient addresses), empty
     * without a verdict.
     */
    public String base64Verdict() {
        return verdict == null ? "" : verdict.headerBase64();
    }

    /** {@code $bmi_base64_tracker_verdict}, empty without a verdict or when no rule fired. */
    public String base64TrackerVerdict() {
        return verdict == null ? "" : verdict.tracker();
    }
}
