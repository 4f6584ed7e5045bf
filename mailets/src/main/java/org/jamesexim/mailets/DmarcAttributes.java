package org.jamesexim.mailets;

import org.apache.mailet.AttributeName;

/**
 * The DMARC mail attributes (all Strings), set by {@code org.jamesexim.smtp.DmarcVerifyHook} at the end of DATA or
 * by {@link DmarcVerify} in the mailet container; read by the {@code DmarcResult} matcher and
 * {@link AuthenticationResults} ({@code dmarc=}).
 */
public final class DmarcAttributes {
    /** {@code pass}, {@code fail}, {@code none}, {@code temperror} or {@code permerror}: what DMARC found. */
    public static final AttributeName DMARC_RESULT = AttributeName.of("jexim.dmarc_result");
    /** The policy the domain owner asks for ({@code p}, or {@code sp} for a subdomain): none, quarantine, reject; empty without a record. */
    public static final AttributeName DMARC_POLICY = AttributeName.of("jexim.dmarc_policy");
    /** What to do with the mail after {@code pct}, {@code t=y} and the ARC override: none, quarantine or reject. */
    public static final AttributeName DMARC_DISPOSITION = AttributeName.of("jexim.dmarc_disposition");
    /** The RFC5322.From domain DMARC was evaluated for ({@code header.from}). */
    public static final AttributeName DMARC_DOMAIN = AttributeName.of("jexim.dmarc_domain");
    /** Where the policy record was found ({@code _dmarc.} + this: the From domain or its Organizational Domain), empty without one; Exim's {@code $dmarc_used_domain}. */
    public static final AttributeName DMARC_POLICY_DOMAIN = AttributeName.of("jexim.dmarc_policy_domain");
    /** {@code arc} when the ARC local policy overrode a fail, empty otherwise. */
    public static final AttributeName DMARC_OVERRIDE = AttributeName.of("jexim.dmarc_override");
    /** Why (fail, none, temperror, permerror), printable ASCII, at most 200 characters; empty for pass. */
    public static final AttributeName DMARC_REASON = AttributeName.of("jexim.dmarc_reason");
    /** The Authentication-Results result {@link AuthenticationResults} writes, e.g. {@code dmarc=fail (p=reject dis=none arc=pass) header.from=example.org policy.override=arc}. */
    public static final AttributeName DMARC_AUTH_RESULT = AttributeName.of("jexim.dmarc_auth_result");

    private DmarcAttributes() {
    }
}
