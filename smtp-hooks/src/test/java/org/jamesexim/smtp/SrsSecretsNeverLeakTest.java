package org.jamesexim.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import javax.mail.Session;
import javax.mail.internet.MimeMessage;

import org.apache.commons.configuration2.BaseConfiguration;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.server.core.MailImpl;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMailContext;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.jamesexim.mailets.SrsForward;
import org.jamesexim.mailets.SrsReverse;
import org.jamesexim.srs.SrsConfig;
import org.jamesexim.srs.SrsEngine;
import org.jamesexim.smtp.testing.RecordingLogs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The failing cases of SrsRcptHook, SrsForward and SrsReverse (forged, expired, undecodable addresses, a database that
 * is down with its password in the URL, bad parameters of every kind): no log line at any level, no reply, no
 * exception message (nor any cause's) carries a secret, the Exim secret or the database password.
 */
class SrsSecretsNeverLeakTest {
    static final String SECRET = SrsRcptHookTest.fresh();
    static final String OLD = SrsRcptHookTest.fresh();
    static final String EXIM = SrsRcptHookTest.fresh();
    static final String PASSWORD = SrsRcptHookTest.fresh().replace("/", "x").replace("+", "y");
    static final String URL = "jdbc:jexim-no-such-driver://db.example.test:5432/srs?user=james&password=" + PASSWORD;

    @TempDir
    Path dir;

    final List<String> texts = new ArrayList<>();

    void record(Throwable t) {
        for (Throwable x = t; x != null; x = x.getCause()) {
            texts.add(String.valueOf(x.getMessage()));
            texts.add(x.toString());
        }
    }

    void tryInit(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            record(e);
        }
    }

    static Mail mail(String sender, String rcpt) throws Exception {
        MimeMessage msg = new MimeMessage(Session.getInstance(new Properties()));
        msg.setText("body");
        MailImpl.Builder b = MailImpl.builder().name("m" + System.nanoTime()).addRecipient(rcpt).mimeMessage(msg);
        if (sender == null) {
            b.sender(MaybeSender.nullSender());
        } else {
            b.sender(sender);
        }
        return b.build();
    }

    @Test
    void noSecretInAnyLogLineReplyOrExceptionOfTheFailingCases() throws Exception {
        int first = RecordingLogs.lines().size();
        String secrets = SECRET + ":" + OLD;
        // the hook: forged, expired, not a bounce, undecodable, database down (its password in the URL and as dbpassword)
        SrsRcptHook h = SrsRcptHookTest.hook("secrets", secrets, "eximSecret", EXIM);
        SrsRcptHook db = SrsRcptHookTest.hook("secrets", secrets, "dburl", URL, "dbpassword", PASSWORD, "dbtimeout", "1");
        SrsConfig c = SrsConfig.builder().secrets(SECRET, OLD).build();
        String valid = new SrsEngine(c).forward("alice@origin.test", "example.test").address();
        String expired = new SrsEngine(c, Clock.fixed(Instant.now().minus(Duration.ofDays(90)), ZoneOffset.UTC))
            .forward("alice@origin.test", "example.test").address();
        String dbShaped = new SrsEngine(c, Clock.systemUTC(), new SrsRcptHookTest.Memory(), SrsEngine.DbMode.ALWAYS)
            .forward("bob@origin.test", "example.test").address();
        for (String rcpt : List.of(valid.replace("alice", "mallory"), expired, "SRS0=" + SECRET.substring(0, 6) + "=NR=x.test=y@example.test",
            "SRS1=abcdef=example.test==" + SrsRcptHookTest.fresh().replace("/", "").replace("+", "") + "@example.test", dbShaped)) {
            for (SrsRcptHook hook : List.of(h, db)) {
                for (MaybeSender s : List.of(MaybeSender.nullSender(), MaybeSender.of(new MailAddress("x@spammer.test")))) {
                    texts.add(hook.doRcpt(null, s, new MailAddress(rcpt)).getSmtpDescription());
                }
            }
        }
        // the mailets: the same addresses, and forward with the database down
        FakeMailContext context = FakeMailContext.builder().postmaster(new MailAddress("postmaster@example.test")).build();
        SrsReverse reverse = new SrsReverse();
        reverse.init(FakeMailetConfig.builder().mailetName("r").mailetContext(context).setProperty("secrets", secrets)
            .setProperty("dburl", URL).setProperty("dbpassword", PASSWORD).setProperty("dbtimeout", "1").setProperty("deferRetries", "0").build());
        for (String rcpt : List.of(valid.replace("alice", "mallory"), expired, dbShaped)) {
            Mail m = mail(null, rcpt);
            reverse.service(m);
            m.attributes().forEach(a -> texts.add(String.valueOf(a.getValue().value())));
        }
        context.getSentMails().forEach(s -> texts.add(String.valueOf(s.getMsg())));
        SrsForward forward = new SrsForward();
        forward.init(FakeMailetConfig.builder().mailetName("f").mailetContext(context).setProperty("secrets", secrets)
            .setProperty("dburl", URL).setProperty("dbpassword", PASSWORD).setProperty("dbtimeout", "1").build());
        forward.service(mail("carol@origin.test", "friend@remote.test"));
        forward.service(mail("\"x\\\"" + SECRET.substring(0, 4) + "\"@origin.test", "friend@remote.test"));

        // bad parameters, each with the secrets present: every init error
        Path open = Files.writeString(dir.resolve("open"), SECRET + "\n");
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rw-r--r--"));
        String[][] bad = {
            {"secrets", secrets, "srs_config", SECRET + ":" + OLD}, // a colon not doubled: field 2 is the old secret
            {"secrets", secrets, "srs_config", SECRET + ":1:" + OLD},
            {"secrets", secrets, "srs_config", SECRET + ":1:2:" + OLD},
            {"secrets", SECRET + ":short"},
            {"secrets", "change-me-new:" + SECRET},
            {"secrets", secrets, "secretsFile", open.toString()},
            {"secretsFile", open.toString()},
            {"secretsProperty", "jexim.no.such.property"},
            {"secrets", secrets, "eximSecret", "change-me-" + EXIM},
            {"secrets", secrets, "dbpassword", PASSWORD},
            {"secrets", secrets, "dburl", URL, "dbdriver", "org.example." + PASSWORD},
            {"secrets", secrets, "dburl", URL, "dbinsert", "INSERT " + PASSWORD},
            {"secrets", secrets, "dburl", URL, "dbmode", PASSWORD},
            {"secrets", secrets, "dburl", URL, "dbtimeout", PASSWORD},
            {"secrets", secrets, "hashlength", "99"},
            {"secrets", secrets, "separator", "/"},
            {"secrets", secrets, "alias", "not a domain " + SECRET},
            {"secrets", secrets, "deferDelay", OLD},
            {"secrets", secrets, "reverseandforward", OLD},
        };
        for (String[] params : bad) {
            BaseConfiguration conf = new BaseConfiguration();
            for (int i = 0; i < params.length; i += 2) {
                conf.setProperty(params[i], params[i + 1]);
            }
            try {
                new SrsRcptHook(SrsRcptHookTest.domains("example.test")).init(conf);
                texts.add("accepted");
            } catch (Exception e) {
                record(e);
            }
            FakeMailetConfig.Builder mc = FakeMailetConfig.builder().mailetName("f").mailetContext(context);
            for (int i = 0; i < params.length; i += 2) {
                mc.setProperty(params[i], params[i + 1]);
            }
            try {
                new SrsForward().init(mc.build());
            } catch (Exception e) {
                record(e);
            }
            try {
                new SrsReverse().init(mc.build());
            } catch (Exception e) {
                record(e);
            }
        }
        texts.addAll(RecordingLogs.lines().subList(first, RecordingLogs.lines().size()));

        assertThat(texts).as("the failing cases produced replies, log lines and errors").hasSizeGreaterThan(40);
        assertThat(String.join("\n", texts)).as("log lines: database failures were logged").contains("srs_status=defer");
        for (String t : texts) {
            for (String s : List.of(SECRET, OLD, EXIM, PASSWORD, "change-me-new")) {
                assertThat(t).as("a text of a failing case").doesNotContain(s);
            }
        }
    }
}
