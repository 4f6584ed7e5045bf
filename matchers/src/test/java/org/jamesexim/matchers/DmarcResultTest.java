package org.jamesexim.matchers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMatcherConfig;
import org.jamesexim.mailets.DmarcAttributes;
import org.junit.jupiter.api.Test;

class DmarcResultTest {
    static DmarcResult matcher(String condition) throws Exception {
        DmarcResult m = new DmarcResult();
        m.init(FakeMatcherConfig.builder().matcherName("DmarcResult").condition(condition).build());
        return m;
    }

    static FakeMail mail(String result, String disposition) throws Exception {
        FakeMail mail = FakeMail.builder().name("m").recipient(new MailAddress("bob@example.test")).build();
        if (result != null) {
            mail.setAttribute(new Attribute(DmarcAttributes.DMARC_RESULT, AttributeValue.of(result)));
            mail.setAttribute(new Attribute(DmarcAttributes.DMARC_DISPOSITION, AttributeValue.of(disposition)));
        }
        return mail;
    }

    @Test
    void resultsAndResultDispositionPairs() throws Exception {
        DmarcResult quarantine = matcher("fail/quarantine");
        assertThat(quarantine.match(mail("fail", "quarantine"))).hasSize(1);
        assertThat(quarantine.match(mail("fail", "reject"))).isEmpty();
        assertThat(quarantine.match(mail("fail", "none"))).as("overridden by ARC").isEmpty();
        assertThat(quarantine.match(mail(null, null))).as("never evaluated").isEmpty();
        DmarcResult any = matcher("fail, temperror");
        assertThat(any.match(mail("fail", "none"))).hasSize(1);
        assertThat(any.match(mail("temperror", "none"))).hasSize(1);
        assertThat(any.match(mail("pass", "none"))).isEmpty();
        assertThat(matcher("FAIL/None").match(mail("fail", "none"))).hasSize(1);
    }

    @Test
    void aConditionItCannotReadStopsTheStart() {
        assertThatThrownBy(() -> matcher("fail/discard")).hasMessageContaining("fail/discard");
        assertThatThrownBy(() -> matcher("rejected")).hasMessageContaining("rejected");
        assertThatThrownBy(() -> matcher("")).hasMessageContaining("DmarcResult");
    }
}
