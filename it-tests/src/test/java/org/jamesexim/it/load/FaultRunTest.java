package org.jamesexim.it.load;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The small version of the fault run (benchmarks/load/run.sh faults): 300 mails at 20 connections (paced at 40 a second, so that the faults meet the load) into James with the
 * pack's full configuration while Dovecot is restarted, Rspamd and the dccifd simulator are stopped for a while and
 * ARC key lookups time out, once each. Every accepted mail must arrive exactly once per recipient, every reply be a
 * documented one, no pack thread be left busy, the heap end where it began; and each fault must have bitten.
 * Needs rspamd and dovecot (.ci/install.d/50-dovecot.sh, 70-bmi.sh).
 */
class FaultRunTest {
    @Test
    void everyAcceptedMailArrivesExactlyOnceWhileTheServicesFail() throws Exception {
        FaultRun.Report r = FaultRun.run(300, 20, 1.5, 40, System.out);
        System.out.println(r.line());
        assertThat(r.problems).as(r.line()).noneMatch(p -> !p.startsWith("note:"));
        assertThat(r.ok()).as(r.line()).isTrue();
        assertThat(r.accepted).isEqualTo(300);
        assertThat(r.localOnce).isEqualTo(300);
        assertThat(r.remoteOnce).isEqualTo(300);
        // each fault met the load
        assertThat(r.auth454).as("AUTH answered 454 while Dovecot was down").isPositive();
        assertThat(r.dnsDropped).as("ARC key lookups went unanswered").isPositive();
        assertThat(r.withoutDcc).as("mails accepted without a DCC verdict (defer_ok)").isPositive();
        assertThat(r.withoutBmi).as("mails delivered without a BMI verdict (fail_open)").isPositive();
        assertThat(r.arcTemperror).as("mails whose ARC check timed out").isPositive();
    }
}
