package org.jamesexim.bench.arc;

import java.nio.charset.StandardCharsets;
import java.security.Security;
import java.util.concurrent.TimeUnit;

import org.jamesexim.bench.CpuClock;
import org.jamesexim.arc.ArcSealResult;
import org.jamesexim.arc.ArcSealer;
import org.jamesexim.arc.ArcState;
import org.jamesexim.arc.ArcVerification;
import org.jamesexim.arc.ArcVerifier;
import org.jamesexim.arc.MailMessage;

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
 * ARC seal and verify, messages per second on one thread: 1- and 3-hop chains, 4 KiB and 100 KiB bodies,
 * RSA-2048 and Ed25519 keys, with the JDK's own providers ({@code jdk}) or Amazon Corretto Crypto Provider
 * installed first ({@code accp}, native AWS-LC; the engine picks it up through plain JCA lookups). Verification
 * includes the oldest-pass computation (every AMS of the chain), as the James glue does; sealing takes cv from our
 * A-R (no re-verification), as the peers do in {@code benchmarks/arc/run.sh}.
 * <p>
 * Besides wall-clock throughput, each call adds the JVM's CPU time to the {@code cpuNanos} counter
 * ({@link CpuClock}), so that {@code calls / cpuNanos} gives messages per CPU-second: on a shared machine that is the
 * figure comparable with {@code openssl speed} (which counts CPU time) and with the peers (whose harnesses report
 * both).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ArcBenchmark {
    @Param({"4096", "102400"})
    public int size;
    @Param({"rsa2048", "ed25519"})
    public String alg;
    @Param({"jdk", "accp"})
    public String provider;

    private ArcVerifier verifier;
    private ArcSealer sealer;
    private byte[] verify1;
    private byte[] verify3;
    private byte[] seal1;
    private byte[] seal3;

    @Setup(Level.Trial)
    public void setup() throws Exception {
        if (provider.equals("accp")) {
            Class<?> accp = Class.forName("com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider");
            accp.getMethod("install").invoke(null);
            Object instance = accp.getField("INSTANCE").get(null);
            accp.getMethod("assertHealthy").invoke(instance);
            if (!"AmazonCorrettoCryptoProvider".equals(Security.getProviders()[0].getName())) {
                throw new IllegalStateException("ACCP is not the first provider");
            }
        }
        ArcBenchData d = new ArcBenchData(alg.equals("ed25519"));
        String base = ArcBenchData.base(size);
        verifier = new ArcVerifier(d.resolver());
        sealer = d.ourSealer();
        verify1 = d.chain(base, 1).getBytes(StandardCharsets.ISO_8859_1);
        verify3 = d.chain(base, 3).getBytes(StandardCharsets.ISO_8859_1);
        seal1 = d.toSeal(base, 0).getBytes(StandardCharsets.ISO_8859_1);
        seal3 = d.toSeal(base, 2).getBytes(StandardCharsets.ISO_8859_1);
        // the work must be right before it is fast
        check(verifier.verify(MailMessage.parse(verify1), ArcBenchData.NOW).state() == ArcState.PASS, "verify1");
        check(verifier.verify(MailMessage.parse(verify3), ArcBenchData.NOW).state() == ArcState.PASS, "verify3");
        MailMessage m3 = MailMessage.parse(seal3);
        ArcSealResult r = sealer.seal(m3, null, ArcBenchData.NOW);
        check(r.sealed() && r.instance() == 3 && r.cv().equals("pass"), "seal3");
        check(verifier.verify(MailMessage.parse(r.applyTo(m3)), ArcBenchData.NOW).state() == ArcState.PASS, "seal3 verifies");
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException("benchmark input broken: " + what);
        }
    }

    @Benchmark
    public ArcVerification verify1Hop(CpuClock clock) {
        ArcVerification v = verifier.verify(MailMessage.parse(verify1), ArcBenchData.NOW);
        clock.tick();
        return v;
    }

    @Benchmark
    public ArcVerification verify3Hops(CpuClock clock) {
        ArcVerification v = verifier.verify(MailMessage.parse(verify3), ArcBenchData.NOW);
        clock.tick();
        return v;
    }

    @Benchmark
    public byte[] sealI1(CpuClock clock) {
        MailMessage m = MailMessage.parse(seal1);
        byte[] out = sealer.seal(m, null, ArcBenchData.NOW).applyTo(m);
        clock.tick();
        return out;
    }

    @Benchmark
    public byte[] sealI3(CpuClock clock) {
        MailMessage m = MailMessage.parse(seal3);
        byte[] out = sealer.seal(m, null, ArcBenchData.NOW).applyTo(m);
        clock.tick();
        return out;
    }
}
