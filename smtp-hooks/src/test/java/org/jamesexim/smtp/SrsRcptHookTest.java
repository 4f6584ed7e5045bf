package org.jamesexim.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.apache.commons.configuration2.BaseConfiguration;
import org.apache.james.core.Domain;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.domainlist.api.DomainList;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.jamesexim.srs.EximNativeSrs;
import org.jamesexim.srs.SrsConfig;
import org.jamesexim.srs.SrsEngine;
import org.jamesexim.srs.SrsSecrets;
import org.jamesexim.smtp.testing.RecordingLogs;
import org.jamesexim.smtp.testing.TestSessions;
import org.junit.jupiter.api.Test;

class SrsRcptHookTest {
    /** Generated for each run (published examples are refused at init). */
    static final String SECRET = fresh();
    static final String EXIM_SECRET = fresh();
    static final SrsConfig CONFIG = SrsConfig.builder().secrets(SECRET).build();
    static final MaybeSender BOUNCE = MaybeSender.nullSender();

    static String fresh() {
        byte[] b = new byte[24];
        new SecureRandom().nextBytes(b);
        return Base64.getEncoder().encodeToString(b);
    }

    /** James's domains in these tests. */
    static DomainList domains(String... names) {
        Set<String> set = Set.of(names);
        return (DomainList) Proxy.newProxyInstance(DomainList.class.getClassLoader(), new Class<?>[] {DomainList.class}, (p, m, a) -> {
            if (m.getName().equals("containsDomain")) {
                return set.contains(((Domain) a[0]).asString().toLowerCase(Locale.ROOT));
            }
            throw new UnsupportedOperationException(m.getName());
        });
    }

    static SrsRcptHook hook(String... params) throws Exception {
        return hook(domains("example.test"), params);
    }

    static SrsRcptHook hook(DomainList domainList, String... params) throws Exception {
        BaseConfiguration c = new BaseConfiguration();
        c.addProperty("secrets", SECRET);
        c.addProperty("aliasDomains", "example.test");
        for (int i = 0; i < params.length; i += 2) {
            if (params[i + 1] == null) {
                c.clearProperty(params[i]);
            } else {
                c.setProperty(params[i], params[i + 1]);
            }
        }
        SrsRcptHook h = new SrsRcptHook(domainList);
        h.init(c);
        return h;
    }

    static HookResult rcpt(SrsRcptHook h, MaybeSender sender, String rcpt) throws Exception {
        return h.doRcpt(null, sender, new MailAddress(rcpt));
    }

    static String valid(String sender) {
        return new SrsEngine(CONFIG).forward(sender, "example.test").address();
    }

    @Test
    void validAcceptedForgedAndExpiredRefusedOthersDeclined() throws Exception {
        SrsRcptHook h = hook();
        String valid = valid("alice@origin.test");
        HookResult ok = rcpt(h, BOUNCE, valid);
        assertThat(ok.getResult()).isEqualTo(HookReturnCode.ok());
        assertThat(ok.getSmtpRetCode()).isEqualTo("250");

        HookResult forged = rcpt(h, BOUNCE, valid.replace("alice", "mallory"));
        assertThat(forged.getResult()).isEqualTo(HookReturnCode.deny());
        assertThat(forged.getSmtpRetCode()).isEqualTo("550");
        assertThat(forged.getSmtpDescription()).startsWith("5.7.1").contains("bad hash");

        Clock old = Clock.fixed(Instant.now().minus(Duration.ofDays(60)), ZoneOffset.UTC);
        String expired = new SrsEngine(CONFIG, old).forward("alice@origin.test", "example.test").address();
        HookResult exp = rcpt(h, BOUNCE, expired);
        assertThat(exp.getSmtpRetCode()).isEqualTo("550");
        assertThat(exp.getSmtpDescription()).startsWith("5.1.1").contains("expired");

        assertThat(rcpt(h, BOUNCE, "alice@example.test")).isEqualTo(HookResult.DECLINED);
        String foreign = new SrsEngine(CONFIG).forward("alice@origin.test", "remote.test").address();
        assertThat(rcpt(h, BOUNCE, foreign)).as("a valid address of another domain").isEqualTo(HookResult.DECLINED);
    }

    @Test
    void byDefaultOnlyTheNullSenderMayUseAnSrsAddress() throws Exception {
        // before: bouncesOnly was false by default: any sender got 250 and the mail was relayed to the original sender
        String valid = valid("alice@origin.test");
        HookResult r = rcpt(hook(), MaybeSender.of(new MailAddress("spam@spammer.test")), valid);
        assertThat(r.getSmtpRetCode()).isEqualTo("550");
        assertThat(r.getSmtpDescription()).contains("only accepts bounces");
        assertThat(rcpt(hook(), BOUNCE, valid).getResult()).isEqualTo(HookReturnCode.ok());
        assertThat(rcpt(hook("bouncesOnly", "false"), MaybeSender.of(new MailAddress("robot@remote.test")), valid).getResult())
            .isEqualTo(HookReturnCode.ok());
    }

    @Test
    void anAliasDomainJamesDoesNotHaveIsNotOurs() throws Exception {
        // before: aliasDomains alone decided; the 250 skipped James's relay check for a domain James does not serve
        String valid = new SrsEngine(CONFIG).forward("alice@origin.test", "srs.example.net").address();
        SrsRcptHook h = hook("aliasDomains", "example.test:srs.example.net");
        assertThat(rcpt(h, BOUNCE, valid)).isEqualTo(HookResult.DECLINED);
        SrsRcptHook served = hook(domains("example.test", "srs.example.net"), "aliasDomains", "example.test:srs.example.net");
        assertThat(rcpt(served, BOUNCE, valid).getResult()).isEqualTo(HookReturnCode.ok());
        // without aliasDomains: every James domain, and only those
        assertThat(rcpt(hook("aliasDomains", null), BOUNCE, valid)).isEqualTo(HookResult.DECLINED);
        assertThat(rcpt(hook("aliasDomains", null), BOUNCE, valid("bob@origin.test")).getResult()).isEqualTo(HookReturnCode.ok());
    }

    @Test
    void aQuotedSrsAddressIsAcceptedAndCaseChangesDoNotMatter() throws Exception {
        // before: the quoted local part did not look like SRS: DECLINED, then refused as an unknown user
        String quoted = valid("\"john doe\"@origin.test");
        assertThat(quoted).startsWith("\"SRS0=");
        SrsRcptHook h = hook();
        assertThat(rcpt(h, BOUNCE, quoted).getResult()).isEqualTo(HookReturnCode.ok());
        assertThat(rcpt(h, BOUNCE, quoted.toUpperCase(Locale.ROOT)).getResult()).isEqualTo(HookReturnCode.ok());
        assertThat(rcpt(h, BOUNCE, valid("alice@origin.test").toLowerCase(Locale.ROOT)).getResult()).isEqualTo(HookReturnCode.ok());
    }

    @Test
    void aSignedAddressThatDecodesToSomethingJamesRefusesIsRefusedNotAccepted() throws Exception {
        // an Exim native address correctly signed for "x@dom ain": SrsReverse could never send it on
        EximNativeSrs exim = new EximNativeSrs(EXIM_SECRET, Clock.systemUTC());
        String undeliverable = exim.encode("x@dom ain", "example.test");
        String deliverable = exim.encode("carol@origin.test", "example.test");
        SrsRcptHook h = hook("eximSecret", EXIM_SECRET);
        assertThat(rcpt(h, BOUNCE, deliverable).getResult()).isEqualTo(HookReturnCode.ok());
        HookResult r = rcpt(h, BOUNCE, undeliverable);
        assertThat(r.getSmtpRetCode()).as(r.getSmtpDescription()).isEqualTo("550");
        assertThat(r.getSmtpDescription()).startsWith("5.7.1");
    }

    @Test
    void aDatabaseThatIsDownGives451AndOneDeadlineServesTheWholeTransaction() throws Exception {
        SrsRcptHook h = hook("dburl", "jdbc:jexim-no-such-driver://127.0.0.1:1/srs", "dbtimeout", "1", "dbdeadline", "2");
        String signed = new SrsEngine(CONFIG, Clock.systemUTC(), new Memory(), SrsEngine.DbMode.ALWAYS)
            .forward("dave@origin.test", "example.test").address();
        TestSessions fake = TestSessions.builder();
        SMTPSession session = fake.build();
        for (int i = 0; i < 3; i++) {
            HookResult r = h.doRcpt(session, BOUNCE, new MailAddress(signed));
            assertThat(r.getResult()).isEqualTo(HookReturnCode.denySoft());
            assertThat(r.getSmtpRetCode()).isEqualTo("451");
            assertThat(r.getSmtpDescription()).startsWith("4.3.0");
        }
        assertThat(fake.attachmentsSet()).as("one deadline for the transaction").containsExactly("jexim.srs_deadline");
    }

    @Test
    void repliesAndLogLinesCarryNoLineBreaksAndAreCut() throws Exception {
        SrsRcptHook h = hook();
        String forged = "\"SRS0=AAAAAA=NR=origin.test=evil\tname" + "x".repeat(300) + "\"@example.test";
        int before = RecordingLogs.lines().size();
        HookResult r = rcpt(h, BOUNCE, forged);
        assertThat(r.getSmtpRetCode()).isEqualTo("550");
        assertThat(r.getSmtpDescription()).doesNotContain("\t").doesNotContain("\r").doesNotContain("\n").hasSizeLessThan(320);
        List<String> lines = RecordingLogs.lines().subList(before, RecordingLogs.lines().size());
        assertThat(lines).isNotEmpty().allSatisfy(l -> assertThat(l).doesNotContain("\t").hasSizeLessThan(800));
    }

    @Test
    void badConfigurationFailsNamingTheParameter() {
        assertThatThrownBy(() -> hook("maxage", "old")).hasMessageContaining("maxage");
        assertThatThrownBy(() -> hook("bouncesOnly", "perhaps")).hasMessageContaining("bouncesOnly");
        assertThatThrownBy(() -> hook("secrets", "")).hasMessageContaining("secrets");
        assertThatThrownBy(() -> hook("secrets", "change-me-new:change-me-old")).hasMessageContaining("secrets: secret 1 of 2")
            .hasMessageNotContaining("change-me-new");
        assertThatThrownBy(() -> hook("dbdeadline", "5")).hasMessageContaining("dbdeadline is set but dburl is not");
        assertThatThrownBy(() -> hook("dburl", "jdbc:x:y", "dbtimeout", "0")).hasMessageContaining("dbtimeout must be 1..60");
        assertThatThrownBy(() -> hook("dburl", "jdbc:x:y", "dbdeadline", "301")).hasMessageContaining("dbdeadline must be 1..300");
        assertThatThrownBy(() -> hook("dburl", "jdbc:x:y", "dbconnections", "65")).hasMessageContaining("dbconnections must be 1..64");
        assertThat(SrsSecrets.MIN_OCTETS).isEqualTo(16);
    }

    /** A map, to sign database-mode addresses. */
    static final class Memory implements org.jamesexim.srs.SrsDatabase {
        @Override
        public void insert(String key, String address, Duration timeout) {
        }

        @Override
        public Optional<String> select(String key, Duration timeout) {
            return Optional.empty();
        }
    }

    @Test
    void eachDecisionIsCountedAsJeximSrsRcpt() throws Exception {
        org.apache.james.metrics.tests.RecordingMetricFactory metrics = new org.apache.james.metrics.tests.RecordingMetricFactory();
        BaseConfiguration c = new BaseConfiguration();
        c.addProperty("secrets", SECRET);
        c.addProperty("aliasDomains", "example.test");
        SrsRcptHook h = new SrsRcptHook(domains("example.test"), null, metrics);
        h.init(c);
        String valid = valid("alice@origin.test");
        rcpt(h, BOUNCE, valid);
        rcpt(h, BOUNCE, valid);
        rcpt(h, BOUNCE, valid.replace("alice", "mallory"));
        rcpt(h, MaybeSender.of(new MailAddress("spam@spammer.test")), valid);
        rcpt(h, BOUNCE, "alice@example.test"); // not SRS-shaped: not counted
        assertThat(metrics.countForPrefixName("jexim.srs.rcpt.")).containsExactlyInAnyOrderEntriesOf(java.util.Map.of(
            "jexim.srs.rcpt.valid", 2, "jexim.srs.rcpt.bad_hash", 1, "jexim.srs.rcpt.not_a_bounce", 1));
    }
}
