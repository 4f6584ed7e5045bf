package org.jamesexim.queuefile;

import java.util.Locale;

/** The two on-disk formats. */
public enum SpoolFormat {
    /** {@code <id>.eml} + {@code <id>.json}: the James-native format, nothing of the James envelope lost. */
    JAMES,
    /** {@code <id>-D} + {@code <id>-H}: Exim's spool format, for tools written for Exim (MailScanner). */
    EXIM;

    /** Parses {@code james} or {@code exim} (any case). */
    public static SpoolFormat parse(String value) {
        if (value != null) {
            for (SpoolFormat f : values()) {
                if (f.name().equalsIgnoreCase(value.trim())) {
                    return f;
                }
            }
        }
        throw new IllegalArgumentException("unknown spool format '" + value + "': expected james or exim");
    }

    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
