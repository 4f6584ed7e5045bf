package org.jamesexim.mailets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import javax.mail.MessagingException;

import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.apache.mailet.base.MailAddressFixture;
import org.apache.james.core.builder.MimeMessageBuilder;
import org.junit.jupiter.api.Test;

class AddPackHeaderTest {
    private FakeMail mail(String helo) throws Exception {
        FakeMail.Builder b = FakeMail.builder().name("m").recipient(MailAddressFixture.ANY_AT_JAMES)
            .mimeMessage(MimeMessageBuilder.mimeMessageBuilder().setSubject("s").setText("t"));
        if (helo != null) {
            b.attribute(new Attribute(Mail.SMTP_HELO, AttributeValue.of(helo)));
        }
        return b.build();
    }

    @Test
    void writesTheHeloJamesRecorded() throws Exception {
        AddPackHeader mailet = new AddPackHeader();
        mailet.init(FakeMailetConfig.builder().mailetName("AddPackHeader").build());
        FakeMail mail = mail("client.example.net");
        mailet.service(mail);
        assertThat(mail.getMessage().getHeader("X-Jexim-Received")).containsExactly("helo=client.example.net");
    }

    @Test
    void mailWithoutAHeloSaysUnknown() throws Exception {
        AddPackHeader mailet = new AddPackHeader();
        mailet.init(FakeMailetConfig.builder().mailetName("AddPackHeader").build());
        FakeMail mail = mail(null);
        mailet.service(mail);
        assertThat(mail.getMessage().getHeader("X-Jexim-Received")).containsExactly("helo=unknown");
    }

    @Test
    void headerNameIsConfigurableAndCrLfFromTheClientIsOneSpace() throws Exception {
        AddPackHeader mailet = new AddPackHeader();
        mailet.init(FakeMailetConfig.builder().mailetName("AddPackHeader").setProperty("header", "X-Seen").build());
        FakeMail mail = mail("evil\r\nBcc: x@y");
        mailet.service(mail);
        assertThat(mail.getMessage().getHeader("X-Seen")).containsExactly("helo=evil Bcc: x@y");
        assertThat(mail.getMessage().getHeader("Bcc")).isNull();
    }

    @Test
    void invalidHeaderNameIsRefusedAtInitNamingTheParameter() {
        AddPackHeader mailet = new AddPackHeader();
        assertThatThrownBy(() -> mailet.init(FakeMailetConfig.builder().mailetName("AddPackHeader")
            .setProperty("header", "X Bad:").build()))
            .isInstanceOf(MessagingException.class).hasMessageStartingWith("header:");
    }
}
