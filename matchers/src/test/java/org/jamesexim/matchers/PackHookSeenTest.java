package org.jamesexim.matchers;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.base.MailAddressFixture;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMatcherConfig;
import org.apache.mailet.Mail;
import org.jamesexim.mailets.PackAttributes;
import org.junit.jupiter.api.Test;

class PackHookSeenTest {
    /** James's Mail.SMTP_HELO marks mail received over SMTP; the pack's deprecated jexim.smtp_helo alone does not. */
    @Test
    @SuppressWarnings("deprecation")
    void matchesOnlyMailJamesReceivedOverSmtp() throws Exception {
        PackHookSeen matcher = new PackHookSeen();
        matcher.init(FakeMatcherConfig.builder().matcherName("PackHookSeen").build());
        FakeMail seen = FakeMail.builder().name("a").recipients(MailAddressFixture.ANY_AT_JAMES, MailAddressFixture.OTHER_AT_JAMES)
            .attribute(new Attribute(Mail.SMTP_HELO, AttributeValue.of("h"))).build();
        FakeMail notSeen = FakeMail.builder().name("b").recipient(MailAddressFixture.ANY_AT_JAMES).build();
        FakeMail oursOnly = FakeMail.builder().name("c").recipient(MailAddressFixture.ANY_AT_JAMES)
            .attribute(new Attribute(PackAttributes.SMTP_HELO, AttributeValue.of("h"))).build();
        assertThat(matcher.match(seen)).containsExactlyInAnyOrder(MailAddressFixture.ANY_AT_JAMES, MailAddressFixture.OTHER_AT_JAMES);
        assertThat(matcher.match(notSeen)).isEmpty();
        assertThat(matcher.match(oursOnly)).isEmpty();
    }
}
