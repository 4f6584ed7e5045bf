package org.jamesexim.common.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The parameters one component declares, each once. {@link #read} checks a {@link ParamSource} against them, as
 * James's {@code DSNBounce.init} does with {@code checkInitParameters}: a name that is neither declared nor an old
 * name of a declared parameter fails start-up, naming it. Immutable and thread-safe.
 */
public final class ParamSet {
    private final Map<String, Param<?>> byName;
    private final Map<String, Param<?>> byAlias;
    /** A warning for each parameter that is discouraged when given (a secret written inline, {@link SecretParam}). */
    private final Map<String, String> whenGiven;

    private ParamSet(Map<String, Param<?>> byName, Map<String, Param<?>> byAlias, Map<String, String> whenGiven) {
        this.byName = byName;
        this.byAlias = byAlias;
        this.whenGiven = whenGiven;
    }

    /** @throws IllegalStateException when two parameters (or old names) share a name */
    public static ParamSet of(Param<?>... params) {
        return new ParamSet(Map.of(), Map.of(), Map.of()).with(params);
    }

    /** These parameters and {@code more}. */
    public ParamSet with(Param<?>... more) {
        Map<String, Param<?>> names = new LinkedHashMap<>(byName);
        Map<String, Param<?>> aliases = new LinkedHashMap<>(byAlias);
        for (Param<?> p : more) {
            claim(names, aliases, p.name(), p);
            for (String a : p.aliases()) {
                claim(names, aliases, a, p);
                aliases.put(a, p);
            }
            names.put(p.name(), p);
        }
        return new ParamSet(Collections.unmodifiableMap(names), Collections.unmodifiableMap(aliases), whenGiven);
    }

    /** These parameters and the four of each secret ({@link SecretParam#params()}). */
    public ParamSet with(SecretParam... secrets) {
        ParamSet out = this;
        Map<String, String> warn = new LinkedHashMap<>(whenGiven);
        for (SecretParam s : secrets) {
            out = out.with(s.params().toArray(new Param<?>[0]));
            warn.put(s.inline().name(), s.inlineWarning());
        }
        return new ParamSet(out.byName, out.byAlias, Collections.unmodifiableMap(warn));
    }

    /** These parameters and those of {@code other}. */
    public ParamSet with(ParamSet other) {
        ParamSet out = with(other.params().toArray(new Param<?>[0]));
        Map<String, String> warn = new LinkedHashMap<>(whenGiven);
        warn.putAll(other.whenGiven);
        return new ParamSet(out.byName, out.byAlias, Collections.unmodifiableMap(warn));
    }

    private static void claim(Map<String, Param<?>> names, Map<String, Param<?>> aliases, String name, Param<?> p) {
        if (names.containsKey(name) || aliases.containsKey(name)) {
            throw new IllegalStateException("parameter " + name + " declared twice");
        }
    }

    /** The declared parameters, in declaration order. */
    public List<Param<?>> params() {
        return List.copyOf(byName.values());
    }

    /** The declared names (not the old ones). */
    public Set<String> names() {
        return byName.keySet();
    }

    /** True for a declared name or an old name of one. */
    public boolean knows(String name) {
        return byName.containsKey(name) || byAlias.containsKey(name);
    }

    /** The parameter declared under {@code name} (or an old name of it), or {@code null}. */
    public Param<?> param(String name) {
        Param<?> p = byName.get(name);
        return p != null ? p : byAlias.get(name);
    }

    /**
     * Reads every declared parameter from {@code source}.
     *
     * @throws ParamException for an unknown name, a missing required parameter or a bad value, naming it
     */
    public ParamValues read(ParamSource source) {
        Set<String> unknown = new TreeSet<>();
        for (String name : source.names()) {
            if (!knows(name)) {
                unknown.add(name.isEmpty() ? "(text outside any element)" : Param.shown(name));
            }
        }
        if (!unknown.isEmpty()) {
            throw new ParamException(unknown.iterator().next(), "unknown parameter" + (unknown.size() > 1 ? "s " : " ")
                    + String.join(", ", unknown) + " (known: " + String.join(", ", new TreeSet<>(byName.keySet())) + ")");
        }
        Map<Param<?>, Object> values = new LinkedHashMap<>();
        Set<Param<?>> given = Collections.newSetFromMap(new LinkedHashMap<>());
        List<String> warnings = new ArrayList<>();
        for (Param<?> p : byName.values()) {
            String text = source.get(p.name());
            for (String old : p.aliases()) {
                String o = source.get(old);
                if (o == null) {
                    continue;
                }
                if (text != null) {
                    throw new ParamException(p.name(), p.name() + " and its old name " + old + " are both given: keep " + p.name());
                }
                warnings.add("parameter " + old + " is deprecated: use " + p.name() + " (" + old
                        + " will be refused in a later release)");
                text = o;
            }
            if (Param.blankToNull(text) != null) {
                given.add(p);
                if (whenGiven.containsKey(p.name())) {
                    warnings.add(whenGiven.get(p.name()));
                }
                String t = text.trim();
                boolean yes = t.equalsIgnoreCase("yes") || t.equals("1");
                if (p.takesLegacyYesNo() && (yes || t.equalsIgnoreCase("no") || t.equals("0"))) {
                    warnings.add("parameter " + p.name() + ": " + t + " is deprecated: write " + (yes ? "true" : "false")
                            + " (yes, no, 1 and 0 will be refused in a later release)");
                }
            }
            values.put(p, p.parse(text));
        }
        return new ParamValues(values, given, warnings);
    }
}
