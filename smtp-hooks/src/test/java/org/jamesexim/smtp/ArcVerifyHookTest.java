package org.jamesexim.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;
import java.util.Random;

import javax.mail.Session;
import javax.mail.internet.MimeMessage;

import org.apache.commons.configuration2.BaseHierarchicalConfiguration;
import org.apache.james.core.MailAddress;
import org.apache.james.dnsservice.api.DNSService;
import org.apache.james.dnsservice.dnsjava.DNSJavaService;
import org.apache.james.metrics.tests.RecordingMetricFactory;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.apache.mailet.base.test.FakeMail;
import org.jamesexim.mailets.ArcAttributes;
import org.jamesexim.mailets.ArcSettings;
import org.jamesexim.smtp.testing.RecordingLogs;
import org.jamesexim.smtp.testing.TestSessions;
import org.junit.jupiter.api.Test;

class ArcVerifyHookTest {
    /** An ARC set with the right body hash whose signatures cannot verify (no key published, or DNS down). */
    static final String BROKEN = "ARC-Seal: i=1; a=rsa-sha256; cv=none; d=x.example; s=s; b=AAAA\r\n"
            + "ARC-Message-Signature: i=1; a=rsa-sha256; d=x.example; s=s; h=from; b=AAAA; bh="
            + bodyHash("body\r\n") + "\r\n"
            + "ARC-Authentication-Results: i=1; mx.x.example; spf=pass\r\n"
            + "From: a@b.example\r\nSubject: s\r\n\r\nbody\r\n";

    static String bodyHash(String canonicalBody) {
        try {
            return java.util.Base64.getEncoder().encodeToString(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(canonicalBody.getBytes(StandardCharsets.US_ASCII)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static DNSService dns(boolean down) {
        return (DNSService) Proxy.newProxyInstance(DNSService.class.getClassLoader(), new Class<?>[] {DNSService.class},
                (p, m, a) -> {
                    if (m.getName().equals("findTXTRecords")) {
                        if (down) {
                            throw new IllegalStateException("SERVFAIL");
                        }
                        return List.of();
                    }
                    throw new UnsupportedOperationException(m.getName());
                });
    }

    static SMTPSession session() {
        return TestSessions.builder().build();
    }

    static FakeMail mail(String raw) throws Exception {
        return FakeMail.builder().name("m").recipient(new MailAddress("bob@dest.example"))
                .mimeMessage(new MimeMessage(Session.getInstance(new Properties()),
                        new ByteArrayInputStream(raw.getBytes(StandardCharsets.US_ASCII)))).build();
    }

    static ArcVerifyHook hook(boolean dnsDown, String acceptable) throws Exception {
        ArcVerifyHook h = new ArcVerifyHook(dns(dnsDown));
        BaseHierarchicalConfiguration c = new BaseHierarchicalConfiguration();
        if (acceptable != null) {
            c.addProperty("acceptable", acceptable);
        }
        h.init(c);
        return h;
    }

    @Test
    void marksAndDeclinesByDefault() throws Exception {
        FakeMail m = mail(BROKEN);
        assertThat(hook(false, null).onMessage(session(), m)).isEqualTo(HookResult.DECLINED);
        assertThat(ArcSettings.stringAttribute(m, ArcAttributes.ARC_STATE)).contains("fail");
        assertThat(ArcSettings.stringAttribute(m, ArcAttributes.ARC_DOMAINS)).contains("x.example");
        assertThat(ArcSettings.stringAttribute(m, ArcAttributes.ARC_STATE_REASON).orElse("")).contains("no key record");
        FakeMail plain = mail("From: a@b.example\r\n\r\nhi\r\n");
        assertThat(hook(false, "none:pass").onMessage(session(), plain)).isEqualTo(HookResult.DECLINED);
        assertThat(ArcSettings.stringAttribute(plain, ArcAttributes.ARC_STATE)).contains("none");
    }

    /** Exim tags the receive line of an ARC pass "ARC"; James writes no receive line, so the hook writes one of its own. */
    @Test
    void eachReceiptLogsOneLineTaggedArc() throws Exception {
        ArcVerifyHook h = hook(false, null);
        int before = RecordingLogs.lines().size();
        h.onMessage(session(), mail(BROKEN));
        h.onMessage(session(), mail("From: a@b.example\r\n\r\nhi\r\n"));
        List<String> lines = RecordingLogs.lines().subList(before, RecordingLogs.lines().size()).stream()
                .filter(l -> l.contains(ArcVerifyHook.class.getName())).collect(java.util.stream.Collectors.toList());
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).startsWith("INFO " + ArcVerifyHook.class.getName() + " - ARC arc_state=fail arc_state_reason=\"")
                .contains(" arc_domains=x.example arc_oldest_pass=0 session=s1 remote=");
        assertThat(lines.get(1)).isEqualTo("INFO " + ArcVerifyHook.class.getName()
                + " - ARC arc_state=none arc_oldest_pass=0 session=s1 remote=");
    }

    @Test
    void refusesStatesOutsideAcceptableAndDefersOnDnsTrouble() throws Exception {
        HookResult r = hook(false, "none:pass").onMessage(session(), mail(BROKEN));
        assertThat(r.getResult()).isEqualTo(HookReturnCode.deny());
        assertThat(r.getSmtpRetCode()).isEqualTo("550");
        HookResult soft = hook(true, "none:pass").onMessage(session(), mail(BROKEN));
        assertThat(soft.getResult()).isEqualTo(HookReturnCode.denySoft());
        assertThat(soft.getSmtpRetCode()).isEqualTo("451");
    }

    @Test
    void badAcceptableListFailsAtStartup() {
        assertThatThrownBy(() -> hook(false, "pass:maybe")).hasMessageContaining("acceptable").hasMessageContaining("maybe");
    }

    /**
     * A UDP socket on port 53 of a loopback address that reads nothing and answers nothing: James's DNSJavaService
     * asks port 53 only. Without the right to bind port 53, an address where nothing listens (no answer either).
     */
    static DatagramSocket silentDnsServer() throws Exception {
        Random r = new Random();
        for (int i = 0; i < 20; i++) {
            InetAddress a = InetAddress.getByAddress(new byte[] {127, 83, (byte) r.nextInt(256), (byte) (1 + r.nextInt(254))});
            try {
                return new DatagramSocket(new InetSocketAddress(a, 53));
            } catch (SocketException e) {
                // taken, or no right to bind port 53: try another / fall back below
            }
        }
        DatagramSocket unbound = new DatagramSocket(null);
        unbound.connect(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 83, 0, 1}), 53));
        return unbound;
    }

    static String address(DatagramSocket s) {
        InetAddress a = s.isBound() ? s.getLocalAddress() : s.getInetAddress();
        return a.getHostAddress();
    }

    @Test
    void jamesOwnDnsServiceTimingOutGives451Never550() throws Exception {
        try (DatagramSocket silent = silentDnsServer()) {
            // the real James DNS service, configured (as in dnsservice.xml) to ask only the silent server
            DNSJavaService james = new DNSJavaService(new RecordingMetricFactory());
            BaseHierarchicalConfiguration dnsservice = new BaseHierarchicalConfiguration();
            dnsservice.addProperty("autodiscover", false);
            dnsservice.addProperty("setAsDNSJavaDefault", false);
            dnsservice.addProperty("servers.server", address(silent));
            james.configure(dnsservice);
            james.init();
            ArcVerifyHook h = new ArcVerifyHook(james);
            BaseHierarchicalConfiguration c = new BaseHierarchicalConfiguration();
            c.addProperty("dns", "james");
            c.addProperty("dnsTimeout", "1s");
            c.addProperty("dnsDeadline", "3s");
            c.addProperty("acceptable", "none:pass");
            h.init(c);
            FakeMail m = mail(BROKEN);
            HookResult r = h.onMessage(session(), m);
            // James's findTXTRecords answers a timed-out lookup with an empty list, as for "no such record": that
            // read as "no key" and refused good mail for good (550); it is a temporary error, to be tried again
            assertThat(r.getSmtpRetCode()).as("%s (silent server %s)", r.getSmtpDescription(), address(silent))
                    .isEqualTo("451");
            assertThat(r.getResult()).isEqualTo(HookReturnCode.denySoft());
            assertThat(ArcSettings.stringAttribute(m, ArcAttributes.ARC_STATE)).contains("temperror");
            assertThat(ArcSettings.stringAttribute(m, ArcAttributes.ARC_STATE_REASON).orElse("")).contains("temperror");
        }
    }

    @Test
    void aTemporaryErrorIsAcceptedWhereFailIs() throws Exception {
        FakeMail m = mail(BROKEN);
        assertThat(hook(true, "none:pass:fail").onMessage(session(), m)).isEqualTo(HookResult.DECLINED);
        assertThat(ArcSettings.stringAttribute(m, ArcAttributes.ARC_STATE)).contains("temperror");
        assertThat(hook(true, "pass:temperror").onMessage(session(), mail(BROKEN))).isEqualTo(HookResult.DECLINED);
        assertThat(hook(true, "pass").onMessage(session(), mail(BROKEN)).getSmtpRetCode()).isEqualTo("451");
    }

    static ArcVerifyHook configured(String... keyValues) throws Exception {
        ArcVerifyHook h = new ArcVerifyHook(dns(false));
        BaseHierarchicalConfiguration c = new BaseHierarchicalConfiguration();
        for (int i = 0; i < keyValues.length; i += 2) {
            c.addProperty(keyValues[i], keyValues[i + 1]);
        }
        h.init(c);
        return h;
    }

    @Test
    void unsafeOrUnknownConfigurationIsRefusedNamingTheParameter() throws Exception {
        configured("dnsTimeout", "2s", "dnsDeadline", "1m", "trustedSealers", "google.com microsoft.com");
        configured("dnsTimeout", "0.5", "dnsDeadline", "20");
        assertThatThrownBy(() -> configured("dnsDeadLine", "10s")).hasMessageContaining("unknown parameter dnsDeadLine");
        assertThatThrownBy(() -> configured("dnsDeadline", "0s")).hasMessageContaining("dnsDeadline must be positive");
        assertThatThrownBy(() -> configured("dnsDeadline", "1h")).hasMessageContaining("dnsDeadline must be at most 5m");
        assertThatThrownBy(() -> configured("dnsTimeout", "soon")).hasMessageContaining("dnsTimeout");
        assertThatThrownBy(() -> configured("dnsTimeout", "6m")).hasMessageContaining("dnsTimeout must be at most 5m");
        assertThatThrownBy(() -> configured("trustedSealers", "google.com;evil")).hasMessageContaining("trustedSealers");
        assertThatThrownBy(() -> configured("dns", "a b c")).hasMessageContaining("dns must be");
        assertThatThrownBy(() -> configured("dns", "127.0.0.1 99999")).hasMessageContaining("dns port");
    }
}
