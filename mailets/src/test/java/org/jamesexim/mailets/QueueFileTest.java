package org.jamesexim.mailets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.internet.MimeMessage;

import org.apache.james.core.MailAddress;
import org.apache.james.server.core.MailImpl;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.DsnParameters;
import org.apache.mailet.Mail;
import org.apache.mailet.PerRecipientHeaders;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.jamesexim.mailets.queuefile.QueueFileMail;
import org.jamesexim.queuefile.SpoolDirectory;
import org.jamesexim.queuefile.SpoolFormat;
import org.jamesexim.queuefile.SpooledMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class QueueFileTest {
    @TempDir
    Path dir;

    static final byte[] RAW = ("Received: from client.example ([192.0.2.10])\r\n\tby james.example.test;\r\n\tWed, 25 Nov 2026 17:50:33 +0000\r\n"
            + "From: alice@sender.example\r\nTo: bob@test.example\r\nSubject: typed\r\n\r\nbody\r\n..no unstuffing here\r\n")
            .getBytes(StandardCharsets.UTF_8);

    static MailImpl mail() throws Exception {
        MailImpl mail = MailImpl.builder()
                .name("Mail-original")
                .sender("alice@sender.example")
                .addRecipients("bob@test.example", "carol@test.example")
                .mimeMessage(new MimeMessage(Session.getInstance(new java.util.Properties()), new java.io.ByteArrayInputStream(RAW)))
                .remoteAddr("192.0.2.10")
                .remoteHost("client.example")
                .state("root")
                .errorMessage("previous attempt: 451 try later")
                .addAttribute(new Attribute(Mail.SMTP_HELO, AttributeValue.of("client.example")))
                .addAttribute(new Attribute(Mail.SMTP_AUTH_USER, AttributeValue.of("alice")))
                .addAttribute(new Attribute(AttributeName.of("org.example.int"), AttributeValue.of(42)))
                .addAttribute(new Attribute(AttributeName.of("org.example.bool"), AttributeValue.of(true)))
                .addAttribute(new Attribute(AttributeName.of("org.example.list"),
                        AttributeValue.of(List.<AttributeValue<?>>of(AttributeValue.of("a"), AttributeValue.of(2L)))))
                .addAttribute(new Attribute(AttributeName.of("org.example.map"),
                        AttributeValue.of(Map.<String, AttributeValue<?>>of("k", AttributeValue.of("v")))))
                .addAttribute(new Attribute(AttributeName.of("jexim.acl_m_scan"), AttributeValue.of("clean")))
                .addAttribute(new Attribute(AttributeName.of("org.example.opaque"), AttributeValue.ofUnserializable(new Object())))
                .build();
        mail.addSpecificHeaderForRecipient(PerRecipientHeaders.Header.builder().name("X-For-Bob").value("yes").build(), new MailAddress("bob@test.example"));
        mail.setDsnParameters(DsnParameters.builder()
                .envId(DsnParameters.EnvId.of("env-42"))
                .ret(DsnParameters.Ret.HDRS)
                .addRcptParameter(new MailAddress("bob@test.example"),
                        DsnParameters.RecipientDsnParameters.of(EnumSet.of(DsnParameters.Notify.SUCCESS, DsnParameters.Notify.FAILURE),
                                new MailAddress("bob@orig.example")))
                .build().get());
        return mail;
    }

    @ParameterizedTest
    @EnumSource(SpoolFormat.class)
    void theEnvelopeSurvivesBothFormats(SpoolFormat format) throws Exception {
        MailImpl original = mail();
        SpoolDirectory sd = SpoolDirectory.open(dir, format);
        String id = sd.write(QueueFileMail.toSpooled(original));
        SpooledMessage back = sd.read(id);
        assertThat(back.envelope().unrepresentedAttributes()).containsExactly("org.example.opaque");
        List<String> skipped = new ArrayList<>();
        MailImpl restored = QueueFileMail.toMail("queuefile-" + id, back, "transport", skipped);

        assertThat(skipped).isEmpty();
        assertThat(restored.getName()).isEqualTo("queuefile-" + id);
        assertThat(restored.getState()).isEqualTo("transport");
        assertThat(restored.getMaybeSender()).isEqualTo(original.getMaybeSender());
        assertThat(restored.getRecipients()).containsExactlyElementsOf(original.getRecipients());
        assertThat(restored.getRemoteAddr()).isEqualTo("192.0.2.10");
        assertThat(restored.getRemoteHost()).isEqualTo("client.example");
        assertThat(restored.getErrorMessage()).isEqualTo("previous attempt: 451 try later");
        assertThat(restored.dsnParameters()).isEqualTo(original.dsnParameters());
        assertThat(restored.getPerRecipientSpecificHeaders()).isEqualTo(original.getPerRecipientSpecificHeaders());
        for (String name : List.of(Mail.SMTP_HELO.asString(), Mail.SMTP_AUTH_USER.asString(), "org.example.int", "org.example.bool",
                "org.example.list", "org.example.map", "jexim.acl_m_scan")) {
            assertThat(restored.getAttribute(AttributeName.of(name))).as(name).isEqualTo(original.getAttribute(AttributeName.of(name)));
        }
        assertThat(restored.getAttribute(AttributeName.of("org.example.opaque"))).isEmpty();
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        restored.getMessage().writeTo(out);
        assertThat(out.toByteArray()).isEqualTo(RAW);
    }

    @Test
    void theMailetGhostsOrContinues() throws Exception {
        QueueFile ghosting = new QueueFile();
        ghosting.init(FakeMailetConfig.builder().mailetName("QueueFile").setProperty("directory", dir.toString()).build());
        MailImpl m = mail();
        ghosting.service(m);
        assertThat(m.getState()).isEqualTo(Mail.GHOST);
        assertThat(SpoolDirectory.open(dir, SpoolFormat.JAMES).committedIds()).hasSize(1);

        Path eximDir = Files.createDirectories(dir.resolve("exim"));
        QueueFile continuing = new QueueFile();
        continuing.init(FakeMailetConfig.builder().mailetName("QueueFile").setProperty("directory", eximDir.toString())
                .setProperty("format", "exim").setProperty("passThrough", "true").build());
        MailImpl m2 = mail();
        continuing.service(m2);
        assertThat(m2.getState()).isEqualTo("root");
        String id = (String) m2.getAttribute(QueueFileAttributes.QUEUEFILE_ID).get().getValue().value();
        assertThat(SpoolDirectory.open(eximDir, SpoolFormat.EXIM).committedIds()).containsExactly(id);
    }

    @Test
    void badConfigurationFailsNamingTheParameter() {
        assertThatThrownBy(() -> new QueueFile().init(FakeMailetConfig.builder().mailetName("q").build()))
                .isInstanceOf(MessagingException.class).hasMessageStartingWith("directory:");
        assertThatThrownBy(() -> new QueueFile().init(FakeMailetConfig.builder().mailetName("q").setProperty("directory", dir.resolve("none").toString()).build()))
                .hasMessageStartingWith("directory:").hasMessageContaining("does not exist");
        assertThatThrownBy(() -> new QueueFile().init(FakeMailetConfig.builder().mailetName("q").setProperty("directory", dir.toString())
                .setProperty("format", "mbox").build())).hasMessageStartingWith("format:");
        assertThatThrownBy(() -> new QueueFile().init(FakeMailetConfig.builder().mailetName("q").setProperty("directory", dir.toString())
                .setProperty("passThrough", "yes").build())).hasMessageStartingWith("passThrough:");
        assertThatThrownBy(() -> new QueueFile().init(FakeMailetConfig.builder().mailetName("q").setProperty("directory", dir.toString())
                .setProperty("eximIdLength", "20").build())).hasMessageStartingWith("eximIdLength:");
    }

    @Test
    void aWriteFailureThrowsSoTheMailIsNotLost() throws Exception {
        Path d = Files.createDirectories(dir.resolve("ro"));
        QueueFile q = new QueueFile();
        q.init(FakeMailetConfig.builder().mailetName("q").setProperty("directory", d.toString()).build());
        Files.delete(d);
        MailImpl m = mail();
        assertThatThrownBy(() -> q.service(m)).isInstanceOf(MessagingException.class).hasMessageContaining("cannot write mail Mail-original");
        assertThat(m.getState()).isEqualTo("root");
    }

    @Test
    void badAddressesAreUnconvertible() throws Exception {
        SpooledMessage bad = new SpooledMessage("x1", org.jamesexim.queuefile.SpoolEnvelope.builder().addRecipient("not an address").build(), RAW);
        assertThatThrownBy(() -> QueueFileMail.toMail("n", bad, "transport", new ArrayList<>()))
                .isInstanceOf(QueueFileMail.Unconvertible.class).hasMessageContaining("address not accepted by James");
    }
}
