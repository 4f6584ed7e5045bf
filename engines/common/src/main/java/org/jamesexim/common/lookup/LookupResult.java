package org.jamesexim.common.lookup;

import java.util.Objects;
import java.util.Optional;

/**
 * What one lookup gave: a value ({@link Kind#FOUND}), no value ({@link Kind#NOT_FOUND}: no line, no row, a NULL, a key
 * too long to look up or a value the feature refuses, with why in {@link #detail()}), or {@link Kind#FAILED}: the
 * lookup could not be done now (database down or slow, deadline passed). A failure is temporary: the caller answers
 * 4xx or defers, never 5xx, never drops the mail. Immutable.
 */
public final class LookupResult {
    /** The three outcomes. */
    public enum Kind { FOUND, NOT_FOUND, FAILED }

    private static final LookupResult NOT_FOUND = new LookupResult(Kind.NOT_FOUND, null, "");

    private final Kind kind;
    private final String value;
    private final String detail;

    private LookupResult(Kind kind, String value, String detail) {
        this.kind = kind;
        this.value = value;
        this.detail = detail;
    }

    public static LookupResult found(String value) {
        return new LookupResult(Kind.FOUND, Objects.requireNonNull(value, "value"), "");
    }

    public static LookupResult notFound() {
        return NOT_FOUND;
    }

    /** Not found, and why (a value refused, a key too long). */
    public static LookupResult notFound(String why) {
        return new LookupResult(Kind.NOT_FOUND, null, why);
    }

    /** A temporary failure; {@code why} holds no password. */
    public static LookupResult failed(String why) {
        return new LookupResult(Kind.FAILED, null, why);
    }

    public Kind kind() {
        return kind;
    }

    /** The value when found. */
    public Optional<String> value() {
        return Optional.ofNullable(value);
    }

    /** True when the lookup failed for now (temporary: 4xx or defer). */
    public boolean failed() {
        return kind == Kind.FAILED;
    }

    /** Why it failed or was not found; empty otherwise. */
    public String detail() {
        return detail;
    }

    @Override
    public String toString() {
        return kind == Kind.FOUND ? "found(" + value + ")" : kind.name().toLowerCase(java.util.Locale.ROOT) + (detail.isEmpty() ? "" : "(" + detail + ")");
    }
}
