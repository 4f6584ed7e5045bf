package org.jamesexim.dcc;

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
 * Hostile dccifd replies of growing size, up to the client's 64 KiB read cap: an X-DCC header with endless TAB
 * continuations full of control bytes (dropped at the caps), and a checksum table of long lines. Time per byte must
 * stay flat. In the engine's package for the package-private parser.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar DccHostileInputBenchmark</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class DccHostileInputBenchmark {
    @Param({"1024", "8192", "65536"})
    public int size;

    private byte[] header;
    private byte[] table;

    @Setup(Level.Trial)
    public void build() {
        StringBuilder h = new StringBuilder("A\nA\nX-DCC-X-Metrics: h 1; Body=1\n");
        while (h.length() < size) {
            h.append("\tFuz1=\u0000\r\u00e9 many\n");
        }
        header = h.toString().getBytes(StandardCharsets.ISO_8859_1);
        StringBuilder t = new StringBuilder("A\nA\nX-DCC-X-Metrics: h 1; Body=1\n");
        while (t.length() < size) {
            t.append("x".repeat(500)).append('\n');
        }
        table = t.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    @Benchmark
    public DccResult endlessHeader() {
        return DccReplyParser.parse(header, header.length, 1);
    }

    @Benchmark
    public DccResult longChecksumTable() {
        return DccReplyParser.parse(table, table.length, 1);
    }
}
