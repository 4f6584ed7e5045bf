package org.jamesexim.bench.arc;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The JCA ceiling under the ARC seal figures: one RSA-2048 SHA256withRSA signature of 600 bytes (the size of an AS
 * input), done as the engine does it (Signature.getInstance, initSign, update, sign), with the JDK's provider or
 * ACCP. A seal is two of these; compare with {@code openssl speed rsa2048}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class RsaSignCeiling {
    @Param({"jdk", "accp"})
    public String provider;
    private KeyPair kp;
    private final byte[] data = new byte[600];

    @Setup(Level.Trial)
    public void setup() throws Exception {
        if (provider.equals("accp")) {
            Class.forName("com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider").getMethod("install").invoke(null);
        }
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        kp = g.generateKeyPair();
    }

    @Benchmark
    public byte[] sign(org.jamesexim.bench.CpuClock clock) throws Exception {
        Signature s = Signature.getInstance("SHA256withRSA");
        s.initSign(kp.getPrivate());
        s.update(data);
        byte[] sig = s.sign();
        clock.tick();
        return sig;
    }
}
