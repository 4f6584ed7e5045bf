package org.jamesexim.bmi;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The value of {@code bmi_rule}: a colon list of rule numbers (Exim: only items that parse to an integer &gt; 0
 * count) and, as an extension for engines whose rules have names, rule names (Rspamd symbols, compared
 * case-insensitively). Immutable.
 */
public final class BmiRuleList {
    private final Set<Integer> ids;
    private final Set<String> names;

    private BmiRuleList(Set<Integer> ids, Set<String> names) {
        this.ids = Collections.unmodifiableSet(ids);
        this.names = Collections.unmodifiableSet(names);
    }

    /**
     * Parses {@code 5:8:11} or {@code GTUBE:BMI_TEST_MARKER:8}. Numeric items &lt;= 0 are ignored (as in Exim).
     *
     * @throws IllegalArgumentException when no item is usable
     */
    public static BmiRuleList parse(String list) {
        Set<Integer> ids = new LinkedHashSet<>();
        Set<String> names = new LinkedHashSet<>();
        if (list != null) {
            for (String raw : list.split(":")) {
                String item = raw.trim();
                if (item.isEmpty()) {
                    continue;
                }
                if (item.matches("[+-]?[0-9]+")) {
                    try {
                        int id = Integer.parseInt(item);
                        if (id > 0) {
                            ids.add(id);
                        }
                    } catch (NumberFormatException tooBig) {
                        // not an int: ignored like Exim's atoi-based check would not match it either
                    }
                } else {
                    names.add(item.toUpperCase(Locale.ROOT));
                }
            }
        }
        if (ids.isEmpty() && names.isEmpty()) {
            throw new IllegalArgumentException("empty rule list '" + list + "': expected rule numbers > 0 or rule names separated by ':'");
        }
        return new BmiRuleList(ids, names);
    }

    public Set<Integer> ids() {
        return ids;
    }

    public Set<String> names() {
        return names;
    }

    /** True if one of the listed rules fired in {@code verdict}. */
    public boolean matches(BmiVerdict verdict) {
        for (Integer id : verdict.ruleIds()) {
            if (ids.contains(id)) {
                return true;
            }
        }
        for (String rule : verdict.rules()) {
            if (names.contains(rule.toUpperCase(Locale.ROOT))) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        List<String> all = new ArrayList<>();
        ids.forEach(i -> all.add(String.valueOf(i)));
        all.addAll(names);
        return String.join(":", all);
    }
}
