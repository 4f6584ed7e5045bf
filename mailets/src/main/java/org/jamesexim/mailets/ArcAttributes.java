package org.jamesexim.mailets;

import org.apache.mailet.AttributeName;

/**
 * The ARC mail attributes, named after Exim's variables ({@code $arc_state} → {@code jexim.arc_state}). Set by
 * {@code org.jamesexim.smtp.ArcVerifyHook} at the end of DATA or by {@link ArcVerify} in the mailet container;
 * read by the {@code ArcState} matcher, {@link AuthenticationResults} and {@link ArcSeal}.
 */
public final class ArcAttributes {
    /**
     * {@code pass}, {@code fail}, {@code none} or {@code temperror} (String): the last when DNS could not answer in
     * time, so the chain could not be checked (it may pass later).
     */
    public static final AttributeName ARC_STATE = AttributeName.of("jexim.arc_state");
    /** Why the chain failed, empty otherwise (String), e.g. {@code i=2 (AMS body hash miscompare)}. */
    public static final AttributeName ARC_STATE_REASON = AttributeName.of("jexim.arc_state_reason");
    /** The ARC-Seal d= of each set in chain order, colon-separated as Exim's {@code $arc_domains} (String). */
    public static final AttributeName ARC_DOMAINS = AttributeName.of("jexim.arc_domains");
    /** The lowest instance whose AMS (and every newer AMS) verifies; 0 when the chain did not pass (Integer). */
    public static final AttributeName ARC_OLDEST_PASS = AttributeName.of("jexim.arc_oldest_pass");
    /**
     * The s= of the newest ARC-Message-Signature (String), set when the chain has one that is a well-formed selector,
     * whatever the state: what {@link AuthenticationResults} writes as {@code header.s=}, as Exim's
     * {@code ${authresults}} does (Exim has no variable for it).
     */
    public static final AttributeName ARC_AMS_SELECTOR = AttributeName.of("jexim.arc_ams_selector");
    /**
     * Beyond Exim: set (to the sealer's domain, String) only when the chain passes and its newest ARC-Seal was made
     * by a domain in the {@code trustedSealers} list, for local DMARC-override decisions.
     */
    public static final AttributeName ARC_TRUSTED_SEALER = AttributeName.of("jexim.arc_trusted_sealer");
    /**
     * The value of the Authentication-Results field {@link AuthenticationResults} added (String): what
     * {@link ArcSeal} copies into the ARC-Authentication-Results, rather than any A-R the sender wrote.
     */
    public static final AttributeName AUTHENTICATION_RESULTS = AttributeName.of("jexim.authentication_results");

    private ArcAttributes() {
    }
}
