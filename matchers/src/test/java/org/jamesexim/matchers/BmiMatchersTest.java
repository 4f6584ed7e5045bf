package org.jamesexim.matchers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Matcher;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMatcherConfig;
import org.jamesexim.bmi.BmiOutcome;
import org.jamesexim.bmi.BmiVerdict;
import org.jamesexim.bmi.BmiVerdicts;
import org.jamesexim.mailets.BmiAttributes;
import org.junit.jupiter.api.Test;

class BmiMatchersTest {
    private static final BmiVerdict JUNK = BmiVerdict.builder().outcome(BmiOutcome.DELIVER_ALTERNATE).altLocation("Junk")
        .action("add header").rule("BMI_TEST_MARKER").ruleId(5).recipient("junk@example.test").build();
    private static final BmiVerdict DROP = BmiVerdict.builder().outcome(BmiOutcome.DONT_DELIVER).action("reject")
        .rule("GTUBE").ruleId(11).recipient("drop@example.test").build();
    private static final BmiVerdict OK = BmiVerdict.builder().outcome(BmiOutcome.DELIVER_DEFAULT).action("no action")
        .rule("MIME_GOOD").recipient("ok@example.test").build();

    private static <M extends Matcher> M init(M m, String name, String condition) throws Exception {
        m.init(FakeMatcherConfig.builder().matcherName(name).condition(condition).build());
        return m;
    }

    private static FakeMail scanned() throws Exception {
        return FakeMail.builder().name("m")
            .recipients("junk@example.test", "Drop@Example.test", "ok@example.test", "unscanned@example.test")
            .attribute(new Attribute(BmiAttributes.BMI_VERDICTS, AttributeValue.of(BmiVerdicts.of(List.of(JUNK, DROP, OK)).encode())))
            .build();
    }

    @Test
    void eachMatcherPicksTheRecipientsOfItsOutcome() throws Exception {
        FakeMail m = scanned();
        assertThat(init(new BmiDeliverDefault(), "BmiDeliverDefault", null).match(m))
            .containsExactly(new MailAddress("ok@example.test"), new MailAddress("unscanned@example.test"));
        assertThat(init(new BmiDeliverAlternate(), "BmiDeliverAlternate", null).match(m)).containsExactly(new MailAddress("junk@example.test"));
        assertThat(init(new BmiDontDeliver(), "BmiDontDeliver", null).match(m)).containsExactly(new MailAddress("Drop@Example.test"));
        assertThat(init(new BmiRule(), "BmiRule", "5:8").match(m)).containsExactly(new MailAddress("junk@example.test"));
        assertThat(init(new BmiRule(), "BmiRule", "gtube:MIME_GOOD").match(m))
            .containsExactly(new MailAddress("Drop@Example.test"), new MailAddress("ok@example.test"));
        assertThat(init(new BmiRule(), "BmiRule", "99").match(m)).isEmpty();
    }

    @Test
    void bmiDeliverMatchesTheRecipientsWhoseValueIsTheCondition() throws Exception {
        FakeMail m = scanned();
        assertThat(init(new BmiDeliver(), "BmiDeliver", "0").match(m)).containsExactly(new MailAddress("Drop@Example.test"));
        assertThat(init(new BmiDeliver(), "BmiDeliver", " 1 ").match(m)).containsExactly(new MailAddress("junk@example.test"),
            new MailAddress("ok@example.test"), new MailAddress("unscanned@example.test"));
        // without a scan: $bmi_deliver is 1 for all
        FakeMail none = FakeMail.builder().name("n").recipients("a@example.test").build();
        assertThat(init(new BmiDeliver(), "BmiDeliver", "0").match(none)).isEmpty();
        assertThat(init(new BmiDeliver(), "BmiDeliver", "1").match(none)).hasSize(1);
        // an alias child inherits 0 from the bound verdict
        FakeMail alias = FakeMail.builder().name("a").recipients("alias-of-drop@example.test")
            .attribute(new Attribute(BmiAttributes.BMI_VERDICTS, AttributeValue.of(BmiVerdicts.of(List.of(DROP)).encode())))
            .attribute(new Attribute(BmiAttributes.BMI_INHERITED_VERDICT, AttributeValue.of(DROP.base64())))
            .build();
        assertThat(init(new BmiDeliver(), "BmiDeliver", "0").match(alias)).hasSize(1);
    }

    @Test
    void bmiDeliverRefusesAConditionOtherThan0Or1NamingIt() {
        assertThatThrownBy(() -> init(new BmiDeliver(), "BmiDeliver", "2"))
            .hasMessageStartingWith("BmiDeliver condition").hasMessageContaining("'2'");
        assertThatThrownBy(() -> init(new BmiDeliver(), "BmiDeliver", "yes")).hasMessageContaining("'yes'");
        assertThatThrownBy(() -> init(new BmiDeliver(), "BmiDeliver", null)).hasMessageStartingWith("BmiDeliver condition");
    }

    @Test
    void withoutScanTheSpecDefaultsApply() throws Exception {
        FakeMail m = FakeMail.builder().name("m").recipients("a@example.test", "b@example.test").build();
        assertThat(init(new BmiDeliverDefault(), "BmiDeliverDefault", null).match(m)).hasSize(2);
        assertThat(init(new BmiDeliverAlternate(), "BmiDeliverAlternate", null).match(m)).isEmpty();
        assertThat(init(new BmiDontDeliver(), "BmiDontDeliver", null).match(m)).isEmpty();
        assertThat(init(new BmiRule(), "BmiRule", "5:8:11").match(m)).isEmpty();
    }

    @Test
    void aliasChildrenInheritTheBoundVerdict() throws Exception {
        FakeMail m = FakeMail.builder().name("m").recipients("alias-of-drop@example.test")
            .attribute(new Attribute(BmiAttributes.BMI_VERDICTS, AttributeValue.of(BmiVerdicts.of(List.of(DROP)).encode())))
            .attribute(new Attribute(BmiAttributes.BMI_INHERITED_VERDICT, AttributeValue.of(DROP.base64())))
            .build();
        assertThat(init(new BmiDontDeliver(), "BmiDontDeliver", null).match(m)).hasSize(1);
        assertThat(init(new BmiRule(), "BmiRule", "11").match(m)).hasSize(1);
        assertThat(init(new BmiDeliverDefault(), "BmiDeliverDefault", null).match(m)).isEmpty();
    }

    @Test
    void undecodableVerdictMeansDeliverNormally() throws Exception {
        FakeMail m = FakeMail.builder().name("m").recipients("a@example.test")
            .attribute(new Attribute(BmiAttributes.BMI_VERDICTS, AttributeValue.of("bm90IGpzb24=")))
            .build();
        assertThat(init(new BmiDeliverDefault(), "BmiDeliverDefault", null).match(m)).hasSize(1);
        assertThat(init(new BmiDontDeliver(), "BmiDontDeliver", null).match(m)).isEmpty();
    }

    @Test
    void emptyRuleListIsRefused() {
        assertThatThrownBy(() -> init(new BmiRule(), "BmiRule", "0:-3")).hasMessageStartingWith("BmiRule condition: empty rule list");
        assertThatThrownBy(() -> init(new BmiRule(), "BmiRule", null)).hasMessageStartingWith("BmiRule condition:");
    }
}
