package org.jamesexim.matchers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Properties;

import javax.mail.MessagingException;

import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.base.MailAddressFixture;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMatcherConfig;
import org.jamesexim.mailets.DccAttributes;
import org.jamesexim.mailets.DccService;
import org.junit.jupiter.api.Test;

/** The Dcc matcher's condition through the parameter layer, and its use of a recorded verdict (no dccifd asked). */
class DccTest {
    static Dcc matcher(String condition) throws MessagingException {
        Dcc m = new Dcc(new DccService(new Properties()));
        m.init(FakeMatcherConfig.builder().matcherName("Dcc").condition(condition).build());
        return m;
    }

    @Test
    void aConditionItDoesNotTakeStopsJamesNamingIt() {
        assertThatThrownBy(() -> matcher("fial")).isInstanceOf(MessagingException.class)
            .hasMessageContaining("Dcc matcher condition: bad value 'fial'").hasMessageContaining("fail, accept, defer or discard");
        assertThatThrownBy(() -> matcher("fail/defer")).hasMessageContaining("unknown flag 'defer'");
        assertThatThrownBy(() -> matcher(null)).hasMessageContaining("Dcc matcher condition: required");
    }

    @Test
    void aRecordedVerdictIsReusedPerRecipient() throws Exception {
        FakeMail mail = FakeMail.builder().name("m")
            .recipients(MailAddressFixture.ANY_AT_JAMES, MailAddressFixture.OTHER_AT_JAMES, MailAddressFixture.ANY_AT_LOCAL)
            .attribute(new Attribute(DccAttributes.DCC_RESULT, AttributeValue.of("A")))
            .attribute(new Attribute(DccAttributes.DCC_HEADER, AttributeValue.of("")))
            .attribute(new Attribute(DccAttributes.DCC_RECIPIENTS, AttributeValue.of("RAR"))).build();
        assertThat(matcher("discard").match(mail)).containsExactly(MailAddressFixture.ANY_AT_JAMES, MailAddressFixture.ANY_AT_LOCAL);
        assertThat(matcher("fail").match(mail)).isEmpty();
        assertThat(matcher("accept").match(mail)).hasSize(3);
    }
}
