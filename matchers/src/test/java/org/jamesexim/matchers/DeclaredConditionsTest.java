package org.jamesexim.matchers;

import java.util.Properties;
import java.util.function.Supplier;
import java.util.stream.Stream;

import org.apache.mailet.Matcher;
import org.apache.mailet.base.test.FakeMatcherConfig;
import org.jamesexim.common.config.Param;
import org.jamesexim.common.config.ParamCases;
import org.jamesexim.mailets.DccService;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.TestFactory;

/**
 * Every matcher of the pack, checked from its declared condition ({@code CONDITION}): a required one is
 * refused when missing, a list item outside the allowed words is refused naming it; a matcher that takes no
 * condition refuses one (see {@link ParamCases}).
 */
class DeclaredConditionsTest {
    private static ParamCases.ConditionInit init(String name, Supplier<Matcher> factory) {
        return condition -> factory.get().init(FakeMatcherConfig.builder().matcherName(name).condition(condition).build());
    }

    private static DynamicContainer matcher(String name, Supplier<Matcher> factory, Param<?> condition, String valid) {
        return DynamicContainer.dynamicContainer(name, ParamCases.condition(name, condition, valid, init(name, factory)));
    }

    private static DynamicContainer noCondition(String name, Supplier<Matcher> factory) {
        return DynamicContainer.dynamicContainer(name, ParamCases.noCondition(name, init(name, factory)));
    }

    @TestFactory
    Stream<DynamicContainer> everyMatcher() {
        return Stream.of(
            matcher("ArcState", ArcState::new, ArcState.CONDITION, "pass,none"),
            matcher("DmarcResult", DmarcResult::new, DmarcResult.CONDITION, "fail/quarantine,temperror"),
            matcher("SrsStatus", SrsStatus::new, SrsStatus.CONDITION, "bad hash,expired"),
            matcher("BmiRule", BmiRule::new, BmiRule.CONDITION, "5:8:GTUBE"),
            matcher("BmiDeliver", BmiDeliver::new, BmiDeliver.CONDITION, "0"),
            matcher("Dcc", () -> new Dcc(new DccService(new Properties())), Dcc.CONDITION, "discard/defer_ok"),
            noCondition("BmiDeliverDefault", BmiDeliverDefault::new),
            noCondition("BmiDeliverAlternate", BmiDeliverAlternate::new),
            noCondition("BmiDontDeliver", BmiDontDeliver::new),
            noCondition("PackHookSeen", PackHookSeen::new));
    }
}
