package org.jamesexim.mailets;

import org.apache.mailet.AttributeName;

/**
 * The SRS mail attributes, named after Exim's variables ({@code $srs_orig_sender} → {@code jexim.srs_orig_sender}).
 * All values are Strings, except {@link #SRS_DEFER_COUNT}. {@link SrsForward} and {@link SrsReverse} re-export the ones they set.
 */
public final class SrsAttributes {
    /** The envelope sender before {@link SrsForward} rewrote it. */
    public static final AttributeName SRS_ORIG_SENDER = AttributeName.of("jexim.srs_orig_sender");
    /** The SRS address {@link SrsReverse} looked at (the recipient as it arrived). */
    public static final AttributeName SRS_ORIG_RECIPIENT = AttributeName.of("jexim.srs_orig_recipient");
    /** The decoded address {@link SrsReverse} sent the mail to. */
    public static final AttributeName SRS_RECIPIENT = AttributeName.of("jexim.srs_recipient");
    /** Database mode: the address stored (forward) or found (reverse). */
    public static final AttributeName SRS_DB_ADDRESS = AttributeName.of("jexim.srs_db_address");
    /** Database mode: the key stored (forward) or looked up (reverse). */
    public static final AttributeName SRS_DB_KEY = AttributeName.of("jexim.srs_db_key");
    /** {@link SrsReverse}'s verdict: {@code valid}, {@code expired}, {@code bad hash}, {@code not SRS} (or {@code defer}). */
    public static final AttributeName SRS_STATUS = AttributeName.of("jexim.srs_status");
    /** {@link SrsReverse}, database mode: how many times the recipients of this copy were deferred (Integer). */
    public static final AttributeName SRS_DEFER_COUNT = AttributeName.of("jexim.srs_defer_count");

    /**
     * Exim's {@code $original_domain}: the domain of the first recipient of one of our domains, set by {@link SrsReverse}
     * (root processor) on mail that does not have it yet; James's RecipientRewriteTable copies it onto the forwarded copy,
     * where {@link SrsForward}'s {@code alias} {@code $original_domain} reads it.
     */
    public static final AttributeName ORIGINAL_DOMAIN = AttributeName.of("jexim.original_domain");

    private SrsAttributes() {
    }
}
