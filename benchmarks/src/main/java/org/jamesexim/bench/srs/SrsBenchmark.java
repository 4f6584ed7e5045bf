package org.jamesexim.bench.srs;

import java.util.concurrent.TimeUnit;

import org.jamesexim.srs.SrsConfig;
import org.jamesexim.srs.SrsEngine;
import org.jamesexim.srs.SrsForwardResult;
import org.jamesexim.srs.SrsReverseResult;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * SRS forward and reverse per second on one thread, with the same inputs and settings as
 * {@code benchmarks/srs/mail-srs-bench.pl} (Mail::SRS in-process): secret tops3cr3t, hashlength 4, maxage 21,
 * alias fwd.example.net. Run both with {@code benchmarks/srs/run.sh}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SrsBenchmark {
    static final String SENDER = "alice.smith@example.com";
    static final String FOREIGN_SRS0 = "SRS0=sicX=NP=orig.example=joe@first-fwd.example";
    static final String ALIAS = "fwd.example.net";

    private SrsEngine engine;
    private String srs0;
    private String srs1;

    @Setup
    public void setUp() {
        engine = new SrsEngine(SrsConfig.builder().secrets("tops3cr3t").hashLength(4).maxAge(21).build());
        srs0 = engine.forward(SENDER, ALIAS).address();
        srs1 = engine.forward(FOREIGN_SRS0, ALIAS).address();
        if (!engine.reverse(srs0).valid() || !engine.reverse(srs1).valid()) {
            throw new IllegalStateException("benchmark inputs do not reverse");
        }
    }

    @Benchmark
    public SrsForwardResult srs0Forward() {
        return engine.forward(SENDER, ALIAS);
    }

    @Benchmark
    public SrsReverseResult srs0Reverse() {
        return engine.reverse(srs0);
    }

    @Benchmark
    public SrsForwardResult srs1Forward() {
        return engine.forward(FOREIGN_SRS0, ALIAS);
    }

    @Benchmark
    public SrsReverseResult srs1Reverse() {
        return engine.reverse(srs1);
    }
}
