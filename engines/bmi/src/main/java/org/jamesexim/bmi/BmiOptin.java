package org.jamesexim.bmi;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;

import org.jamesexim.common.LogText;

/**
 * A recipient's opt-in profile: Exim's {@code bmi_optin} value, a {@code :}-separated list of opt-in strings
 * (the spec's "comma-separated" is wrong; Exim splits on {@code :}). As in Exim a value shorter than 2 characters
 * is ignored. Recipients with the same profile share one scan. Immutable.
 */
public final class BmiOptin {
    private static final BmiOptin NONE = new BmiOptin(List.of());

    private final List<String> options;

    private BmiOptin(List<String> options) {
        this.options = Collections.unmodifiableList(new ArrayList<>(options));
    }

    public static BmiOptin none() {
        return NONE;
    }

    /**
     * Parses {@code OPT1:OPT2}. Blank items and repeats are dropped, order is kept.
     *
     * @throws IllegalArgumentException when an item has characters that cannot travel in a protocol header
     *                                  (controls, spaces, non-ASCII)
     */
    public static BmiOptin parse(String value) {
        if (value == null || value.trim().length() < 2) {
            return NONE;
        }
        LinkedHashSet<String> items = new LinkedHashSet<>();
        for (String raw : value.split(":")) {
            String item = raw.trim();
            if (item.isEmpty()) {
                continue;
            }
            for (int i = 0; i < item.length(); i++) {
                char c = item.charAt(i);
                if (c <= ' ' || c >= 0x7f) {
                    throw new IllegalArgumentException("bad opt-in string " + LogText.quote(item)
                        + ": only visible ASCII characters are allowed");
                }
            }
            items.add(item);
        }
        return items.isEmpty() ? NONE : new BmiOptin(new ArrayList<>(items));
    }

    public List<String> options() {
        return options;
    }

    public boolean isEmpty() {
        return options.isEmpty();
    }

    /** The profile key: the options joined by {@code :} (empty for none). Also the Rspamd {@code Settings-ID} sent. */
    public String profile() {
        return String.join(":", options);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BmiOptin && ((BmiOptin) o).options.equals(options);
    }

    @Override
    public int hashCode() {
        return Objects.hash(options);
    }

    @Override
    public String toString() {
        return profile();
    }
}
