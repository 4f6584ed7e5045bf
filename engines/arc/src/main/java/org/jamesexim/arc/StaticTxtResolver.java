package org.jamesexim.arc;

import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Answers TXT lookups from a fixed map of DNS name to record text (tests, the CLI's {@code --dns} file). */
public final class StaticTxtResolver implements TxtResolver {
    private final Map<String, List<String>> records;

    public StaticTxtResolver(Map<String, String> records) {
        Map<String, List<String>> m = new HashMap<>();
        records.forEach((k, v) -> m.put(normalise(k), Collections.singletonList(v)));
        this.records = Collections.unmodifiableMap(m);
    }

    private static String normalise(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
    }

    @Override
    public List<String> lookupTxt(String name) {
        return records.getOrDefault(normalise(name), Collections.emptyList());
    }
}
