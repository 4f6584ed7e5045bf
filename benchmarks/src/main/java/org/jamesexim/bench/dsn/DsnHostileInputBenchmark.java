package org.jamesexim.bench.dsn;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import org.jamesexim.dsn.BoundedReplyInput;
import org.jamesexim.dsn.DeliveryStatusReport;
import org.jamesexim.dsn.RemoteMta;
import org.jamesexim.dsn.SmtpFailure;
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

import com.sun.mail.util.LineInputStream;

/**
 * Hostile remote MX replies of growing size: read through {@link BoundedReplyInput} under javax.mail's line reader
 * (refused at 32 KiB, 100 lines or 2048 bytes a line), and, as recorded (at most 4096 characters), turned into the
 * delivery-status part (the report is given the whole reply here, to show the cleaning is linear too). Time per byte
 * must stay flat.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar DsnHostileInputBenchmark</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class DsnHostileInputBenchmark {
    @Param({"1024", "32768", "1048576"})
    public int size;

    private byte[] wire;
    private String reply;

    @Setup(Level.Trial)
    public void build() {
        StringBuilder b = new StringBuilder();
        while (b.length() < size) {
            b.append("550-\u0000X-Injected: yes\r").append("z".repeat(60)).append("\r\n");
        }
        reply = b.toString();
        wire = reply.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Benchmark
    public Object readThroughTheCaps() throws IOException {
        BoundedReplyInput in = new BoundedReplyInput(new ByteArrayInputStream(wire), 0);
        in.startReply();
        LineInputStream lines = new LineInputStream(in);
        int n = 0;
        try {
            while (lines.readLine() != null) {
                n++;
            }
            return n;
        } catch (IOException refused) {
            return refused;
        }
    }

    @Benchmark
    public String report() {
        return DeliveryStatusReport.builder("james.example").dsnInfo(true)
            .failed("user@remote.example", RemoteMta.of("mx", "192.0.2.1", 25, reply, reply), SmtpFailure.of("RCPT TO:<a@b>", reply), null, null)
            .build().text();
    }
}
