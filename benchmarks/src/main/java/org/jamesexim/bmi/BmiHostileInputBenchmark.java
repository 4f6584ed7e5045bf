package org.jamesexim.bmi;

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
 * Hostile Rspamd replies of growing size (bytes): a reply padded with an ignored {@code urls} array, and one of
 * nested arrays (refused at the depth limit after reading 17 brackets, whatever follows). Time per byte must stay
 * flat as the size grows (linear parsing); in the same package as the engine for the package-private reply reader.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar BmiHostileInputBenchmark</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class BmiHostileInputBenchmark {
    @Param({"1024", "65536", "1048576", "4000000"})
    public int size;

    private byte[] padded;
    private byte[] deep;

    @Setup(Level.Trial)
    public void build() {
        StringBuilder b = new StringBuilder("{\"action\":\"add header\",\"score\":7.5,\"symbols\":{\"A\":{\"score\":1}},\"urls\":[");
        while (b.length() < size - 10) {
            b.append("\"http://192.0.2.1/").append(b.length() % 1000).append("\",");
        }
        b.append("\"x\"]}");
        String body = b.toString();
        padded = ("HTTP/1.1 200 OK\r\nContent-Length: " + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII);
        int n = Math.max(1, (size - 40) / 2);
        deep = ("{\"action\":\"no action\",\"x\":" + "[".repeat(n) + "]".repeat(n) + "}").getBytes(StandardCharsets.US_ASCII);
    }

    @Benchmark
    public RspamdResult paddedReply() throws IOException {
        return RspamdClient.readReply(new ByteArrayInputStream(padded), () -> { });
    }

    @Benchmark
    public Object deepNesting() {
        try {
            return RspamdResult.parse(deep);
        } catch (IllegalArgumentException refused) {
            return refused;
        }
    }
}
