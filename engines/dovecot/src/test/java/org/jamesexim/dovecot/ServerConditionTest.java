package org.jamesexim.dovecot;

import static org.assertj.core.api.Assertions.assertThat;

import org.jamesexim.common.lookup.LookupResult;
import org.jamesexim.dovecot.ServerCondition.Verdict;
import org.junit.jupiter.api.Test;

/** server_condition's reading of a lookup result, as Exim reads a condition's expansion. */
class ServerConditionTest {
    @Test
    void trueWordsAllowFalseWordsAndNoValueRefuseTheRestDefers() {
        for (String v : new String[] {"1", "yes", "TRUE", " True "}) {
            assertThat(ServerCondition.of(LookupResult.found(v))).as(v).isEqualTo(Verdict.ALLOW);
        }
        for (String v : new String[] {"", "0", "no", "FALSE", "  "}) {
            assertThat(ServerCondition.of(LookupResult.found(v))).as(v).isEqualTo(Verdict.REFUSE);
        }
        assertThat(ServerCondition.of(LookupResult.notFound())).isEqualTo(Verdict.REFUSE);
        assertThat(ServerCondition.of(LookupResult.found("maybe"))).isEqualTo(Verdict.DEFER);
        assertThat(ServerCondition.of(LookupResult.found("2"))).as("Exim: only 0 and 1 are numbers here").isEqualTo(Verdict.DEFER);
        assertThat(ServerCondition.of(LookupResult.failed("database down"))).isEqualTo(Verdict.DEFER);
    }
}
