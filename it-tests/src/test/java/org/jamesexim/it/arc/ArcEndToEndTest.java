package org.jamesexim.it.arc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateCrtKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.bouncycastle.asn1.pkcs.RSAPrivateKey;
import org.jamesexim.arc.ArcState;
import org.jamesexim.arc.ArcVerification;
import org.jamesexim.arc.ArcVerifier;
import org.jamesexim.arc.MailMessage;
import org.jamesexim.arc.StaticTxtResolver;
import org.jamesexim.common.testing.Prerequisites;
import org.jamesexim.it.CaptureSmtpServer;
import org.jamesexim.it.JamesHarness;
import org.jamesexim.it.SmtpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ARC end to end in a real James 3.8.1 booted from {@code james-config/examples/arc-*.xml}: a message arrives with a
 * valid 2-hop chain made by real peers (hop 1 sealed by dkimpy, hop 2 by Mail::DKIM) plus a forged
 * Authentication-Results claiming our authserv-id. ArcVerifyHook marks it pass (the ArcState matcher and the
 * trusted-sealer attribute add their headers), AuthenticationResults replaces the forged A-R with ours
 * ({@code arc=pass}), local delivery gets all that, and the copy for a remote recipient is sealed by ArcSeal on its
 * way out; the 3-hop chain that reaches the next hop verifies in dkimpy (and in Mail::DKIM, mailauth and ours).
 * The peers are installed by {@code .ci/install.d/30-arc.sh}.
 */
class ArcEndToEndTest {
    static final Path PEERS = Paths.get("../engines/arc/src/test/peers").toAbsolutePath().normalize();
    @TempDir
    static Path dir;
    static CaptureSmtpServer nextHop;
    static JamesHarness james;
    static final Map<String, String> DNS = new LinkedHashMap<>();
    static Path dnsFile;
    /** The peers' interpreters, from .ci/prerequisites (a missing peer fails here, naming its install step). */
    static String python;
    static String perl;
    static String node;

    @BeforeAll
    static void boot() throws Exception {
        python = Prerequisites.require("dkimpy");
        perl = Prerequisites.require("mail-dkim");
        Prerequisites.require("mailauth");
        node = Prerequisites.require("node");
        for (String hop : new String[] {"hop1", "hop2"}) {
            DNS.put("sel._domainkey." + hop + ".example", writeKey(hop + ".pem"));
        }
        DNS.put("arc._domainkey.example.test", writeKey("ours.pem"));
        dnsFile = dir.resolve("dns.json");
        Files.write(dnsFile, new ObjectMapper().writeValueAsBytes(DNS));

        nextHop = new CaptureSmtpServer();
        Path examples = JamesHarness.defaultConfigDir().resolve("examples");
        String mailets = Files.readString(examples.resolve("arc-mailetcontainer.xml"))
                .replace("/etc/james/arc/arc.pem", dir.resolve("ours.pem").toString())
                .replace("<!-- arc-test: gateway -->", "<gateway>127.0.0.1</gateway><gatewayPort>" + nextHop.port() + "</gatewayPort>");
        assertThat(mailets).contains("<gatewayPort>").contains(dir.resolve("ours.pem").toString());
        james = JamesHarness.builder().config("mailetcontainer.xml", mailets)
                .config("smtpserver.xml", Files.readString(examples.resolve("arc-smtpserver.xml"))).start();
        DNS.forEach((name, txt) -> james.dns().txt(name, txt));
    }

    @AfterAll
    static void stop() throws Exception {
        if (james != null) {
            james.close();
        }
        if (nextHop != null) {
            nextHop.close();
        }
    }

    /** A fresh RSA-2048 key as PKCS#1 PEM (what dkimpy and Mail::DKIM read); returns its DKIM key record. */
    static String writeKey(String file) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        KeyPair kp = g.generateKeyPair();
        RSAPrivateCrtKey k = (RSAPrivateCrtKey) kp.getPrivate();
        byte[] der = new RSAPrivateKey(k.getModulus(), k.getPublicExponent(), k.getPrivateExponent(), k.getPrimeP(),
                k.getPrimeQ(), k.getPrimeExponentP(), k.getPrimeExponentQ(), k.getCrtCoefficient()).getEncoded();
        Files.writeString(dir.resolve(file), "-----BEGIN RSA PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der) + "\n-----END RSA PRIVATE KEY-----\n");
        // ArcSeal refuses a key file others may read
        Files.setPosixFilePermissions(dir.resolve(file), java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        return "v=DKIM1; k=rsa; p=" + Base64.getEncoder().encodeToString(kp.getPublic().getEncoded());
    }

    static byte[] run(byte[] stdin, String... command) throws Exception {
        Process p = new ProcessBuilder(command).directory(PEERS.toFile()).redirectError(ProcessBuilder.Redirect.PIPE).start();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Thread t = new Thread(() -> {
            try {
                p.getErrorStream().transferTo(err);
            } catch (IOException ignored) {
                // ended
            }
        });
        t.start();
        try (OutputStream os = p.getOutputStream()) {
            os.write(stdin);
        }
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        t.join(5000);
        assertThat(p.exitValue()).as(String.join(" ", command) + " failed: "
                + err.toString(StandardCharsets.UTF_8)).isZero();
        return out;
    }

    static byte[] withAr(byte[] msg, String ar) {
        return (ar + "\r\n" + new String(msg, StandardCharsets.ISO_8859_1)).getBytes(StandardCharsets.ISO_8859_1);
    }

    static String peerVerify(String interpreter, String script, byte[] msg) throws Exception {
        JsonNode j = new ObjectMapper().readTree(run(msg, interpreter, PEERS.resolve(script).toString(), "verify", dnsFile.toString()));
        return j.get("state").asText() + " " + j.get("reason").asText();
    }

    @Test
    void twoHopChainInPassAuthResultsResealedThreeHopChainVerifiesInDkimpy() throws Exception {
        byte[] m = ("From: Alice <alice@origin.example>\r\nTo: list@hop2.example\r\nSubject: arc end to end\r\n"
                + "Date: Wed, 25 Nov 2026 10:00:00 +0000\r\nMessage-ID: <e2e-1@origin.example>\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: text/plain; charset=us-ascii\r\n\r\nHello through two forwarders.\r\n").getBytes(StandardCharsets.US_ASCII);
        m = withAr(m, "Authentication-Results: mx.hop1.example; spf=pass smtp.mailfrom=alice@origin.example");
        m = run(m, python, PEERS.resolve("dkimpy_arc.py").toString(), "seal", dnsFile.toString(),
                "hop1.example", "sel", dir.resolve("hop1.pem").toString(), "mx.hop1.example");
        m = withAr(m, "Authentication-Results: mx.hop2.example; arc=pass; spf=pass smtp.mailfrom=alice@origin.example");
        m = run(m, perl, PEERS.resolve("maildkim_arc.pl").toString(), "seal", dnsFile.toString(),
                "hop2.example", "sel", dir.resolve("hop2.pem").toString(), "mx.hop2.example");
        assertThat(peerVerify(python, "dkimpy_arc.py", m)).startsWith("pass");
        // a forged A-R in our name, added after the last seal (A-R is not signed): must not survive
        m = withAr(m, "Authentication-Results: mx.example.test; arc=pass; dmarc=pass header.from=forged.example");
        String incoming = new String(m, StandardCharsets.ISO_8859_1).replace("\r\n.", "\r\n..");

        SmtpClient.Reply r;
        try (SmtpClient c = james.smtp()) {
            c.ehlo("mx.hop2.example");
            assertThat(c.mailFrom("alice@origin.example").code).isEqualTo(250);
            assertThat(c.rcptTo(JamesHarness.DEMO_USER).code).isEqualTo(250);
            assertThat(c.rcptTo("friend@remote.test").code).isEqualTo(250);
            r = c.data(incoming);
            c.quit();
        }
        assertThat(r.code).as(r.toString()).isEqualTo(250);

        // local copy: the hook said pass, the matcher and trusted-sealer attribute acted, our A-R replaced the forgery
        String local = james.awaitMailbox(JamesHarness.DEMO_USER, JamesHarness.DEMO_PASSWORD, 1, Duration.ofSeconds(60)).get(0);
        assertThat(local).contains("X-Jexim-ARC: pass").contains("X-Jexim-ARC-Trusted: yes");
        assertThat(local).contains("Authentication-Results: mx.example.test;").contains("arc=pass (i=2)")
                .contains("arc.oldest-pass=").doesNotContain("forged.example");

        // remote copy: resealed as i=3 on the way out
        String out = nextHop.await(sent -> sent.data.contains("arc end to end"), Duration.ofSeconds(60)).data;
        // (James's RemoteDelivery may move MIME-Version to the top when it saves the message: not a signed change)
        assertThat(out.substring(out.indexOf("ARC-Seal:"))).startsWith("ARC-Seal:").contains("i=3").contains("cv=pass")
                .contains("d=example.test");
        assertThat(out).doesNotContain("forged.example");
        byte[] sealed = out.getBytes(StandardCharsets.ISO_8859_1);
        assertThat(peerVerify(python, "dkimpy_arc.py", sealed)).as("dkimpy on the 3-hop chain").startsWith("pass");
        assertThat(peerVerify(perl, "maildkim_arc.pl", sealed)).as("Mail::DKIM").startsWith("pass");
        assertThat(peerVerify(node, "mailauth_arc.js", sealed)).as("mailauth").startsWith("pass");
        ArcVerification v = new ArcVerifier(new StaticTxtResolver(DNS)).verify(MailMessage.parse(sealed),
                System.currentTimeMillis() / 1000);
        assertThat(v.state()).as(v.reason()).isEqualTo(ArcState.PASS);
        assertThat(v.domains()).containsExactly("hop1.example", "hop2.example", "example.test");
        List<String> aar = new ArrayList<>();
        for (String line : out.split("\r\n")) {
            if (line.startsWith("ARC-Authentication-Results: i=3")) {
                aar.add(line);
            }
        }
        assertThat(aar).singleElement().asString().contains("mx.example.test");
        assertThat(out).containsPattern("ARC-Authentication-Results: i=3; mx.example.test;\\s+spf=|ARC-Authentication-Results: i=3; mx.example.test;\\s+arc=pass");
    }
}
