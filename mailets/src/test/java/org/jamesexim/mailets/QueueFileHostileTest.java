package org.jamesexim.mailets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import javax.mail.MessagingException;

import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.PropertiesConfiguration;
import org.apache.james.dnsservice.api.DNSService;
import org.apache.james.queue.api.MailQueue;
import org.apache.james.queue.api.MailQueueFactory;
import org.apache.james.server.core.MailImpl;
import org.apache.james.transport.matchers.RemoteAddrInNetwork;
import org.apache.james.transport.matchers.SMTPAuthSuccessful;
import org.apache.james.transport.matchers.SMTPIsAuthNetwork;
import org.apache.james.transport.matchers.SentByMailet;
import org.apache.james.utils.PropertiesProvider;
import org.apache.mailet.Mail;
import org.apache.mailet.Matcher;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.apache.mailet.base.test.FakeMatcherConfig;
import org.jamesexim.mailets.queuefile.QueueFileMail;
import org.jamesexim.queuefile.RequeueSettings;
import org.jamesexim.queuefile.Requeuer;
import org.jamesexim.queuefile.SpoolDirectory;
import org.jamesexim.queuefile.SpoolEnvelope;
import org.jamesexim.queuefile.SpoolFormat;
import org.jamesexim.queuefile.SpooledMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The James side of "a file dropped in the incoming directory is not trusted": James's own relay matchers
 * (SMTPAuthSuccessful, SMTPIsAuthNetwork, SentByMailet, RemoteAddrInNetwork=127.0.0.0/8) do not match a requeued mail
 * whose file claims an authenticated user, 127.0.0.1 and James's marks; a mail without a remote address is not from
 * 127.0.0.1; unknown settings and unsafe directories stop the start, naming the setting.
 */
class QueueFileHostileTest {
    @TempDir
    Path dir;

    /** A spool queue that keeps what it is given. */
    static MailQueue capturing(List<Mail> into) {
        return (MailQueue) Proxy.newProxyInstance(MailQueue.class.getClassLoader(), new Class<?>[] {MailQueue.class}, (p, m, a) -> {
            switch (m.getName()) {
                case "enQueue": into.add((Mail) a[0]); return null;
                case "getName": return MailQueueFactory.SPOOL;
                case "close": return null;
                case "toString": return "capturing queue";
                default: throw new UnsupportedOperationException(m.getName());
            }
        });
    }

    static MailQueueFactory<?> factory(MailQueue q) {
        return (MailQueueFactory<?>) Proxy.newProxyInstance(MailQueueFactory.class.getClassLoader(), new Class<?>[] {MailQueueFactory.class},
            (p, m, a) -> {
                if (m.getName().equals("createQueue")) {
                    return q;
                }
                throw new UnsupportedOperationException(m.getName());
            });
    }

    /** queuefile.properties with these lines. */
    static PropertiesProvider properties(String... lines) {
        return new PropertiesProvider(null, null) {
            @Override
            public Configuration getConfiguration(String name) {
                PropertiesConfiguration c = new PropertiesConfiguration();
                for (String l : lines) {
                    int eq = l.indexOf('=');
                    c.addProperty(l.substring(0, eq), l.substring(eq + 1));
                }
                return c;
            }
        };
    }

    static SpoolEnvelope claimingRelay() {
        return SpoolEnvelope.builder()
                .sender("mallory@evil.example")
                .addRecipient("victim@elsewhere.example")
                .remoteAddr("127.0.0.1")
                .remoteHost("localhost")
                .authUser("postmaster@example.test")
                .attribute("org.apache.james.SMTPIsAuthNetwork", "{\"serializer\":\"BooleanSerializer\",\"value\":true}")
                .attribute("org.apache.james.SMTPAuthUser", "{\"serializer\":\"StringSerializer\",\"value\":\"postmaster@example.test\"}")
                .attribute(Mail.SENT_BY_MAILET, "{\"serializer\":\"StringSerializer\",\"value\":\"true\"}")
                .build();
    }

    static Matcher matcher(Matcher m, String name, String condition) throws MessagingException {
        if (m instanceof RemoteAddrInNetwork) {
            ((RemoteAddrInNetwork) m).setDNSService((DNSService) Proxy.newProxyInstance(DNSService.class.getClassLoader(),
                new Class<?>[] {DNSService.class}, (p, me, a) -> {
                    if (me.getName().equals("getByName") && ((String) a[0]).matches("[0-9.:]+")) {
                        return java.net.InetAddress.getByName((String) a[0]); // a literal: no lookup
                    }
                    throw new UnsupportedOperationException("no DNS in this test: " + me.getName());
                }));
        }
        m.init(FakeMatcherConfig.builder().matcherName(name).condition(condition).build());
        return m;
    }

    @ParameterizedTest
    @EnumSource(SpoolFormat.class)
    void jamesRelayMatchersDoNotMatchARequeuedMailWhoseFileClaimsRelay(SpoolFormat format) throws Exception {
        SpoolDirectory sd = SpoolDirectory.open(dir, format);
        String id = sd.write(new SpooledMessage(null, claimingRelay(),
            "From: mallory@evil.example\r\nSubject: relay me\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII)));
        List<Mail> queued = new ArrayList<>();
        Requeuer r = Requeuer.create(dir, "n1", format, new QueueFileRequeue.SpoolSink(capturing(queued), "transport"), true, Duration.ZERO,
            Clock.systemUTC());
        assertThat(r.runOnce().requeued()).containsExactly(id);
        Mail mail = queued.get(0);
        assertThat(mail.getState()).isEqualTo("transport");
        assertThat(mail.getRemoteAddr()).isEqualTo("0.0.0.0");
        for (Matcher m : List.of(matcher(new SMTPAuthSuccessful(), "SMTPAuthSuccessful", null),
                matcher(new SMTPIsAuthNetwork(), "SMTPIsAuthNetwork", null),
                matcher(new SentByMailet(), "SentByMailet", null),
                matcher(new RemoteAddrInNetwork(), "RemoteAddrInNetwork", "127.0.0.0/8"))) {
            assertThat(m.match(mail)).as(m.getMatcherConfig().getMatcherName()).isNullOrEmpty();
        }
    }

    /** The same file from a directory the operator trusts: the matchers see what it claims (so the test above can fail). */
    @Test
    void withTrustEnvelopeTheSameFileIsBelieved() throws Exception {
        SpoolDirectory sd = SpoolDirectory.open(dir, SpoolFormat.JAMES);
        String id = sd.write(new SpooledMessage(null, claimingRelay(), "Subject: relay me\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII)));
        List<Mail> queued = new ArrayList<>();
        Requeuer r = Requeuer.create(dir, "n1", SpoolFormat.JAMES, new QueueFileRequeue.SpoolSink(capturing(queued), "transport"),
            RequeueSettings.builder().trustEnvelope(true).build());
        assertThat(r.runOnce().requeued()).containsExactly(id);
        Mail mail = queued.get(0);
        assertThat(mail.getRemoteAddr()).isEqualTo("127.0.0.1");
        for (Matcher m : List.of(matcher(new SMTPAuthSuccessful(), "SMTPAuthSuccessful", null),
                matcher(new SMTPIsAuthNetwork(), "SMTPIsAuthNetwork", null),
                matcher(new RemoteAddrInNetwork(), "RemoteAddrInNetwork", "127.0.0.0/8"))) {
            assertThat(m.match(mail)).as(m.getMatcherConfig().getMatcherName()).isNotEmpty();
        }
    }

    @Test
    void badValuesOfTheNewSettingsAreRefused() {
        for (String[] bad : new String[][] {{"trustEnvelope=yes", "trustEnvelope"}, {"maxMessageSize=50mb", "maxMessageSize"},
                {"maxMessageSize=0", "maxMessageSize"}, {"maxPerScan=-1", "maxPerScan"}, {"maxPerScan=0", "maxPerScan"}}) {
            QueueFileRequeue q = new QueueFileRequeue(factory(capturing(new ArrayList<>())), properties("directory=" + dir, bad[0]));
            try {
                assertThatThrownBy(q::start).as(bad[0]).isInstanceOf(IllegalStateException.class)
                    .hasMessageStartingWith("queuefile.properties: " + bad[1]);
            } finally {
                q.stop();
            }
        }
    }

    @Test
    void aMailWithoutRemoteAddressIsNotFromLocalhost() throws Exception {
        SpooledMessage m = new SpooledMessage("id1", SpoolEnvelope.builder().sender("a@b.example").addRecipient("c@d.example").build(),
            "Subject: x\r\n\r\nb\r\n".getBytes(StandardCharsets.US_ASCII));
        MailImpl mail = QueueFileMail.toMail("queuefile-id1", m, "transport", new ArrayList<>());
        assertThat(mail.getRemoteAddr()).isEqualTo("0.0.0.0");
        assertThat(mail.getRemoteHost()).isEqualTo("0.0.0.0");
    }

    @Test
    void anUnknownMailetParameterIsRefused() {
        assertThatThrownBy(() -> new QueueFile().init(FakeMailetConfig.builder().mailetName("q").setProperty("directory", dir.toString())
                .setProperty("passthrough", "true").build()))
            .isInstanceOf(MessagingException.class).hasMessageContaining("passthrough").hasMessageContaining("unknown");
    }

    @Test
    void aMailetDirectoryWritableByOthersIsRefused() throws Exception {
        Path out = Files.createDirectories(dir.resolve("out"));
        Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertThatThrownBy(() -> new QueueFile().init(FakeMailetConfig.builder().mailetName("q").setProperty("directory", out.toString()).build()))
            .isInstanceOf(MessagingException.class).hasMessageStartingWith("directory:").hasMessageContaining(out.toString())
            .hasMessageContaining("writable by group or others");
    }

    @Test
    void anUnknownQueuefileSettingIsRefused() {
        List<Mail> queued = new ArrayList<>();
        QueueFileRequeue q = new QueueFileRequeue(factory(capturing(queued)), properties("directory=" + dir, "pollIntervall=1s"));
        try {
            assertThatThrownBy(q::start).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("queuefile.properties").hasMessageContaining("pollIntervall");
        } finally {
            q.stop();
        }
    }
}
