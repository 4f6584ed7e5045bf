package org.jamesexim.bench.arc;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.interfaces.RSAPrivateCrtKey;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.RSAPrivateKey;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.jamesexim.arc.ArcSealer;
import org.jamesexim.arc.ArcState;
import org.jamesexim.arc.MailMessage;
import org.jamesexim.arc.SigningKey;
import org.jamesexim.arc.StaticTxtResolver;

/**
 * The ARC benchmark inputs, made the same way for JMH and for the peers: 13 header fields, a 7-bit text body of
 * the given size, AMS over 8 headers, chains of 1 and 3 hops each with its own key, and the two messages to seal
 * (no chain; a 2-hop chain whose A-R says arc=pass, so that no one re-verifies when sealing).
 * {@code main(dir)} writes them (RSA-2048) with the keys and a dns.json for the peer harnesses.
 */
public final class ArcBenchData {
    static final long NOW = 1_700_000_000L;
    static final String SRV_ID = "mx.seal.bench.example";
    static final String[] SIGNED = {"from", "to", "cc", "subject", "date", "message-id", "mime-version", "content-type"};

    final Map<String, String> dns = new LinkedHashMap<>();
    final Map<String, String> pems = new LinkedHashMap<>();
    final Map<String, SigningKey> keys = new LinkedHashMap<>();
    final boolean ed25519;

    ArcBenchData(boolean ed25519) {
        this.ed25519 = ed25519;
        for (String name : new String[] {"hop1", "hop2", "hop3", "seal"}) {
            String domain = name + ".bench.example";
            String[] pemAndRecord = ed25519 ? ed25519Key() : rsaKey();
            pems.put(name, pemAndRecord[0]);
            dns.put("sel._domainkey." + domain, pemAndRecord[1]);
            keys.put(name, SigningKey.parse(pemAndRecord[0], name));
        }
    }

    static String[] rsaKey() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            KeyPair kp = g.generateKeyPair();
            RSAPrivateCrtKey k = (RSAPrivateCrtKey) kp.getPrivate();
            byte[] der = new RSAPrivateKey(k.getModulus(), k.getPublicExponent(), k.getPrivateExponent(), k.getPrimeP(),
                    k.getPrimeQ(), k.getPrimeExponentP(), k.getPrimeExponentQ(), k.getCrtCoefficient()).getEncoded();
            return new String[] {pem("RSA PRIVATE KEY", der),
                    "v=DKIM1; k=rsa; p=" + Base64.getEncoder().encodeToString(kp.getPublic().getEncoded())};
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String[] ed25519Key() {
        try {
            Ed25519PrivateKeyParameters k = new Ed25519PrivateKeyParameters(new SecureRandom());
            byte[] der = new PrivateKeyInfo(new AlgorithmIdentifier(EdECObjectIdentifiers.id_Ed25519),
                    new DEROctetString(k.getEncoded())).getEncoded();
            return new String[] {pem("PRIVATE KEY", der),
                    "v=DKIM1; k=ed25519; p=" + Base64.getEncoder().encodeToString(k.generatePublicKey().getEncoded())};
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    /** 13 header fields and a 7-bit body of about {@code bodySize} bytes. */
    static String base(int bodySize) {
        StringBuilder sb = new StringBuilder(bodySize + 1024);
        sb.append("Return-Path: <alice@origin.bench.example>\r\n")
                .append("Received: from mail.origin.bench.example (mail.origin.bench.example [192.0.2.10])\r\n")
                .append("\tby mx.hop1.bench.example with ESMTPS id 4Xyz; Tue, 14 Nov 2023 22:13:20 +0000\r\n")
                .append("Received: by mail.origin.bench.example with ESMTP id abc; Tue, 14 Nov 2023 22:13:19 +0000\r\n")
                .append("From: Alice Example <alice@origin.bench.example>\r\n")
                .append("To: The List <list@hop1.bench.example>\r\n")
                .append("Cc: Bob <bob@origin.bench.example>\r\n")
                .append("Subject: Benchmark message for ARC sealing and verification\r\n")
                .append("Date: Tue, 14 Nov 2023 22:13:19 +0000\r\n")
                .append("Message-ID: <bench-0001@origin.bench.example>\r\n")
                .append("MIME-Version: 1.0\r\n")
                .append("Content-Type: text/plain; charset=us-ascii\r\n")
                .append("Content-Transfer-Encoding: 7bit\r\n")
                .append("\r\n");
        String line = "The quick brown fox jumps over the lazy dog while the mail goes through.";
        int n = 0;
        while (sb.length() < bodySize + 700) {
            sb.append(line, 0, 40 + (n % 30)).append("  \r\n");
            n++;
        }
        return sb.toString();
    }

    private ArcSealer sealer(String name) {
        return ArcSealer.builder().authservId("mx." + name + ".bench.example").domain(name + ".bench.example")
                .selector("sel").key(keys.get(name)).signedHeaders(java.util.Arrays.asList(SIGNED)).build();
    }

    /** {@code msg} after hops 1..n, each receiving (A-R with arc=) and sealing. */
    String chain(String msg, int hops) {
        String m = msg;
        for (int i = 1; i <= hops; i++) {
            String hop = "hop" + i;
            m = "Authentication-Results: mx." + hop + ".bench.example;" + (i > 1 ? " arc=pass;" : "")
                    + " spf=pass smtp.mailfrom=alice@origin.bench.example\r\n" + m;
            MailMessage mm = MailMessage.parse(m.getBytes(StandardCharsets.ISO_8859_1));
            m = new String(sealer(hop).seal(mm, i == 1 ? ArcState.NONE : ArcState.PASS, NOW).applyTo(mm),
                    StandardCharsets.ISO_8859_1);
        }
        return m;
    }

    /** The message our ADMD seals: an existing chain of {@code hops} plus our A-R. */
    String toSeal(String msg, int hops) {
        return "Authentication-Results: " + SRV_ID + ";" + (hops > 0 ? " arc=pass;" : "")
                + " spf=pass smtp.mailfrom=alice@origin.bench.example\r\n" + chain(msg, hops);
    }

    /** Takes cv= from the input's A-R (arc=pass), as the peers measured beside it do: nobody re-verifies when sealing. */
    ArcSealer ourSealer() {
        return ArcSealer.builder().authservId(SRV_ID).domain("seal.bench.example").selector("sel").key(keys.get("seal"))
                .signedHeaders(java.util.Arrays.asList(SIGNED)).cvFromAuthResults(true).build();
    }

    StaticTxtResolver resolver() {
        return new StaticTxtResolver(dns);
    }

    /** Writes verify1/verify3/seal1/seal3 for 4 KiB and 100 KiB, the PEM keys and dns.json into {@code args[0]}. */
    public static void main(String[] args) throws IOException {
        Path dir = Paths.get(args[0]);
        Files.createDirectories(dir);
        ArcBenchData d = new ArcBenchData(false);
        for (int size : new int[] {4096, 102400}) {
            String base = base(size);
            String tag = size == 4096 ? "4k" : "100k";
            write(dir.resolve("verify1-" + tag + ".eml"), d.chain(base, 1));
            write(dir.resolve("verify3-" + tag + ".eml"), d.chain(base, 3));
            write(dir.resolve("seal1-" + tag + ".eml"), d.toSeal(base, 0));
            write(dir.resolve("seal3-" + tag + ".eml"), d.toSeal(base, 2));
        }
        for (Map.Entry<String, String> e : d.pems.entrySet()) {
            write(dir.resolve(e.getKey() + ".pem"), e.getValue());
        }
        StringBuilder json = new StringBuilder("{");
        d.dns.forEach((k, v) -> json.append(json.length() > 1 ? "," : "").append('"').append(k).append("\":\"").append(v).append('"'));
        write(dir.resolve("dns.json"), json.append("}").toString());
    }

    private static void write(Path p, String s) throws IOException {
        Files.write(p, s.getBytes(StandardCharsets.ISO_8859_1));
    }
}
