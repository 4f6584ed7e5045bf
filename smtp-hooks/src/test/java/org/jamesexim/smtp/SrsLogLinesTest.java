package org.jamesexim.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMailContext;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.jamesexim.mailets.SrsForward;
import org.jamesexim.mailets.SrsReverse;
import org.jamesexim.smtp.testing.RecordingLogs;
import org.jamesexim.srs.SrsConfig;
import org.jamesexim.srs.SrsEngine;
import org.junit.jupiter.api.Test;

/**
 * What the SRS classes log, as Exim does: one INFO line per rewritten mail with Exim's delivery-log element
 * {@code SRS=<address>}, one INFO line per refused reverse with its reason ({@code bad hash}, {@code expired},
 * {@code not ours}), and no secret in any line at any level.
 */
class SrsLogLinesTest {
    static final String SECRET = SrsRcptHookTest.fresh();
    static final String OLD = SrsRcptHookTest.fresh();
    static final Pattern FORWARD = Pattern.compile("INFO org\\.jamesexim\\.mailets\\.SrsForward - SRS forward mail=(\\S+) srs_orig_sender=<([^>]*)> SRS=<([^>]*)>");

    final FakeMailContext context = FakeMailContext.builder().postmaster(new MailAddress("postmaster@example.test")).build();

    SrsLogLinesTest() throws Exception {
    }

    static List<String> since(int first) {
        return new ArrayList<>(RecordingLogs.lines().subList(first, RecordingLogs.lines().size()));
    }

    @Test
    void oneInfoLinePerRewrittenMailInEximsShape() throws Exception {
        SrsForward forward = new SrsForward();
        forward.init(FakeMailetConfig.builder().mailetName("f").mailetContext(context).setProperty("secrets", SECRET + ":" + OLD)
            .setProperty("alias", "example.test").build());
        int first = RecordingLogs.lines().size();
        Mail m = SrsSecretsNeverLeakTest.mail("carol@origin.test", "friend@remote.test");
        forward.service(m);
        Mail bounce = SrsSecretsNeverLeakTest.mail(null, "friend@remote.test");
        forward.service(bounce); // the null sender: not rewritten, no line
        List<String> lines = since(first);
        List<String> srs = new ArrayList<>();
        for (String l : lines) {
            if (l.contains("SRS=")) {
                srs.add(l);
            }
        }
        assertThat(srs).hasSize(1);
        Matcher x = FORWARD.matcher(srs.get(0));
        assertThat(x.matches()).as(srs.get(0)).isTrue();
        assertThat(x.group(1)).isEqualTo(m.getName());
        assertThat(x.group(2)).isEqualTo("carol@origin.test");
        assertThat(x.group(3)).isEqualTo(m.getMaybeSender().get().asString()).startsWith("SRS0=").endsWith("=origin.test=carol@example.test");
        noSecret(lines);
    }

    @Test
    void oneInfoLinePerRefusedReverseWithItsReason() throws Exception {
        SrsReverse reverse = new SrsReverse();
        FakeMailContext ctx = FakeMailContext.builder().postmaster(new MailAddress("postmaster@example.test")).build();
        reverse.init(FakeMailetConfig.builder().mailetName("r").mailetContext(ctx).setProperty("secrets", SECRET + ":" + OLD)
            .setProperty("aliasDomains", "example.test").build());
        SrsConfig c = SrsConfig.builder().secrets(SECRET).build();
        String valid = new SrsEngine(c).forward("alice@origin.test", "example.test").address();
        String expired = new SrsEngine(c, Clock.fixed(Instant.now().minus(Duration.ofDays(90)), ZoneOffset.UTC))
            .forward("alice@origin.test", "example.test").address();
        String forged = valid.replace("alice", "mallory");
        String notOurs = valid.replace("@example.test", "@localhost"); // FakeMailContext: localhost is local, not an SRS domain here
        String elsewhere = valid.replace("@example.test", "@remote.test"); // relayed: not ours to judge, no line
        int first = RecordingLogs.lines().size();
        for (String rcpt : List.of(forged, expired, notOurs, elsewhere, valid)) {
            reverse.service(SrsSecretsNeverLeakTest.mail(null, rcpt));
        }
        List<String> refused = refused(since(first));
        assertThat(refused).hasSize(3);
        assertThat(refused.get(2)).contains("srs_orig_recipient=<" + notOurs + "> srs_status=not ours reason=\"not one of the SRS domains");
        assertThat(refused.get(0)).startsWith("INFO org.jamesexim.mailets.SrsReverse - SRS reverse refused mail=")
            .contains("srs_orig_recipient=<" + forged + "> srs_status=bad hash reason=\"").contains("Invalid hash");
        assertThat(refused.get(1)).contains("srs_orig_recipient=<" + expired + "> srs_status=expired reason=\"").contains("Invalid timestamp");
        assertThat(since(first)).anyMatch(l -> l.startsWith("INFO org.jamesexim.mailets.SrsReverse - SRS reverse mail=")
            && l.endsWith("srs_orig_recipient=<" + valid + "> srs_recipient=<alice@origin.test>"));
        noSecret(since(first));
    }

    @Test
    void theRcptHookLogsEachRefusalWithItsReason() throws Exception {
        SrsRcptHook hook = SrsRcptHookTest.hook(SrsRcptHookTest.domains("example.test", "other.test"), "secrets", SECRET + ":" + OLD,
            "aliasDomains", "example.test");
        SrsConfig c = SrsConfig.builder().secrets(OLD).build();
        String valid = new SrsEngine(c).forward("alice@origin.test", "example.test").address();
        String expired = new SrsEngine(c, Clock.fixed(Instant.now().minus(Duration.ofDays(90)), ZoneOffset.UTC))
            .forward("alice@origin.test", "example.test").address();
        String forged = valid.replace("alice", "mallory");
        String notOurs = valid.replace("@example.test", "@other.test");
        String elsewhere = valid.replace("@example.test", "@remote.test");
        int first = RecordingLogs.lines().size();
        for (String rcpt : List.of(forged, expired, notOurs, elsewhere, valid)) {
            hook.doRcpt(null, MaybeSender.nullSender(), new MailAddress(rcpt));
        }
        List<String> refused = refused(since(first));
        assertThat(refused).hasSize(3);
        assertThat(refused.get(0)).contains("rcpt=<" + forged + "> srs_status=bad hash reason=\"").contains("reply=550");
        assertThat(refused.get(1)).contains("rcpt=<" + expired + "> srs_status=expired reason=\"Parse error").contains("reply=550");
        assertThat(refused.get(2)).contains("rcpt=<" + notOurs + "> srs_status=not ours reason=\"not one of the SRS domains");
        noSecret(since(first));
    }

    /** SrsForward's excludeDomainsFile changed while running: read again (one INFO line), a bad edit keeps the list (WARN). */
    @Test
    void aChangedExclusionFileIsReadAgainAndLogged(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path file = java.nio.file.Files.writeString(dir.resolve("exclude"), "first.example\n");
        SrsForward forward = new SrsForward();
        int first = RecordingLogs.lines().size();
        forward.init(FakeMailetConfig.builder().mailetName("f").mailetContext(context).setProperty("secrets", SECRET)
            .setProperty("alias", "example.test").setProperty("excludeDomainsFile", file.toString()).build());
        Mail a = SrsSecretsNeverLeakTest.mail("carol@first.example", "friend@remote.test");
        forward.service(a);
        assertThat(a.getMaybeSender().asString()).isEqualTo("carol@first.example");
        replace(file, "second.example\n", 60_000);
        Thread.sleep(org.jamesexim.mailets.SrsSettings.DOMAIN_FILE_CHECK.toMillis() + 200);
        Mail b = SrsSecretsNeverLeakTest.mail("carol@first.example", "friend@remote.test");
        forward.service(b);
        assertThat(b.getMaybeSender().asString()).startsWith("SRS0=");
        Mail c = SrsSecretsNeverLeakTest.mail("dave@second.example", "friend@remote.test");
        forward.service(c);
        assertThat(c.getMaybeSender().asString()).isEqualTo("dave@second.example");
        replace(file, "third.example\nno such domain!\n", 120_000);
        Thread.sleep(org.jamesexim.mailets.SrsSettings.DOMAIN_FILE_CHECK.toMillis() + 200);
        Mail d = SrsSecretsNeverLeakTest.mail("dave@second.example", "friend@remote.test");
        forward.service(d);
        assertThat(d.getMaybeSender().asString()).isEqualTo("dave@second.example"); // the list in use is kept
        List<String> lines = since(first);
        assertThat(lines).anyMatch(l -> l.startsWith("INFO ") && l.contains("SRS excludeDomainsFile " + file + " read: 1 domains in use"));
        assertThat(lines).anyMatch(l -> l.startsWith("INFO ") && l.contains("SRS excludeDomainsFile " + file + " reloaded: 1 domains in use"));
        assertThat(lines).anyMatch(l -> l.startsWith("WARN ") && l.contains("line 2") && l.contains("the list in use is kept"));
        noSecret(lines);
    }

    /** Replaces {@code file} by renaming a new one over it, its modification time moved on by {@code later} ms. */
    static void replace(java.nio.file.Path file, String text, long later) throws Exception {
        java.nio.file.Path tmp = java.nio.file.Files.writeString(file.resolveSibling("new"), text);
        java.nio.file.Files.setLastModifiedTime(tmp, java.nio.file.attribute.FileTime.fromMillis(
            java.nio.file.Files.getLastModifiedTime(file).toMillis() + later));
        java.nio.file.Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    static List<String> refused(List<String> lines) {
        List<String> out = new ArrayList<>();
        for (String l : lines) {
            if (l.contains("SRS reverse refused")) {
                assertThat(l).startsWith("INFO ");
                out.add(l);
            }
        }
        return out;
    }

    static void noSecret(List<String> lines) {
        assertThat(lines).isNotEmpty();
        for (String l : lines) {
            assertThat(l).doesNotContain(SECRET).doesNotContain(OLD);
        }
    }
}
