package org.jamesexim.it.load;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The small version of the hostile run (benchmarks/load/run.sh hostile): 120 good mails and two rounds of every
 * hostile input ({@link HostileCorpus}) into James with the pack's full configuration, good mail alone, hostile input
 * alone, then both at once. No crash, no pack thread left busy, no good mail lost, nothing misdelivered or relayed, no
 * secret in any log line, no forged result believed; and every hostile daemon answer and the DNS zone that never
 * answers were met. Needs rspamd and dovecot (.ci/install.d/50-dovecot.sh, 70-bmi.sh).
 */
class HostileRunTest {
    @Test
    void hostileInputLeavesGoodMailDeliveredAndNothingElseBelieved() throws Exception {
        HostileRun.Report r = HostileRun.run(120, 2, 10, System.out);
        System.out.println(r.line());
        assertThat(r.problems).as(r.line()).allMatch(p -> p.startsWith("note:"));
        assertThat(r.ok()).as(r.line()).isTrue();
        assertThat(r.goodAccepted).isEqualTo(120);
        assertThat(r.hostileAccepted).as("hostile inputs accepted (and then checked)").isPositive();
        assertThat(r.hostileRefused).as("hostile inputs refused").isPositive();
        // each hostile source was met
        for (String kind : HostileDaemons.RSPAMD_KINDS) {
            assertThat(r.daemonAnswers).as("Rspamd answered " + kind).containsKey("rspamd " + kind);
        }
        for (String kind : HostileDaemons.DCC_KINDS) {
            assertThat(r.daemonAnswers).as("dccifd answered " + kind).containsKey("dcc " + kind);
        }
        assertThat(r.dnsDroppedByName).as("ARC key lookups in the zone that never answers").isPositive();
        assertThat(r.goodAuth454).as("AUTH 454 to good users while attackers fail theirs").isZero();
        assertThat(r.remoteHostileReplies).as("hostile replies of the remote MX").isPositive();
    }
}
