package org.jamesexim.mailets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.Map;

import javax.mail.MessagingException;
import javax.mail.internet.AddressException;

import org.apache.james.core.MailAddress;

import org.apache.james.core.MaybeSender;
import org.apache.james.core.builder.MimeMessageBuilder;
import org.apache.james.dnsservice.api.DNSService;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.DsnParameters;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailContext;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.Test;

class DsnInfoBounceTest {
    private final FakeMailContext context = postmasterContext();

    private static FakeMailContext postmasterContext() {
        try {
            return FakeMailContext.builder().postmaster(new MailAddress("postmaster@example.test")).build();
        } catch (AddressException e) {
            throw new IllegalStateException(e);
        }
    }

    private DsnInfoBounce mailet(String... params) throws MessagingException {
        DsnInfoBounce mailet = new DsnInfoBounce(dns());
        FakeMailetConfig.Builder config = FakeMailetConfig.builder().mailetName("DsnInfoBounce").mailetContext(context);
        for (int i = 0; i < params.length; i += 2) {
            config.setProperty(params[i], params[i + 1]);
        }
        mailet.init(config.build());
        return mailet;
    }

    private static DNSService dns() {
        return (DNSService) Proxy.newProxyInstance(DNSService.class.getClassLoader(), new Class<?>[] {DNSService.class},
            (proxy, method, args) -> {
                switch (method.getName()) {
                    case "getLocalHost": return InetAddress.getLoopbackAddress();
                    case "getHostName": return "james.example.test";
                    default: throw new UnsupportedOperationException(method.getName());
                }
            });
    }

    private static Mail failedMail() throws Exception {
        return failedMail(MaybeSender.getMailSender("alice@example.test"));
    }

    private static Mail failedMail(MaybeSender sender) throws Exception {
        return FakeMail.builder().name("m1").sender(sender).recipient("bob@remote.test")
            .mimeMessage(MimeMessageBuilder.mimeMessageBuilder().setSubject("hi").setText("body").addHeader("Message-ID", "<m1@example.test>"))
            .attribute(new Attribute(DsnInfoRemoteDelivery.HOST, AttributeValue.of("mx.remote.test")))
            .attribute(new Attribute(DsnInfoRemoteDelivery.HOST_ADDRESS, AttributeValue.of("192.0.2.1")))
            .attribute(new Attribute(DsnInfoRemoteDelivery.HOST_PORT, AttributeValue.of(25)))
            .attribute(new Attribute(DsnInfoRemoteDelivery.SMTP_GREETING, AttributeValue.of("220 mx.remote.test ESMTP\r\n")))
            .attribute(new Attribute(DsnInfoRemoteDelivery.HELO_RESPONSE, AttributeValue.of("250-mx.remote.test hi\r\n250 8BITMIME\r\n")))
            .attribute(new Attribute(DsnInfoRemoteDelivery.SMTP_FAILED_COMMAND,
                AttributeValue.of(Map.<String, AttributeValue<?>>of("bob@remote.test", AttributeValue.of("RCPT TO:<bob@remote.test>")))))
            .attribute(new Attribute(DsnInfoRemoteDelivery.SMTP_FAILED_REPLY,
                AttributeValue.of(Map.<String, AttributeValue<?>>of("bob@remote.test", AttributeValue.of("550 5.1.1 no such user\n")))))
            .build();
    }

    private static String raw(FakeMailContext.SentMail sent) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        sent.getMsg().writeTo(out);
        return out.toString(StandardCharsets.US_ASCII);
    }

    @Test
    void bounceCarriesTheRecordedFieldsToTheSenderFromANullSender() throws Exception {
        Mail mail = failedMail();
        mailet("dsnInfo", "true").service(mail);

        assertThat(context.getSentMails()).hasSize(1);
        FakeMailContext.SentMail sent = context.getSentMails().get(0);
        assertThat(sent.getSender()).isNull(); // the bounce's envelope sender is <>
        assertThat(sent.getRecipients()).extracting(a -> a.asString()).containsExactly("alice@example.test");
        assertThat(raw(sent)).contains("report-type=delivery-status")
            .contains("Reporting-MTA: dns; james.example.test\r\n")
            .contains("Final-Recipient: rfc822; bob@remote.test\r\nAction: failed\r\nStatus: 5.1.1\r\n"
                + "Remote-MTA: dns; mx.remote.test\r\nRemote-MTA: X-ip; [192.0.2.1]\r\n"
                + "X-Remote-MTA-smtp-greeting: X-str; 220 mx.remote.test ESMTP\r\n"
                + "X-Remote-MTA-helo-response: X-str; 250-mx.remote.test hi\r\n"
                + "X-James-Exim-Diagnostic: X-str; SMTP error from remote mail server after RCPT\r\n"
                + " TO:<bob@remote.test>: 550 5.1.1 no such user\r\n"
                + "Diagnostic-Code: smtp; 550 5.1.1 no such user\r\n")
            .contains("Message-ID: <m1@example.test>");
        assertThat(mail.getState()).isEqualTo(Mail.GHOST);
    }

    @Test
    void withoutDsnInfoOnlyTheStandardFieldsAreWritten() throws Exception {
        mailet("attachment", "none").service(failedMail());
        String raw = raw(context.getSentMails().get(0));
        assertThat(raw).contains("Status: 5.1.1\r\n", "Remote-MTA: dns; mx.remote.test\r\n", "Diagnostic-Code: smtp; 550 5.1.1 no such user")
            .doesNotContain("X-ip", "X-Remote-MTA", "X-James-Exim-Diagnostic", "Message-ID: <m1@example.test>");
    }

    @Test
    void mailWithANullSenderIsNotBounced() throws Exception {
        Mail mail = failedMail(MaybeSender.nullSender());
        assertThat(mail.getMaybeSender()).isEqualTo(MaybeSender.nullSender());
        mailet("dsnInfo", "true").service(mail);
        assertThat(context.getSentMails()).isEmpty();
        assertThat(mail.getState()).isEqualTo(Mail.GHOST);
    }

    @Test
    void senderDsnRequestsAreHonoured() throws Exception {
        Mail mail = FakeMail.builder().name("m2").sender("alice@example.test").recipients("bob@remote.test", "carol@remote.test")
            .mimeMessage(MimeMessageBuilder.mimeMessageBuilder().setSubject("hi").setText("the body text"))
            .build();
        mail.setDsnParameters(DsnParameters.builder()
            .envId(DsnParameters.EnvId.of("QQ314159"))
            .ret(DsnParameters.Ret.FULL)
            .addRcptParameter(new MailAddress("bob@remote.test"),
                DsnParameters.RecipientDsnParameters.of(EnumSet.of(DsnParameters.Notify.FAILURE), new MailAddress("bob@orig.test")))
            .addRcptParameter(new MailAddress("carol@remote.test"),
                DsnParameters.RecipientDsnParameters.of(EnumSet.of(DsnParameters.Notify.NEVER)))
            .build().orElseThrow());
        mailet("dsnInfo", "true", "attachment", "none").service(mail);

        String raw = raw(context.getSentMails().get(0));
        assertThat(raw).contains("Original-Envelope-Id: QQ314159\r\nReporting-MTA:")
            .contains("Original-Recipient: rfc822; bob@orig.test\r\nFinal-Recipient: rfc822; bob@remote.test\r\n")
            .doesNotContain("carol@remote.test") // NOTIFY=NEVER
            .contains("Content-Type: message/rfc822").contains("the body text"); // RET=FULL beats attachment=none
    }

    @Test
    void noBounceWhenEveryRecipientSaidNotifyNever() throws Exception {
        Mail mail = failedMail();
        mail.setDsnParameters(DsnParameters.builder().addRcptParameter(new MailAddress("bob@remote.test"),
            DsnParameters.RecipientDsnParameters.of(EnumSet.of(DsnParameters.Notify.NEVER))).build().orElseThrow());
        mailet("dsnInfo", "true").service(mail);
        assertThat(context.getSentMails()).isEmpty();
        assertThat(mail.getState()).isEqualTo(Mail.GHOST);
    }

    @Test
    void badParametersAreRefusedByName() {
        assertThatThrownBy(() -> mailet("attachment", "everything")).hasMessageContaining("attachment");
        assertThatThrownBy(() -> mailet("dsnInfo", "maybe")).hasMessageContaining("dsnInfo");
        assertThatThrownBy(() -> mailet("diagnosticField", "Diag")).hasMessageContaining("diagnosticField");
    }
}
