package org.jamesexim.dovecot;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

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
 * Hostile Dovecot reply lines of growing size, up to the 64 KiB line cap: one OK line of many escaped parameters
 * (read, split, unescaped; refused past 256 fields), and one line without end (refused at the cap). Time per byte
 * must stay flat. In the engine's package for the package-private wire code.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar DovecotHostileInputBenchmark</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class DovecotHostileInputBenchmark {
    @Param({"1024", "8192", "65536"})
    public int size;

    private byte[] params;
    private byte[] endless;

    @Setup(Level.Trial)
    public void build() {
        StringBuilder p = new StringBuilder("OK\t1\tuser=alice");
        int field = Math.max(1, size / 250);
        while (p.length() < size - field - 2) {
            p.append("\tx=").append("a\001t".repeat(field / 3));
        }
        params = (p + "\n").getBytes(StandardCharsets.UTF_8);
        endless = new byte[size * 2];
        java.util.Arrays.fill(endless, (byte) 'x');
    }

    @Benchmark
    public Object manyParameters() throws IOException {
        String line = new DovecotWire.LineReader(new ByteArrayInputStream(params), DovecotWire.MAX_SERVER_LINE).readLine();
        try {
            return DovecotWire.params(DovecotWire.split(line), 2);
        } catch (DovecotProtocolException refused) {
            return refused;
        }
    }

    @Benchmark
    public Object lineWithoutEnd() throws IOException {
        try {
            return new DovecotWire.LineReader(new ByteArrayInputStream(endless), size).readLine();
        } catch (DovecotProtocolException refused) {
            return refused;
        }
    }
}
