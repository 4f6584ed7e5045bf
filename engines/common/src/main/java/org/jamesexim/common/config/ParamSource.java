package org.jamesexim.common.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/** Where parameter values come from: the names given and each one's text ({@code null} when absent). */
public interface ParamSource {
    /** Every name given, in the order given where the source keeps one. */
    Set<String> names();

    /** The text given for {@code name}, or {@code null}. */
    String get(String name);

    /** A fixed map of names to values. */
    static ParamSource of(Map<String, String> values) {
        Map<String, String> copy = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        return new ParamSource() {
            @Override
            public Set<String> names() {
                return copy.keySet();
            }

            @Override
            public String get(String name) {
                return copy.get(name);
            }
        };
    }

    /** The entries of a {@code .properties} file. */
    static ParamSource of(Properties properties) {
        Map<String, String> map = new LinkedHashMap<>();
        for (String name : properties.stringPropertyNames()) {
            map.put(name, properties.getProperty(name));
        }
        return of(map);
    }
}
