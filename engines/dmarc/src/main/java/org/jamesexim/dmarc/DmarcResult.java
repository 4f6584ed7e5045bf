package org.jamesexim.dmarc;

import org.jamesexim.arc.SafeText;
import org.jamesexim.common.HeaderText;

/**
 * One message's DMARC verdict. {@link #status()} is what DMARC found (pass, fail, none, temperror, permerror);
 * {@link #policy()} is the policy the domain owner asks for (p, or sp for a subdomain); {@link #disposition()} is
 * what to do with the message once {@code pct} (RFC 7489), {@code t=y} (RFC 9989) and the ARC local policy have had
 * their say: a failing message overridden by ARC keeps {@code status() == FAIL} with {@link #override()} {@code arc}
 * and disposition {@code none}. Immutable.
 */
public final class DmarcResult {
    /** No override. */
    public static final String NO_OVERRIDE = "";
    /** The override reason of the ARC local policy (RFC 7489 §6.7, RFC 8617 §7.2). */
    public static final String ARC_OVERRIDE = "arc";

    private final DmarcStatus status;
    private final String fromDomain;
    private final String orgDomain;
    private final String policyDomain;
    private final DmarcRecord record;
    private final DmarcPolicy policy;
    private final DmarcPolicy disposition;
    private final boolean sampledOut;
    private final String override;
    private final String spfAligned;
    private final String dkimAligned;
    private final String reason;

    DmarcResult(DmarcStatus status, String fromDomain, String orgDomain, String policyDomain, DmarcRecord record,
                DmarcPolicy policy, DmarcPolicy disposition, boolean sampledOut, String override, String spfAligned,
                String dkimAligned, String reason) {
        this.status = status;
        this.fromDomain = fromDomain == null ? "" : fromDomain;
        this.orgDomain = orgDomain == null ? "" : orgDomain;
        this.policyDomain = policyDomain == null ? "" : policyDomain;
        this.record = record;
        this.policy = policy;
        this.disposition = disposition;
        this.sampledOut = sampledOut;
        this.override = override;
        this.spfAligned = spfAligned == null ? "" : spfAligned;
        this.dkimAligned = dkimAligned == null ? "" : dkimAligned;
        this.reason = HeaderText.of(reason, SafeText.MAX_REASON);
    }

    static DmarcResult without(DmarcStatus status, String fromDomain, String orgDomain, String reason) {
        return new DmarcResult(status, fromDomain, orgDomain, "", null, null, DmarcPolicy.NONE, false, NO_OVERRIDE, "", "",
                reason);
    }

    public DmarcStatus status() {
        return status;
    }

    /** The RFC5322.From domain ({@code header.from}); empty when there was none usable. */
    public String fromDomain() {
        return fromDomain;
    }

    /** The From domain's Organizational Domain. */
    public String orgDomain() {
        return orgDomain;
    }

    /** Where the policy record was found ({@code _dmarc.} + this); empty without a record. */
    public String policyDomain() {
        return policyDomain;
    }

    /** The record applied, or {@code null}. */
    public DmarcRecord record() {
        return record;
    }

    /** The requested policy (p, or sp for a subdomain of the record's domain); {@code null} without a record. */
    public DmarcPolicy policy() {
        return policy;
    }

    /** What to do with the message: reject, quarantine or none. */
    public DmarcPolicy disposition() {
        return disposition;
    }

    /** Whether {@code pct} left this failing message out of the policy (its disposition one step weaker). */
    public boolean sampledOut() {
        return sampledOut;
    }

    /** {@link #ARC_OVERRIDE} when the ARC local policy overrode a fail, else empty. */
    public String override() {
        return override;
    }

    /** The SPF domain that passed aligned, or empty. */
    public String spfAligned() {
        return spfAligned;
    }

    /** The DKIM {@code d=} that passed aligned, or empty. */
    public String dkimAligned() {
        return dkimAligned;
    }

    /** Why (for fail, none, temperror, permerror), printable ASCII, at most 200 characters. */
    public String reason() {
        return reason;
    }

    /** Whether the message is to be treated as passing: DMARC passed, or failed and ARC overrode it. */
    public boolean treatedAsPass() {
        return status == DmarcStatus.PASS || (status == DmarcStatus.FAIL && !override.isEmpty());
    }

    /**
     * The Authentication-Results result (RFC 7489 §11.2), e.g.
     * {@code dmarc=fail (p=reject sp=reject dis=none arc=pass) header.from=example.org policy.override=arc}: the
     * comment gives the record's p and sp and the disposition, as Gmail's A-R does ({@code dis=}), and
     * {@code arc=pass} as mailauth's does when ARC had a say.
     */
    public String authResult() {
        StringBuilder sb = new StringBuilder("dmarc=").append(status.word());
        if (record != null) {
            sb.append(" (p=").append(record.policy().word());
            if (record.subdomainPolicy() != null) {
                sb.append(" sp=").append(record.subdomainPolicy().word());
            }
            sb.append(" dis=").append(disposition.word());
            if (sampledOut) {
                sb.append(" pct=").append(record.pct());
            }
            if (!override.isEmpty()) {
                sb.append(" arc=pass");
            }
            sb.append(')');
        }
        if (!fromDomain.isEmpty()) {
            sb.append(" header.from=").append(fromDomain);
        }
        if (!override.isEmpty()) {
            sb.append(" policy.override=").append(override);
        }
        return sb.toString();
    }

    /** The log fields: {@code dmarc=fail policy=reject disposition=none domain=... override=arc}. */
    public String logFields() {
        return "dmarc=" + status.word() + " policy=" + (policy == null ? "" : policy.word()) + " disposition="
                + disposition.word() + " domain=" + fromDomain + " policy_domain=" + policyDomain
                + (override.isEmpty() ? "" : " override=" + override) + (sampledOut ? " sampled_out=true" : "")
                + (reason.isEmpty() ? "" : " reason=\"" + reason.replace('"', '\'') + "\"");
    }

    @Override
    public String toString() {
        return "DmarcResult[" + logFields() + "]";
    }
}
