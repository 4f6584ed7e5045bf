package org.jamesexim.dcc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.jamesexim.dcc.DccDecision.Action.DEFER;
import static org.jamesexim.dcc.DccDecision.Action.DELIVER;
import static org.jamesexim.dcc.DccDecision.Action.DISCARD;
import static org.jamesexim.dcc.DccDecision.Action.GREYLIST;
import static org.jamesexim.dcc.DccDecision.Action.REJECT;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.jamesexim.dcc.DccDecision.Mode;
import org.junit.jupiter.api.Test;

/** The per-recipient decision on the reply shapes a real dccifd 2.3.167 sends (shared/vectors/dcc-real). */
class DccDecisionTest {
    static DccResult reply(String text, int recipients) {
        byte[] b = text.getBytes(StandardCharsets.ISO_8859_1);
        return DccReplyParser.parse(b, b.length, recipients);
    }

    static final String HEADER = "X-DCC-LOCALTEST-Metrics: vm 1000; bulk Body=many Fuz1=many Fuz2=many\n\n";

    @Test
    void mixedLineUnderOverallAcceptDiscardsTheRecipientsMarkedR() {
        DccDecision d = DccDecision.of(reply("A\nRAR\n" + HEADER, 3), 3, Mode.PER_RECIPIENT, false);
        assertThat(d.transaction()).isEqualTo(DELIVER);
        assertThat(d.recipients()).containsExactly(DISCARD, DELIVER, DISCARD);
        assertThat(d.select(List.of("bob", "vip", "carol"), DISCARD)).containsExactly("bob", "carol");
        assertThat(d.select(List.of("bob", "vip", "carol"), DELIVER)).containsExactly("vip");
        assertThat(d.deliversToAll()).isFalse();
        assertThat(d.reason()).contains("2 of 3").contains("RAR").contains("discarded");
    }

    @Test
    void exim_overallModeIgnoresTheLine() {
        DccDecision d = DccDecision.of(reply("A\nRAR\n" + HEADER, 3), 3, Mode.OVERALL, false);
        assertThat(d.recipients()).containsExactly(DELIVER, DELIVER, DELIVER);
        assertThat(d.deliversToAll()).isTrue();
    }

    @Test
    void noRejectMarksEveryRecipientUnderAccept() {
        DccDecision d = DccDecision.of(reply("A\nR\n" + HEADER, 1), 1, Mode.PER_RECIPIENT, false);
        assertThat(d.transaction()).isEqualTo(DELIVER);
        assertThat(d.recipients()).containsExactly(DISCARD);
    }

    @Test
    void overallRejectAndGreylistApplyToAll() {
        assertThat(DccDecision.of(reply("R\nRRR\n" + HEADER, 3), 3, Mode.PER_RECIPIENT, false).recipients()).containsOnly(REJECT).hasSize(3);
        assertThat(DccDecision.of(reply("R\nRRR\n" + HEADER, 3), 3, Mode.PER_RECIPIENT, true).transaction()).isEqualTo(REJECT);
        DccDecision g = DccDecision.of(reply("G\nGG\n" + HEADER, 2), 2, Mode.PER_RECIPIENT, false);
        assertThat(g.transaction()).isEqualTo(GREYLIST);
        assertThat(g.recipients()).containsExactly(GREYLIST, GREYLIST);
    }

    @Test
    void temporaryFailureDefersAllWhateverTheLineSaysAndDeferOkDelivers() {
        DccResult t = reply("T\nR\nX-DCC--Metrics: vm 0; Body=1 Fuz1=1 Fuz2=1\n\n", 1);
        assertThat(DccDecision.of(t, 1, Mode.PER_RECIPIENT, false).recipients()).containsExactly(DEFER);
        assertThat(DccDecision.of(t, 1, Mode.PER_RECIPIENT, false).transaction()).isEqualTo(DEFER);
        DccDecision ok = DccDecision.of(t, 1, Mode.PER_RECIPIENT, true);
        assertThat(ok.recipients()).containsExactly(DELIVER);
        assertThat(ok.reason()).startsWith("defer_ok");
        assertThat(DccDecision.of(DccResult.noAnswer("refused"), 2, Mode.OVERALL, false).recipients()).containsExactly(DEFER, DEFER);
    }

    @Test
    void aLineThatDoesNotListEachRecipientDeliversToAll() {
        DccDecision d = DccDecision.of(reply("A\nR\n" + HEADER, 2), 2, Mode.PER_RECIPIENT, false);
        assertThat(d.recipients()).containsExactly(DELIVER, DELIVER);
        assertThat(d.reason()).contains("does not list");
        assertThat(DccDecision.of(reply("A\n\n\n", 0), 0, Mode.PER_RECIPIENT, false).recipients()).isEmpty();
    }

    @Test
    void aRecordedLineIsReusedAndModesParse() {
        DccResult recorded = DccResult.fromRecorded("A", "", "ARx");
        assertThat(recorded.recipientResults()).isEqualTo("AR");
        assertThat(DccDecision.of(recorded, 2, Mode.PER_RECIPIENT, false).recipients()).containsExactly(DELIVER, DISCARD);
        assertThat(Mode.parse(" Per_Recipient ")).isEqualTo(Mode.PER_RECIPIENT);
        assertThat(Mode.parse("overall")).isEqualTo(Mode.OVERALL);
        assertThatThrownBy(() -> Mode.parse("exim")).hasMessageContaining("per_recipient or overall");
    }
}
