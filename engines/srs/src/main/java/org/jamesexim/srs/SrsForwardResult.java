package org.jamesexim.srs;

import java.util.Optional;

/** What {@link SrsEngine#forward} did with one sender. Immutable. */
public final class SrsForwardResult {
    /** How the forward ended. */
    public enum Outcome {
        /** {@link #address()} is the new SRS0/SRS1 sender. */
        REWRITTEN,
        /** The sender is in the alias domain (and alwaysRewrite is off): {@link #address()} is the sender. */
        UNCHANGED,
        /** The result would have a local part over the limit (64 octets) and no database is configured: the sender is left as it was. */
        TOO_LONG,
        /** Database mode: the database did not answer in time; the sender is left as it was. */
        DEFER,
        /** The sender cannot be rewritten (no {@code @}, an {@code @} in the local part...): see {@link #error()}. */
        FAILED
    }

    private final Outcome outcome;
    private final String origSender;
    private final String address;
    private final String error;
    private final String dbKey;
    private final String dbAddress;

    SrsForwardResult(Outcome outcome, String origSender, String address, String error, String dbKey, String dbAddress) {
        this.outcome = outcome;
        this.origSender = origSender;
        this.address = address;
        this.error = error;
        this.dbKey = dbKey;
        this.dbAddress = dbAddress;
    }

    public Outcome outcome() {
        return outcome;
    }

    /** True when {@link #address()} differs from the original sender. */
    public boolean rewritten() {
        return outcome == Outcome.REWRITTEN;
    }

    /** The sender as given ({@code $srs_orig_sender}). */
    public String origSender() {
        return origSender;
    }

    /** The sender to use: the SRS address when rewritten, else the original sender; null only when {@link Outcome#FAILED}. */
    public String address() {
        return address;
    }

    /** Why the sender could not be rewritten (Mail::SRS's wording where it has one). */
    public Optional<String> error() {
        return Optional.ofNullable(error);
    }

    /** Database mode: the key stored ({@code $srs_db_key}). */
    public Optional<String> dbKey() {
        return Optional.ofNullable(dbKey);
    }

    /** Database mode: the address stored ({@code $srs_db_address}). */
    public Optional<String> dbAddress() {
        return Optional.ofNullable(dbAddress);
    }

    @Override
    public String toString() {
        return "SrsForwardResult{" + outcome + ", " + origSender + " -> " + address + (error == null ? "" : ", error=" + error) + "}";
    }
}
