package org.jamesexim.matchers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.base.MailAddressFixture;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMatcherConfig;
import org.jamesexim.mailets.SrsAttributes;
import org.junit.jupiter.api.Test;

class SrsStatusTest {
    static SrsStatus matcher(String condition) throws Exception {
        SrsStatus m = new SrsStatus();
        m.init(FakeMatcherConfig.builder().matcherName("SrsStatus").condition(condition).build());
        return m;
    }

    static FakeMail mail(String status) throws Exception {
        FakeMail.Builder b = FakeMail.builder().name("m").recipients(MailAddressFixture.ANY_AT_JAMES, MailAddressFixture.OTHER_AT_JAMES);
        if (status != null) {
            b.attribute(new Attribute(SrsAttributes.SRS_STATUS, AttributeValue.of(status)));
        }
        return b.build();
    }

    @Test
    void matchesTheListedStatuses() throws Exception {
        SrsStatus refused = matcher("bad hash, expired");
        assertThat(refused.match(mail("bad hash"))).containsExactlyInAnyOrder(MailAddressFixture.ANY_AT_JAMES, MailAddressFixture.OTHER_AT_JAMES);
        assertThat(refused.match(mail("expired"))).hasSize(2);
        assertThat(refused.match(mail("valid"))).isEmpty();
        assertThat(refused.match(mail(null))).isEmpty();
        assertThat(matcher("not SRS").match(mail(null))).hasSize(2);
        assertThat(matcher("valid").match(mail("valid"))).hasSize(2);
    }

    @Test
    void anUnknownStatusFailsInit() {
        assertThatThrownBy(() -> matcher("forged")).hasMessageContaining("forged").hasMessageContaining("bad hash");
        assertThatThrownBy(() -> matcher("")).hasMessageContaining("condition");
    }
}
