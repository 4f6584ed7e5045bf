package org.jamesexim.common.config;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** What {@link ParamSet#read} found: each declared parameter's value (or default), and the deprecation warnings. */
public final class ParamValues {
    private final Map<Param<?>, Object> values;
    private final Set<Param<?>> given;
    private final List<String> warnings;

    ParamValues(Map<Param<?>, Object> values, Set<Param<?>> given, List<String> warnings) {
        this.values = Collections.unmodifiableMap(values);
        this.given = Collections.unmodifiableSet(given);
        this.warnings = List.copyOf(warnings);
    }

    /**
     * The value of {@code p}: what was given, else its default, else {@code null}.
     *
     * @throws IllegalStateException when {@code p} was not declared in the set that read these values
     */
    @SuppressWarnings("unchecked")
    public <T> T get(Param<T> p) {
        if (!values.containsKey(p)) {
            throw new IllegalStateException("parameter " + p.name() + " is not declared here");
        }
        return (T) values.get(p);
    }

    /** True when {@code p} was given a non-empty value (under its name or an old one). */
    public boolean isSet(Param<?> p) {
        return given.contains(p);
    }

    /** One line per old parameter name used: for a WARN log line at start-up. */
    public List<String> warnings() {
        return warnings;
    }
}
