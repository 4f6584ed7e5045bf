package org.jamesexim.matchers;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.base.MailAddressFixture;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMatcherConfig;
import org.jamesexim.mailets.PackAttributes;
import org.junit.jupiter.api.Test;

class PackHookSeenTest {
    @Test
    void matchesOnlyMailTheHookMarked() throws Exception {
        PackHookSeen matcher = new PackHookSeen();
        matcher.init(FakeMatcherConfig.builder().matcherName("PackHookSeen").build());
        FakeMail seen = FakeMail.builder().name("a").recipients(MailAddressFixture.ANY_AT_JAMES, MailAddressFixture.OTHER_AT_JAMES)
            .attribute(new Attribute(PackAttributes.SMTP_HELO, AttributeValue.of("h"))).build();
        FakeMail notSeen = FakeMail.builder().name("b").recipient(MailAddressFixture.ANY_AT_JAMES).build();
        assertThat(matcher.match(seen)).containsExactlyInAnyOrder(MailAddressFixture.ANY_AT_JAMES, MailAddressFixture.OTHER_AT_JAMES);
        assertThat(matcher.match(notSeen)).isEmpty();
    }
}
