package org.jamesexim.srs;

import java.util.Optional;

/** What {@link SrsEngine#reverse} made of one address. Immutable. */
public final class SrsReverseResult {
    private final SrsStatus status;
    private final String origRecipient;
    private final String recipient;
    private final String error;
    private final String dbKey;
    private final String dbAddress;

    SrsReverseResult(SrsStatus status, String origRecipient, String recipient, String error, String dbKey, String dbAddress) {
        this.status = status;
        this.origRecipient = origRecipient;
        this.recipient = recipient;
        this.error = error;
        this.dbKey = dbKey;
        this.dbAddress = dbAddress;
    }

    /** {@code $srs_status}: valid, expired, bad hash, not SRS (or defer in database mode). */
    public SrsStatus status() {
        return status;
    }

    public boolean valid() {
        return status == SrsStatus.VALID;
    }

    /** The address that was reversed ({@code $srs_orig_recipient}). */
    public String origRecipient() {
        return origRecipient;
    }

    /** The decoded address ({@code $srs_recipient}), present when {@link #valid()}. */
    public Optional<String> recipient() {
        return Optional.ofNullable(recipient);
    }

    /** Why it is not valid, in Mail::SRS's words ({@code Parse error in `...': Invalid hash}). */
    public Optional<String> error() {
        return Optional.ofNullable(error);
    }

    /** Database mode: the key looked up ({@code $srs_db_key}). */
    public Optional<String> dbKey() {
        return Optional.ofNullable(dbKey);
    }

    /** Database mode: the address the database returned ({@code $srs_db_address}). */
    public Optional<String> dbAddress() {
        return Optional.ofNullable(dbAddress);
    }

    @Override
    public String toString() {
        return "SrsReverseResult{" + status + ", " + origRecipient + (recipient == null ? "" : " -> " + recipient)
            + (error == null ? "" : ", error=" + error) + "}";
    }
}
