package org.jamesexim.arc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Interoperability with real ARC implementations, both ways: seals we make verify in dkimpy, Mail::DKIM and
 * mailauth; seals they make verify in our verifier; mixed chains (peer, us, another peer) verify everywhere;
 * tampered messages fail everywhere. Keys are fresh RSA-2048 (and Ed25519) keys; DNS comes from a JSON file.
 */
class ArcInteropTest {
    static final long NOW = 1_764_000_000L;
    @TempDir
    static Path dir;
    static Path dns;
    static final Map<String, TestKeys> KEYS = new LinkedHashMap<>();
    static final Map<String, Path> KEY_FILES = new LinkedHashMap<>();
    static ArcVerifier verifier;

    static final String BASE = "From: Alice <alice@origin.example>\r\n"
            + "To: list@lists.example\r\n"
            + "Subject: ARC interop\r\n"
            + "Date: Wed, 25 Nov 2026 10:00:00 +0000\r\n"
            + "Message-ID: <interop-1@origin.example>\r\n"
            + "MIME-Version: 1.0\r\n"
            + "Content-Type: text/plain; charset=us-ascii\r\n"
            + "\r\n"
            + "Hello,\r\n\r\nthis message travels through several   forwarders.  \r\n--\r\nAlice\r\n\r\n";

    @BeforeAll
    static void keys() throws Exception {
        Map<String, String> records = new LinkedHashMap<>();
        for (String hop : new String[] {"hop1", "hop2", "hop3", "hop4"}) {
            TestKeys k = TestKeys.rsa(2048);
            KEYS.put(hop, k);
            KEY_FILES.put(hop, k.write(dir, hop + ".pem"));
            records.put("sel._domainkey." + hop + ".example", k.record);
        }
        TestKeys ed = TestKeys.ed25519();
        KEYS.put("ed", ed);
        KEY_FILES.put("ed", ed.write(dir, "ed.pem"));
        records.put("sel._domainkey.ed.example", ed.record);
        dns = Peers.writeDns(dir, records);
        verifier = new ArcVerifier(new StaticTxtResolver(records));
    }

    /** What an ADMD's MTA does on receipt: verify, and write its Authentication-Results with arc=. */
    static byte[] receive(byte[] msg, String hop) {
        ArcVerification v = verifier.verify(MailMessage.parse(msg), NOW);
        String ar = "Authentication-Results: mx." + hop + ".example; arc=" + v.state().word()
                + "; spf=pass smtp.mailfrom=alice@origin.example\r\n";
        byte[] a = ar.getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[a.length + msg.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(msg, 0, out, a.length, msg.length);
        return out;
    }

    static byte[] ourSeal(byte[] msg, String hop) {
        // as ArcSeal does when it has no SMTP-time verdict: verify the chain now (never trust the A-R's arc=)
        ArcSealer sealer = ArcSealer.builder().authservId("mx." + hop + ".example").domain(hop + ".example")
                .selector("sel").key(KEYS.get(hop).signingKey()).verifier(verifier).build();
        MailMessage m = MailMessage.parse(msg);
        ArcSealResult r = sealer.seal(m, null, NOW);
        assertThat(r.sealed()).as(r.reason()).isTrue();
        return r.applyTo(m);
    }

    static byte[] peerSeal(Peers peer, byte[] msg, String hop) {
        return peer.seal(msg, dns, hop + ".example", "sel", KEY_FILES.get(hop), "mx." + hop + ".example");
    }

    static ArcVerification ours(byte[] msg) {
        return verifier.verify(MailMessage.parse(msg), NOW);
    }

    static byte[] base() {
        return BASE.getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] ourThreeHops() {
        byte[] m = base();
        for (String hop : new String[] {"hop1", "hop2", "hop3"}) {
            m = ourSeal(receive(m, hop), hop);
        }
        return m;
    }

    @ParameterizedTest
    @EnumSource(Peers.class)
    void ourOneAndThreeHopSealsVerifyInThePeer(Peers peer) {
        peer.requireInstalled();
        byte[] one = ourSeal(receive(base(), "hop1"), "hop1");
        assertThat(peer.verify(one, dns)[0]).as(peer + ": " + peer.verify(one, dns)[1]).isEqualTo("pass");
        byte[] three = ourThreeHops();
        String[] v = peer.verify(three, dns);
        assertThat(v[0]).as(peer + ": " + v[1]).isEqualTo("pass");
        ArcVerification o = ours(three);
        assertThat(o.state()).isEqualTo(ArcState.PASS);
        assertThat(o.domains()).containsExactly("hop1.example", "hop2.example", "hop3.example");
        assertThat(o.oldestPass()).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(Peers.class)
    void thePeersSealsVerifyInOursAndTheOtherPeers(Peers peer) {
        peer.requireInstalled();
        byte[] one = peerSeal(peer, receive(base(), "hop1"), "hop1");
        ArcVerification v1 = ours(one);
        assertThat(v1.state()).as(v1.reason()).isEqualTo(ArcState.PASS);
        // a second peer hop over the first
        byte[] two = peerSeal(peer, receive(one, "hop2"), "hop2");
        ArcVerification v2 = ours(two);
        assertThat(v2.state()).as(v2.reason()).isEqualTo(ArcState.PASS);
        assertThat(v2.domains()).containsExactly("hop1.example", "hop2.example");
        for (Peers other : Peers.values()) {
            other.requireInstalled();
            assertThat(other.verify(two, dns)[0]).as(other + " on " + peer + "'s chain").isEqualTo("pass");
        }
    }

    @ParameterizedTest
    @EnumSource(Peers.class)
    void mixedChainPeerThenUsThenVerifiedByEveryoneElse(Peers first) {
        first.requireInstalled();
        byte[] one = peerSeal(first, receive(base(), "hop1"), "hop1");
        byte[] two = ourSeal(receive(one, "hop2"), "hop2");
        assertThat(new String(two, StandardCharsets.ISO_8859_1)).contains("cv=pass");
        for (Peers p : Peers.values()) {
            p.requireInstalled();
            String[] v = p.verify(two, dns);
            assertThat(v[0]).as(p + " on " + first + "+us: " + v[1]).isEqualTo("pass");
        }
        // and one more peer hop on top of ours
        Peers third = first == Peers.DKIMPY ? Peers.MAIL_DKIM : Peers.DKIMPY;
        byte[] three = peerSeal(third, receive(two, "hop3"), "hop3");
        ArcVerification v = ours(three);
        assertThat(v.state()).as(v.reason()).isEqualTo(ArcState.PASS);
        assertThat(v.domains()).containsExactly("hop1.example", "hop2.example", "hop3.example");
    }

    /**
     * Ed25519 (RFC 8463). No installed peer verifies Ed25519 ARC as RFC 8463 defines it: dkimpy 1.1.4's ARC code
     * only knows rsa-sha256 and Mail::DKIM's ARC is rsa-sha256 only. mailauth 4.13.3 verifies our Ed25519
     * ARC-Message-Signature (Ed25519 over the SHA-256 of the canonical data, as RFC 8463 section 3 says) but checks
     * the ARC-Seal as PureEdDSA over the raw canonical data, so it passes the AMS and fails the seal. This test pins
     * exactly that: a regression in our AMS would make mailauth fail earlier with an AMS reason.
     */
    @Test
    void ed25519AmsVerifiesInMailauthWhichThenRejectsTheRfc8463Seal() {
        Peers.MAILAUTH.requireInstalled();
        byte[] m = ourSeal(receive(base(), "ed"), "ed");
        assertThat(new String(m, StandardCharsets.ISO_8859_1)).contains("a=ed25519-sha256");
        assertThat(ours(m).state()).isEqualTo(ArcState.PASS);
        String[] v = Peers.MAILAUTH.verify(m, dns);
        assertThat(v[2]).as("mailauth's verdict on our Ed25519 AMS").isEqualTo("pass");
        assertThat(v[1]).isEqualTo("i=1 seal signature validation failed");
        // a tampered body: mailauth's AMS check fails too, as ours does
        String tampered = new String(m, StandardCharsets.ISO_8859_1).replace("Alice\r\n", "Mallory\r\n");
        assertThat(Peers.MAILAUTH.verify(tampered.getBytes(StandardCharsets.ISO_8859_1), dns)[2]).isNotEqualTo("pass");
        assertThat(ours(tampered.getBytes(StandardCharsets.ISO_8859_1)).reason()).contains("body hash");
    }

    /**
     * mailauth 4.13.3 asked to seal with an Ed25519 key writes an ARC-Seal and an AAR but no
     * ARC-Message-Signature (its DKIM signer produces none for ed25519 in ARC mode): an incomplete set, which
     * we must report as a structural failure rather than pass or crash.
     */
    @Test
    void mailauthsIncompleteEd25519SetFailsInOursAsMissingHeader() {
        Peers.MAILAUTH.requireInstalled();
        byte[] m = peerSeal(Peers.MAILAUTH, receive(base(), "ed"), "ed");
        String s = new String(m, StandardCharsets.ISO_8859_1);
        assertThat(s).contains("a=ed25519-sha256").doesNotContain("ARC-Message-Signature:");
        ArcVerification v = ours(m);
        assertThat(v.state()).isEqualTo(ArcState.FAIL);
        assertThat(v.reason()).isEqualTo("i=1 (missing header)");
    }

    @Test
    void tamperedChainsFailEverywhere() throws Exception {
        byte[] three = ourThreeHops();
        String s = new String(three, StandardCharsets.ISO_8859_1);
        Map<String, String> tampered = new LinkedHashMap<>();
        tampered.put("body", s.replace("several   forwarders", "several forwarders, and a bank account"));
        tampered.put("subject", s.replace("Subject: ARC interop", "Subject: ARC interop!"));
        tampered.put("aar i=1", s.replace("i=1; mx.hop1.example;", "i=1; mx.hop1.example; dkim=pass;"));
        tampered.put("seal cv", s.replace("cv=pass; d=hop2.example", "cv=pass; d=hop4.example"));
        for (Map.Entry<String, String> t : tampered.entrySet()) {
            assertThat(t.getValue()).as("tampering " + t.getKey() + " changed the message").isNotEqualTo(s);
            byte[] m = t.getValue().getBytes(StandardCharsets.ISO_8859_1);
            ArcVerification o = ours(m);
            assertThat(o.state()).as("ours on tampered " + t.getKey()).isEqualTo(ArcState.FAIL);
            for (Peers p : Peers.values()) {
                p.requireInstalled();
                String[] v = p.verify(m, dns);
                assertThat(v[0]).as(p + " on tampered " + t.getKey() + ": " + v[1]).isEqualTo("fail");
            }
        }
        Files.write(dir.resolve("three.eml"), three);
    }
}
