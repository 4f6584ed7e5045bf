package org.jamesexim.matchers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMatcherConfig;
import org.jamesexim.mailets.ArcAttributes;
import org.junit.jupiter.api.Test;

class ArcStateTest {
    static ArcState matcher(String condition) throws MessagingException {
        ArcState m = new ArcState();
        m.init(FakeMatcherConfig.builder().matcherName("ArcState").condition(condition).build());
        return m;
    }

    static FakeMail mail(String state) throws Exception {
        FakeMail.Builder b = FakeMail.builder().name("m").recipient(new MailAddress("bob@dest.example"));
        if (state != null) {
            b.attribute(new Attribute(ArcAttributes.ARC_STATE, AttributeValue.of(state)));
        }
        return b.build();
    }

    @Test
    void matchesListedStatesOnly() throws Exception {
        ArcState passOrNone = matcher("pass,none");
        assertThat(passOrNone.match(mail("pass"))).containsExactly(new MailAddress("bob@dest.example"));
        assertThat(passOrNone.match(mail("none"))).hasSize(1);
        assertThat(passOrNone.match(mail("fail"))).isEmpty();
        assertThat(passOrNone.match(mail(null))).as("never verified").isEmpty();
        assertThat(matcher("fail").match(mail("fail"))).hasSize(1);
        assertThat(matcher("none:fail").match(mail("pass"))).isEmpty();
    }

    @Test
    void aTemporaryErrorIsItsOwnStateNotAFailure() throws Exception {
        // DNS could not give a key in time: neither fail nor none (a mail routed on fail must not catch it)
        assertThat(matcher("fail").match(mail("temperror"))).isEmpty();
        assertThat(matcher("none").match(mail("temperror"))).isEmpty();
        assertThat(matcher("temperror").match(mail("temperror"))).hasSize(1);
        assertThat(matcher("pass:temperror").match(mail("TEMPERROR"))).hasSize(1);
    }

    @Test
    void rejectsUnknownStates() {
        assertThatThrownBy(() -> matcher("pass,maybe")).hasMessageContaining("maybe");
        assertThatThrownBy(() -> matcher("")).hasMessageContaining("ArcState=pass,none");
    }
}
