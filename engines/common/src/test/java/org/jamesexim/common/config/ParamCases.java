package org.jamesexim.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;

/**
 * Tests generated from a component's declared parameters ({@link ParamSet}), so that every mailet, matcher and hook
 * gets the same checks without writing them by hand: its base configuration starts; an unknown parameter is refused,
 * naming it; for every parameter of a kind with a grammar, a bad value is refused naming the parameter and the value
 * (never a secret's), and a good value in another spelling of the same grammar ({@code 5000ms} for {@code 5s},
 * {@code TRUE} for {@code true}) is taken. Old names (aliases) are checked the same way.
 */
public final class ParamCases {
    /** Starts the component with these parameters; throws what the component throws at start-up. */
    public interface Init {
        void init(Map<String, String> parameters) throws Exception;
    }

    /** A value of each kind that no parameter of that kind takes. */
    static final Map<Param.Kind, String> BAD = Map.of(Param.Kind.BOOLEAN, "maybe", Param.Kind.DURATION, "soon",
            Param.Kind.INTEGER, "many", Param.Kind.CHOICE, "no-such-choice", Param.Kind.ENDPOINT, "nowhere");

    private ParamCases() {
    }

    /**
     * The tests of {@code component}.
     *
     * @param base a configuration that starts (the required parameters)
     * @param baseStarts false when the component cannot start in a unit test (e.g. it needs a James server): the base
     *     configuration and the good-value cases are then left out, the refusals are still checked
     */
    public static Stream<DynamicTest> of(String component, ParamSet params, Map<String, String> base, boolean baseStarts, Init init) {
        return of(component, params, base, baseStarts, name -> Map.of(), init);
    }

    /**
     * As {@link #of(String, ParamSet, Map, boolean, Init)}, where a parameter is only taken together with others
     * ({@code companions} of its name, e.g. SRS's {@code dbtimeout} needs {@code dburl}): the good-value cases add them.
     */
    public static Stream<DynamicTest> of(String component, ParamSet params, Map<String, String> base, boolean baseStarts,
                                         java.util.function.Function<String, Map<String, String>> companions, Init init) {
        List<DynamicTest> tests = new ArrayList<>();
        if (baseStarts) {
            tests.add(DynamicTest.dynamicTest(component + " starts with " + base.keySet(),
                    () -> assertThatCode(() -> init.init(base)).doesNotThrowAnyException()));
        }
        tests.add(DynamicTest.dynamicTest(component + " refuses an unknown parameter", () -> {
            Throwable t = catchThrowable(() -> init.init(with(base, "noSuchParameter", "1")));
            assertThat(t).as("refused").isNotNull();
            assertThat(t.getMessage()).contains("unknown parameter").contains("noSuchParameter");
        }));
        for (Param<?> p : params.params()) {
            List<String> names = new ArrayList<>();
            names.add(p.name());
            names.addAll(p.aliases());
            String bad = badValue(p);
            for (String name : names) {
                if (bad != null) {
                    tests.add(DynamicTest.dynamicTest(component + " refuses " + name + "=" + bad, () -> {
                        Throwable t = catchThrowable(() -> init.init(with(base, name, bad)));
                        assertThat(t).as(name + "=" + bad + " refused").isNotNull();
                        assertThat(t.getMessage()).contains(p.name());
                        if (p.isSecret()) {
                            assertThat(t.getMessage()).doesNotContain(bad);
                        } else {
                            assertThat(t.getMessage()).contains("'" + bad + "'");
                        }
                    }));
                }
                String good = otherSpelling(p);
                if (baseStarts && good != null && !base.containsKey(name)) {
                    tests.add(DynamicTest.dynamicTest(component + " takes " + name + "=" + good, () ->
                            assertThatCode(() -> {
                                Map<String, String> m = new LinkedHashMap<>(base);
                                m.putAll(companions.apply(name));
                                init.init(with(m, name, good));
                            }).doesNotThrowAnyException()));
                }
            }
        }
        return tests.stream();
    }

    /** A value the kind's grammar refuses, or null when the kind takes any text. */
    static String badValue(Param<?> p) {
        if (p.kind() == Param.Kind.LIST) {
            return p.allowedValues().isEmpty() ? null : "no-such-item";
        }
        return BAD.get(p.kind());
    }

    /** The default written another way the grammar allows, or null. */
    static String otherSpelling(Param<?> p) {
        String d = p.defaultText();
        if (d == null) {
            return null;
        }
        switch (p.kind()) {
            case BOOLEAN:
                return d.toUpperCase(Locale.ROOT);
            case DURATION:
                Duration v = Param.parseDuration(d);
                return v.isZero() ? "0ms" : v.toMillis() + "ms";
            case CHOICE:
                return d.toUpperCase(Locale.ROOT);
            default:
                return null;
        }
    }

    private static final java.util.regex.Pattern LOOKUP_COMPANION =
        java.util.regex.Pattern.compile("([a-z][A-Za-z0-9]*Lookup)(Query|User|Password\\w*|Driver|Timeout|Connections|Deadline)");

    /**
     * What a parameter of a shared lookup ({@code org.jamesexim.common.lookup.LookupParams}: {@code <word>Lookup...})
     * is taken with: its {@code <word>Lookup} as an H2 URL (nothing connects at init) and, but for the query itself,
     * its {@code <word>LookupQuery}; empty for any other parameter.
     */
    public static Map<String, String> lookupCompanions(String name) {
        java.util.regex.Matcher m = LOOKUP_COMPANION.matcher(name);
        if (!m.matches()) {
            return Map.of();
        }
        Map<String, String> c = new LinkedHashMap<>();
        c.put(m.group(1), "jdbc:h2:mem:declared");
        if (!m.group(2).equals("Query")) {
            c.put(m.group(1) + "Query", "SELECT v FROM t WHERE k = $key");
        }
        return c;
    }

    /** {@code base} with one more parameter. */
    public static Map<String, String> with(Map<String, String> base, String name, String value) {
        Map<String, String> m = new LinkedHashMap<>(base);
        m.put(name, value);
        return m;
    }

    /**
     * The tests of a matcher's condition: {@code valid} starts; for a list with allowed words, an item outside them is
     * refused naming it; for a required condition, none is refused naming the condition.
     */
    public static Stream<DynamicTest> condition(String component, Param<?> condition, String valid, ConditionInit init) {
        List<DynamicTest> tests = new ArrayList<>();
        tests.add(DynamicTest.dynamicTest(component + "=" + valid + " starts",
                () -> assertThatCode(() -> init.init(valid)).doesNotThrowAnyException()));
        if (condition.isRequired()) {
            tests.add(DynamicTest.dynamicTest(component + " without a condition is refused", () -> {
                Throwable t = catchThrowable(() -> init.init(null));
                assertThat(t).isNotNull();
                assertThat(t.getMessage()).contains(component).contains("condition");
            }));
        }
        String bad = badValue(condition);
        if (bad != null) {
            tests.add(DynamicTest.dynamicTest(component + "=" + valid + "," + bad + " is refused", () -> {
                Throwable t = catchThrowable(() -> init.init(valid + "," + bad));
                assertThat(t).isNotNull();
                assertThat(t.getMessage()).contains(component).contains(bad);
            }));
        }
        return tests.stream();
    }

    /** The tests of a matcher that takes no condition: none starts, one is refused. */
    public static Stream<DynamicTest> noCondition(String component, ConditionInit init) {
        return Stream.of(
                DynamicTest.dynamicTest(component + " starts without a condition",
                        () -> assertThatCode(() -> init.init(null)).doesNotThrowAnyException()),
                DynamicTest.dynamicTest(component + "=something is refused", () -> {
                    Throwable t = catchThrowable(() -> init.init("something"));
                    assertThat(t).isNotNull();
                    assertThat(t.getMessage()).contains(component).contains("something");
                }));
    }

    /** Starts a matcher with this condition (null: none). */
    public interface ConditionInit {
        void init(String condition) throws Exception;
    }
}
