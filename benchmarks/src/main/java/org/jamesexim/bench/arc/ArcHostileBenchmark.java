package org.jamesexim.bench.arc;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.jamesexim.arc.ArcSealResult;
import org.jamesexim.arc.ArcSealer;
import org.jamesexim.arc.ArcState;
import org.jamesexim.arc.ArcVerifier;
import org.jamesexim.arc.AuthResults;
import org.jamesexim.arc.MailMessage;
import org.jamesexim.arc.SigningKey;
import org.jamesexim.arc.StaticTxtResolver;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What hostile input costs the ARC engine, at 1x, 10x and 100x the input size (BENCHMARKS.md, "ARC hostile
 * input"): an ARC-Seal of 400 / 4,000 / 40,000 tags (issue 16's example at 100x), 20 KB / 200 KB / 2 MB of header
 * under a valid chain, 100 / 1,000 / 10,000 ARC sets, and an Authentication-Results of 100 / 1,000 / 10,000
 * results (read by AuthenticationResults and ArcSeal); for scale, "normal" is a valid 1-hop chain (RSA-2048) over a
 * body of 1 KB / 10 KB / 100 KB. Only public API that the engine had before issue 16 is used,
 * so the same class measures the old engine when its JAR comes first on the class path. Verdicts are not checked
 * here (the old engine passes some of these); ArcHostileInputTest and ArcFuzzTest check them.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ArcHostileBenchmark {
    static final long NOW = 1_764_000_000L;
    static final String BASE = "From: a@origin.example\r\nTo: b@dest.example\r\nSubject: hostile\r\n"
            + "Date: Wed, 25 Nov 2026 10:00:00 +0000\r\n\r\nbody line\r\n";

    @Param({"1", "10", "100"})
    public int scale;

    @Param({"normal", "tags", "header", "sets", "authres"})
    public String input;

    private ArcVerifier verifier;
    private byte[] message;
    private String authResults;

    @Setup
    public void setUp() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        KeyPair kp = g.generateKeyPair();
        String pem = "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder().encodeToString(kp.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        verifier = new ArcVerifier(new StaticTxtResolver(Map.of("s._domainkey.hop1.example",
                "v=DKIM1; k=rsa; p=" + Base64.getEncoder().encodeToString(kp.getPublic().getEncoded()))));
        ArcSealer sealer = ArcSealer.builder().authservId("mx.hop1.example").domain("hop1.example").selector("s")
                .key(SigningKey.parse(pem, "bench")).build();
        String base = BASE;
        if (input.equals("normal")) {
            base = BASE + ("a line of text that makes the body longer, one kilobyte per sixteen of them.\r\n").repeat(16 * scale);
        }
        MailMessage m = MailMessage.parse(base.getBytes(StandardCharsets.ISO_8859_1));
        ArcSealResult r = sealer.seal(m, ArcState.NONE, NOW);
        String chain = new String(r.applyTo(m), StandardCharsets.ISO_8859_1);
        StringBuilder sb = new StringBuilder();
        switch (input) {
            case "normal":
                message = bytes(chain);
                break;
            case "tags":
                for (int i = 0; i < 400 * scale; i++) {
                    sb.append("x").append(i).append("=y; ");
                }
                message = bytes(chain.replaceFirst("ARC-Seal: ", "ARC-Seal: " + sb));
                break;
            case "header":
                while (sb.length() < 20_000 * scale) {
                    sb.append("X-Junk: ").append("j".repeat(990)).append("\r\n");
                }
                message = bytes(sb + chain);
                break;
            case "sets":
                for (int i = 1; i <= 100 * scale; i++) {
                    sb.append("ARC-Seal: i=").append(i).append("; a=rsa-sha256; cv=pass; d=x.example; s=s; b=AAAA\r\n");
                    sb.append("ARC-Message-Signature: i=").append(i)
                            .append("; a=rsa-sha256; d=x.example; s=s; h=from; bh=AAAA; b=AAAA\r\n");
                    sb.append("ARC-Authentication-Results: i=").append(i).append("; mx.x.example; none\r\n");
                }
                message = bytes(sb + BASE);
                break;
            default:
                sb.append(" mx.example.test");
                for (int i = 0; i < 100 * scale; i++) {
                    sb.append(";\r\n\tdkim=pass (sig ").append(i).append(") header.d=d").append(i).append(".example");
                }
                authResults = sb.toString();
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Benchmark
    public Object hostile() {
        if (authResults != null) {
            AuthResults ar = AuthResults.parse(authResults);
            return ar == null ? Boolean.FALSE : ar.isFrom("mx.example.test");
        }
        return verifier.verify(MailMessage.parse(message), NOW);
    }
}
