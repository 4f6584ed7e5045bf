package org.jamesexim.queuefile;

import java.util.Objects;

/** A header field added for one recipient only (James's per-recipient headers), immutable. */
public final class SpoolHeader {
    private final String name;
    private final String value;

    public SpoolHeader(String name, String value) {
        this.name = Objects.requireNonNull(name, "header name");
        this.value = Objects.requireNonNull(value, "header value");
    }

    public String name() {
        return name;
    }

    public String value() {
        return value;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SpoolHeader && ((SpoolHeader) o).name.equals(name) && ((SpoolHeader) o).value.equals(value);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + value.hashCode();
    }

    @Override
    public String toString() {
        return name + ": " + value;
    }
}
