package org.jamesexim.dcc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

/** The Dcc matcher's condition on the reply shapes a real dccifd 2.3.167 sends (shared/vectors/dcc-real). */
class DccConditionTest {
    static final List<String> RCPTS = List.of("bob", "vip", "carol");
    static final String HEADER = DccDecisionTest.HEADER;

    static List<String> match(String condition, DccResult r) {
        return DccCondition.parse(condition).matching(r, RCPTS);
    }

    @Test
    void eximsConditionsMatchAllOrNoneIgnoringTheLine() {
        DccResult mixed = DccDecisionTest.reply("A\nRAR\n" + HEADER, 3);
        assertThat(match("accept", mixed)).containsExactlyElementsOf(RCPTS);
        assertThat(match("fail", mixed)).isEmpty();
        DccResult rejected = DccDecisionTest.reply("R\nRRR\n" + HEADER, 3);
        assertThat(match("fail", rejected)).containsExactlyElementsOf(RCPTS);
        assertThat(match("accept", rejected)).isEmpty();
        assertThat(match("fail", DccDecisionTest.reply("G\nGGG\n" + HEADER, 3))).containsExactlyElementsOf(RCPTS);
    }

    @Test
    void deferOkTurnsADeferIntoAFail() {
        DccResult none = DccResult.noAnswer("dccifd down");
        assertThat(match("defer", none)).containsExactlyElementsOf(RCPTS);
        assertThat(match("fail", none)).isEmpty();
        assertThat(match("fail/defer_ok", none)).containsExactlyElementsOf(RCPTS);
        assertThat(match("defer/defer_ok", none)).isEmpty();
    }

    @Test
    void discardIsPerRecipientAsDccifdAsks() {
        assertThat(match("discard", DccDecisionTest.reply("A\nRAR\n" + HEADER, 3))).containsExactly("bob", "carol");
        assertThat(match("discard", DccDecisionTest.reply("A\nAAA\n" + HEADER, 3))).isEmpty();
        assertThat(match("discard", DccDecisionTest.reply("R\nRRR\n" + HEADER, 3))).containsExactlyElementsOf(RCPTS);
        assertThat(match("discard", DccDecisionTest.reply("G\nGGG\n" + HEADER, 3))).containsExactlyElementsOf(RCPTS);
        assertThat(match("discard", DccResult.noAnswer("dccifd down"))).isEmpty();
        assertThat(match("discard/defer_ok", DccResult.noAnswer("dccifd down"))).isEmpty();
        assertThat(DccCondition.parse("discard").perRecipient()).isTrue();
        assertThat(DccCondition.parse(" Fail / DEFER_OK ").toString()).isEqualTo("fail/defer_ok");
    }

    @Test
    void anythingElseIsRefusedSayingWhy() {
        assertThatThrownBy(() -> DccCondition.parse("fial")).hasMessageContaining("must be fail, accept, defer or discard");
        assertThatThrownBy(() -> DccCondition.parse("fail/defer")).hasMessageContaining("unknown flag 'defer'");
        assertThatThrownBy(() -> DccCondition.parse("")).hasMessageContaining("must be fail");
    }
}
