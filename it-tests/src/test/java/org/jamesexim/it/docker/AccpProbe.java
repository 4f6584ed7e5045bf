package org.jamesexim.it.docker;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.Security;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.Map;

import org.jamesexim.arc.ArcVerifier;
import org.jamesexim.arc.MailMessage;
import org.jamesexim.arc.StaticTxtResolver;
import org.jamesexim.common.testing.RsaTestKey;
import org.jamesexim.it.CaptureSmtpServer;
import org.jamesexim.it.JamesHarness;
import org.jamesexim.it.SmtpClient;

/**
 * Run by {@link AccpJvmTest} in a JVM of its own, started as README.md ("Fast signing") tells an operator to start
 * James: the ACCP JAR on the class path and, or not, {@code -Djava.security.properties=docker/accp/java.security}.
 * Boots the embedded James with ArcSeal on the relay processor, relays one authenticated mail to a capture server and
 * prints what the JVM's JCA answers and whether the seal that arrived verifies:
 * {@code first=<first provider>}, {@code keyfactory=}, {@code sign=<provider of the engine's SHA256withRSA for its
 * key>}, {@code sealed=<ARC state at the next hop>}.
 */
public final class AccpProbe {
    private AccpProbe() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("accp-probe");
        RsaTestKey key = RsaTestKey.generate(2048);
        Path pem = key.writePem(dir.resolve("arc.pem"));
        System.out.println("first=" + Security.getProviders()[0].getName());
        // the lookups ArcSeal's engine makes (SigningKey: KeyFactory RSA; SignatureAlgorithm: SHA256withRSA)
        KeyFactory kf = KeyFactory.getInstance("RSA");
        Signature s = Signature.getInstance("SHA256withRSA");
        s.initSign(kf.generatePrivate(new PKCS8EncodedKeySpec(key.keyPair().getPrivate().getEncoded())));
        System.out.println("keyfactory=" + kf.getProvider().getName());
        System.out.println("sign=" + s.getProvider().getName());

        String mailets = Files.readString(JamesHarness.defaultConfigDir().resolve("mailetcontainer.xml"));
        String delivery = "<mailet match=\"All\" class=\"org.jamesexim.mailets.DsnInfoRemoteDelivery\">";
        if (!mailets.contains(delivery)) {
            throw new IllegalStateException("the sample mailetcontainer.xml has no " + delivery);
        }
        try (CaptureSmtpServer next = new CaptureSmtpServer()) {
            mailets = mailets.replace(delivery, "<mailet match=\"All\" class=\"org.jamesexim.mailets.ArcSeal\"><authservId>mx.example.test</authservId>"
                + "<domain>example.test</domain><selector>arc</selector><key>" + pem + "</key></mailet>\n" + delivery)
                .replace("<bounceProcessor>bounces</bounceProcessor>", "<bounceProcessor>bounces</bounceProcessor><gateway>127.0.0.1</gateway>"
                    + "<gatewayPort>" + next.port() + "</gatewayPort>");
            try (JamesHarness james = JamesHarness.builder().withoutDemo().config("mailetcontainer.xml", mailets).start();
                 SmtpClient c = james.smtpFrom("127.0.0.5")) {
                expect(c.authPlain(JamesHarness.DEMO_USER, JamesHarness.DEMO_PASSWORD).code, 235);
                expect(c.mailFrom(JamesHarness.DEMO_USER).code, 250);
                expect(c.rcptTo("bob@remote.example").code, 250);
                expect(c.data("From: " + JamesHarness.DEMO_USER + "\r\nTo: bob@remote.example\r\nSubject: accp\r\n"
                    + "Date: Thu, 03 Dec 2026 08:00:00 +0000\r\nMessage-ID: <accp@example.test>\r\n\r\nsealed natively\r\n").code, 250);
                c.quit();
                CaptureSmtpServer.Received r = next.await(m -> m.data.contains("Subject: accp"), Duration.ofSeconds(30));
                if (r == null) {
                    throw new IllegalStateException("nothing relayed");
                }
                String state = new ArcVerifier(new StaticTxtResolver(Map.of("arc._domainkey.example.test", key.dkimRecord())))
                    .verify(MailMessage.parse(r.data.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)),
                        System.currentTimeMillis() / 1000).state().word();
                System.out.println("sealed=" + state);
            }
        }
        System.exit(0);
    }

    private static void expect(int code, int wanted) {
        if (code != wanted) {
            throw new IllegalStateException("SMTP reply " + code + ", expected " + wanted);
        }
    }
}
