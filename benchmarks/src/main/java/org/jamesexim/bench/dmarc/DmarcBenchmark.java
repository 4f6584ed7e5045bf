package org.jamesexim.bench.dmarc;

import java.util.concurrent.TimeUnit;

import org.jamesexim.bench.CpuClock;
import org.jamesexim.dmarc.DmarcInput;
import org.jamesexim.dmarc.DmarcRecord;
import org.jamesexim.dmarc.DmarcResult;
import org.jamesexim.dmarc.DmarcVerifier;
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
 * DMARC evaluations per second for the {@link DmarcBenchData} cases, DNS answered from memory (the engine's cost:
 * record parsing, Organizational Domains from Guava's Public Suffix List, alignment), and the record parser alone.
 * As in the ARC benchmark, each call adds the JVM's CPU time to {@code cpuNanos}, so {@code calls / cpuNanos} is
 * evaluations per CPU-second, the figure comparable with the peers' harnesses ({@code benchmarks/dmarc/run.sh}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class DmarcBenchmark {
    @Param({"pass", "subdomain", "psl"})
    public String kind;

    private DmarcVerifier verifier;
    private DmarcInput input;

    @Setup(Level.Trial)
    public void setUp() {
        verifier = DmarcVerifier.builder(DmarcBenchData.resolver(kind)).build();
        input = DmarcBenchData.input(kind);
        DmarcResult r = verifier.verify(input);
        if (r.status() == null || r.fromDomain().isEmpty()) {
            throw new IllegalStateException("bad case " + kind + ": " + r);
        }
    }

    @Benchmark
    public DmarcResult evaluate(CpuClock clock) {
        DmarcResult r = verifier.verify(input);
        clock.tick();
        return r;
    }

    static final String RECORD = "v=DMARC1; p=reject; sp=quarantine; adkim=s; aspf=r; pct=100; fo=1; "
            + "rua=mailto:dmarc-agg@example.com,mailto:agg@report.example.net; ruf=mailto:dmarc-forensic@example.com";

    @Benchmark
    public DmarcRecord parseRecord(CpuClock clock) throws DmarcRecord.InvalidRecordException {
        DmarcRecord r = DmarcRecord.parse(RECORD);
        clock.tick();
        return r;
    }
}
