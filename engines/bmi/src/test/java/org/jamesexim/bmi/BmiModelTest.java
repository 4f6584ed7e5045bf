package org.jamesexim.bmi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class BmiModelTest {

    private static BmiVerdict junk() {
        return BmiVerdict.builder().outcome(BmiOutcome.DELIVER_ALTERNATE).altLocation("Junk").action("add header").score(9.9)
            .profile("").rules(List.of("SUBJ_ALL_CAPS", "BMI_TEST_MARKER")).ruleId(5).ruleId(0).recipient("Bob@Example.test").build();
    }

    @Test
    void verdictRoundTripsThroughBase64() {
        BmiVerdict v = junk();
        BmiVerdict back = BmiVerdict.decode(v.base64());
        assertThat(back).isEqualTo(v);
        assertThat(back.recipients()).containsExactly("bob@example.test");
        assertThat(back.rules()).containsExactly("BMI_TEST_MARKER", "SUBJ_ALL_CAPS");
        assertThat(back.ruleIds()).containsExactly(5);
        assertThat(back.altLocation()).isEqualTo("Junk");
        assertThat(new String(Base64.getDecoder().decode(v.tracker()), StandardCharsets.UTF_8)).isEqualTo("BMI_TEST_MARKER,SUBJ_ALL_CAPS");
    }

    @Test
    void alternateNeedsALocationAndOthersHaveNone() {
        assertThatThrownBy(() -> BmiVerdict.builder().outcome(BmiOutcome.DELIVER_ALTERNATE).recipient("a@b").build())
            .hasMessageContaining("alternate location");
        BmiVerdict d = BmiVerdict.builder().outcome(BmiOutcome.DONT_DELIVER).altLocation("Junk").recipient("a@b").build();
        assertThat(d.altLocation()).isEmpty();
        assertThat(d.deliver()).isFalse();
        assertThat(d.tracker()).isEmpty();
    }

    @Test
    void verdictListUsesEximSpoolFormAndDropsUndecodableItems() {
        BmiVerdict a = junk();
        BmiVerdict b = BmiVerdict.builder().outcome(BmiOutcome.DONT_DELIVER).action("reject").recipient("carol@example.test").build();
        String spool = BmiVerdicts.of(List.of(a, b)).encode();
        assertThat(spool.split(":")).hasSize(2);
        BmiVerdicts parsed = BmiVerdicts.parse(spool + ":!!notbase64!!:" + Base64.getEncoder().encodeToString("{\"v\":9}".getBytes(StandardCharsets.UTF_8)));
        assertThat(parsed.verdicts()).containsExactly(a, b);
        assertThat(parsed.errors()).hasSize(2);
        assertThat(parsed.forAddress("CAROL@example.test")).contains(b);
        assertThat(BmiVerdicts.parse("").isEmpty()).isTrue();
        assertThat(BmiVerdicts.parse(null).isEmpty()).isTrue();
    }

    @Test
    void firstMatchingVerdictWins() {
        BmiVerdict first = BmiVerdict.builder().outcome(BmiOutcome.DONT_DELIVER).recipient("x@y").build();
        BmiVerdict second = BmiVerdict.builder().outcome(BmiOutcome.DELIVER_DEFAULT).recipient("X@Y").build();
        assertThat(BmiVerdicts.of(List.of(first, second)).forAddress("x@y")).contains(first);
    }

    @Test
    void routingDefaultsWithoutVerdictFollowTheSpec() {
        BmiRouting none = BmiRouting.of(Optional.empty());
        assertThat(none.deliverDefault()).isTrue();
        assertThat(none.deliverAlternate()).isFalse();
        assertThat(none.dontDeliver()).isFalse();
        assertThat(none.ruleFired(BmiRuleList.parse("5:8:11"))).isFalse();
        assertThat(none.deliver()).isEqualTo(1);
        assertThat(none.altLocation()).isEmpty();
        assertThat(none.base64Verdict()).isEmpty();
        assertThat(none.base64TrackerVerdict()).isEmpty();
    }

    @Test
    void routingWithVerdicts() {
        BmiRouting alt = BmiRouting.of(Optional.of(junk()));
        assertThat(alt.deliverDefault()).isFalse();
        assertThat(alt.deliverAlternate()).isTrue();
        assertThat(alt.dontDeliver()).isFalse();
        assertThat(alt.deliver()).isEqualTo(1);
        assertThat(alt.altLocation()).isEqualTo("Junk");
        // $bmi_base64_verdict is the header form: the verdict without its recipient list
        assertThat(alt.base64Verdict()).isEqualTo(junk().headerBase64()).isNotEqualTo(junk().base64());
        BmiRouting drop = BmiRouting.of(Optional.of(BmiVerdict.builder().outcome(BmiOutcome.DONT_DELIVER).recipient("a@b").build()));
        assertThat(drop.dontDeliver()).isTrue();
        assertThat(drop.deliverDefault()).isFalse();
        assertThat(drop.deliver()).isEqualTo(0);
    }

    @Test
    void ruleListMatchesIdsAndNames() {
        BmiVerdict v = junk();
        assertThat(BmiRuleList.parse("5:8:11").matches(v)).isTrue();
        assertThat(BmiRuleList.parse("8:11").matches(v)).isFalse();
        assertThat(BmiRuleList.parse("subj_all_caps").matches(v)).isTrue();
        assertThat(BmiRuleList.parse("0:-5:7").ids()).containsExactly(7);
        assertThatThrownBy(() -> BmiRuleList.parse("0:-1")).hasMessageContaining("empty rule list");
        assertThatThrownBy(() -> BmiRuleList.parse("")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void optinParsing() {
        assertThat(BmiOptin.parse("a:b").options()).containsExactly("a", "b");
        assertThat(BmiOptin.parse("x").isEmpty()).isTrue();
        assertThat(BmiOptin.parse("").isEmpty()).isTrue();
        assertThat(BmiOptin.parse(" strict : : strict:nolinks ").profile()).isEqualTo("strict:nolinks");
        assertThat(BmiOptin.parse("strict")).isEqualTo(BmiOptin.parse("strict:"));
        assertThatThrownBy(() -> BmiOptin.parse("str ict")).hasMessageContaining("visible ASCII");
        assertThatThrownBy(() -> BmiOptin.parse("ab\r\nX-Evil: 1")).hasMessageContaining("visible ASCII");
    }

    @Test
    void optinTable() {
        BmiOptinTable t = BmiOptinTable.parse("# opt-ins\n\nUser1@MyDomain.com: OPT1:OPT2\nuser2@thatdomain.com  OPT3\n"
            + "*@thatdomain.com: lenient\nshort@x.com: x\n", "optin.txt");
        assertThat(t.lookup("user1@mydomain.com").options()).containsExactly("OPT1", "OPT2");
        assertThat(t.lookup("USER2@thatdomain.com").profile()).isEqualTo("OPT3");
        assertThat(t.lookup("other@thatdomain.com").profile()).isEqualTo("lenient");
        assertThat(t.lookup("short@x.com").isEmpty()).isTrue();
        assertThat(t.lookup("nobody@else.com").isEmpty()).isTrue();
        assertThatThrownBy(() -> BmiOptinTable.parse("ok@x.com: a\nnot-an-address: b\n", "optin.txt"))
            .hasMessage("optin.txt line 2: key 'not-an-address' is not user@domain, *@domain or *");
        assertThatThrownBy(() -> BmiOptinTable.parse(": b\n", "f")).hasMessageContaining("f line 1");
    }

    @Test
    void actionTable() {
        BmiActionTable t = BmiActionTable.defaults();
        assertThat(t.decide("no action", 1).outcome()).isEqualTo(BmiOutcome.DELIVER_DEFAULT);
        assertThat(t.decide("greylist", 4).outcome()).isEqualTo(BmiOutcome.DELIVER_DEFAULT);
        assertThat(t.decide("add header", 7).altLocation()).isEqualTo("Junk");
        assertThat(t.decide("Rewrite  Subject", 7).outcome()).isEqualTo(BmiOutcome.DELIVER_ALTERNATE);
        assertThat(t.decide("reject", 20).outcome()).isEqualTo(BmiOutcome.DONT_DELIVER);
        assertThat(t.decide("discard", 20).outcome()).isEqualTo(BmiOutcome.DONT_DELIVER);
        assertThat(t.decide("soft reject", 0).kind()).isEqualTo(BmiActionTable.Decision.Kind.TEMPFAIL);
        assertThat(t.decide("custom", 0).outcome()).isEqualTo(BmiOutcome.DELIVER_DEFAULT);

        BmiActionTable s = BmiActionTable.parse("no action=default\nadd header=alternate:Spam/Later\nscore>=5=alternate:Maybe, score>=12 = dont_deliver, soft reject = none");
        assertThat(s.decide("no action", 4.9).outcome()).isEqualTo(BmiOutcome.DELIVER_DEFAULT);
        assertThat(s.decide("no action", 5).altLocation()).isEqualTo("Maybe");
        assertThat(s.decide("add header", 7).altLocation()).isEqualTo("Spam/Later");
        assertThat(s.decide("add header", 12).outcome()).isEqualTo(BmiOutcome.DONT_DELIVER);
        assertThat(s.decide("soft reject", 30).kind()).isEqualTo(BmiActionTable.Decision.Kind.NONE);
        assertThat(s.decide("unknown", 0).outcome()).isEqualTo(BmiOutcome.DELIVER_DEFAULT);

        assertThatThrownBy(() -> BmiActionTable.parse("add header = alternate")).hasMessageContaining("needs a location");
        assertThatThrownBy(() -> BmiActionTable.parse("reject = bounce")).hasMessageContaining("unknown BMI outcome 'bounce'");
        assertThatThrownBy(() -> BmiActionTable.parse("score>=x = dont_deliver")).hasMessageContaining("not a number");
        assertThatThrownBy(() -> BmiActionTable.parse("score>=3 = tempfail")).hasMessageContaining("a score entry must give");
        assertThatThrownBy(() -> BmiActionTable.parse("reject")).hasMessageContaining("expected '<action> = <outcome>'");
    }

    @Test
    void ruleIdsParsing() {
        assertThat(RspamdEngine.Builder.parseRuleIds("GTUBE=11, BMI_TEST_MARKER=5")).containsEntry("GTUBE", 11).containsEntry("BMI_TEST_MARKER", 5);
        assertThatThrownBy(() -> RspamdEngine.Builder.parseRuleIds("GTUBE=0")).hasMessageContaining("bad rule id 'GTUBE=0'");
        assertThatThrownBy(() -> RspamdEngine.Builder.parseRuleIds("GTUBE")).hasMessageContaining("bad rule id");
    }
}
