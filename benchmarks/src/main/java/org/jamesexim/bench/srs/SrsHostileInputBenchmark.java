package org.jamesexim.bench.srs;

import java.time.Clock;
import java.util.concurrent.TimeUnit;

import org.jamesexim.srs.EximNativeSrs;
import org.jamesexim.srs.SrsConfig;
import org.jamesexim.srs.SrsEngine;
import org.jamesexim.srs.SrsForwardResult;
import org.jamesexim.srs.SrsReverseResult;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Hostile SRS input of growing size, the worst shapes for each parser: an SRS0 reverse whose fields are full of
 * {@code =} (the split), an SRS1 reverse, a forward of a quoted local part full of quotes and backslashes (quoting),
 * and an Exim native address with an endless last field. Each runs with the default cap (512 octets: refused before
 * any work, so the time per call must be flat) and with the cap lifted ({@code addresslimit} 0, only possible in
 * code: the time per byte must be flat, i.e. the parsers are linear).
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar SrsHostileInputBenchmark</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class SrsHostileInputBenchmark {
    @Param({"1024", "65536", "1048576", "4194304"})
    public int size;

    private SrsEngine capped;
    private SrsEngine uncapped;
    private EximNativeSrs exim;
    private String srs0;
    private String srs1;
    private String quoted;
    private String eximAddress;

    static String fill(String head, String unit, String tail, int size) {
        StringBuilder sb = new StringBuilder(size + head.length() + tail.length()).append(head);
        while (sb.length() < size) {
            sb.append(unit);
        }
        return sb.append(tail).toString();
    }

    @Setup(Level.Trial)
    public void build() {
        SrsConfig config = SrsConfig.builder().secrets("benchmark-secret-0123456789abcdef", "older-benchmark-secret-0123").hashLength(4).build();
        capped = new SrsEngine(config, Clock.systemUTC());
        uncapped = new SrsEngine(config.toBuilder().addressLimit(0).build(), Clock.systemUTC());
        exim = EximNativeSrs.lenient("benchmark-exim-secret-0123456789", Clock.systemUTC());
        srs0 = fill("SRS0=AAAA=NR=", "x=", "@fwd.example.net", size);
        srs1 = fill("SRS1=AAAA=host.example==", "=A", "@fwd.example.net", size);
        quoted = fill("\"", "\\\"a b", "\"@origin.example", size);
        eximAddress = fill("SRS0=abcd=nr=example.com=", "a", "@fwd.example.net", size);
    }

    @Benchmark
    public SrsReverseResult srs0ReverseCapped() {
        return capped.reverse(srs0);
    }

    @Benchmark
    public SrsReverseResult srs0ReverseUncapped() {
        return uncapped.reverse(srs0);
    }

    @Benchmark
    public SrsReverseResult srs1ReverseUncapped() {
        return uncapped.reverse(srs1);
    }

    @Benchmark
    public SrsForwardResult quotedForwardCapped() {
        return capped.forward(quoted, "fwd.example.net");
    }

    @Benchmark
    public SrsForwardResult quotedForwardUncapped() {
        return uncapped.forward(quoted, "fwd.example.net");
    }

    @Benchmark
    public SrsReverseResult eximInboundCapped() {
        return exim.inbound(eximAddress);
    }
}
