package org.jamesexim.bench.dcc;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.jamesexim.common.Endpoint;
import org.jamesexim.dcc.DccClient;
import org.jamesexim.dcc.DccRequest;
import org.jamesexim.dcc.DccResult;
import org.jamesexim.dcc.DccSettings;
import org.jamesexim.dcc.sim.DccifdSimulator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Checks per second against the dccifd simulator, over TCP and a unix socket, and the same exchange done by hand
 * ({@code rawExchange}: write the request bytes, half-close, read to EOF, no parsing, no watchdog) to show the
 * per-message overhead the client adds. The simulator is the same for both, so the difference is the client's.
 *
 * <p>{@code latencyMs} is how long the simulator takes to answer: 0 (instant, as the unit tests) or 400, what a real
 * dccifd 2.3.167 took with a live DCC server ({@code shared/vectors/dcc-real}: 0.40 s for every answer that asked the
 * server); with it the numbers show what DCC costs an SMTP transaction in time, and that concurrent checks wait side by
 * side (throughput = threads / 0.4 s) instead of queueing behind one another.</p>
 *
 * <p>{@code java -jar benchmarks/target/benchmarks.jar DccClientBenchmark -f 1 -wi 2 -w 3s -i 3 -r 5s -t 4}</p>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class DccClientBenchmark {
    @Param({"tcp", "unix"})
    public String transport;

    @Param({"4096"})
    public int messageBytes;

    @Param({"0", "400"})
    public int latencyMs;

    DccifdSimulator sim;
    DccClient client;
    Endpoint endpoint;
    DccRequest request;
    byte[] message;
    byte[] rawRequest;
    File socketFile;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        sim = new DccifdSimulator().manyAt(Integer.MAX_VALUE).latency(Duration.ofMillis(latencyMs));
        if (transport.equals("tcp")) {
            sim.listenTcp();
            endpoint = Endpoint.parse(sim.tcpAddress());
        } else {
            socketFile = Files.createTempDirectory("dcc-bench").resolve("dccifd").toFile();
            sim.listenUnix(socketFile);
            endpoint = Endpoint.unix(socketFile.getAbsolutePath());
        }
        client = new DccClient(DccSettings.builder().address(endpoint).options("header").timeout(Duration.ofSeconds(10)).build());
        request = DccRequest.builder().clientIp("192.0.2.10").clientName("mx.sender.example").helo("mx.sender.example")
            .sender("alice@sender.example").recipient("bob@example.org").recipient("carol@example.org").build();
        StringBuilder m = new StringBuilder("From: alice@sender.example\r\nTo: bob@example.org\r\nSubject: bench\r\n\r\n");
        while (m.length() < messageBytes) {
            m.append("The quick brown fox jumps over the lazy dog, again and again and again.\r\n");
        }
        message = m.substring(0, messageBytes).getBytes(StandardCharsets.US_ASCII);
        rawRequest = ("header\n192.0.2.10\rmx.sender.example\nmx.sender.example\nalice@sender.example\nbob@example.org\ncarol@example.org\n\n"
            + new String(message, StandardCharsets.US_ASCII)).getBytes(StandardCharsets.US_ASCII);
    }

    @Setup(Level.Iteration)
    public void forget() {
        sim.clear(); // the simulator records requests; keep its memory flat
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        client.close();
        sim.close();
    }

    @Benchmark
    public DccResult check() {
        DccResult r = client.check(request, out -> out.write(message));
        if (r.reply() != 'A') {
            throw new IllegalStateException("unexpected " + r);
        }
        return r;
    }

    @Benchmark
    public int rawExchange() throws IOException {
        try (Socket s = endpoint.connect(Duration.ofSeconds(5), Duration.ofSeconds(10))) {
            OutputStream out = s.getOutputStream();
            out.write(rawRequest);
            out.flush();
            s.shutdownOutput();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[4096];
            int n = 0;
            int r;
            while (n < buf.length && (r = in.read(buf, n, buf.length - n)) > 0) {
                n += r;
            }
            if (n == 0 || buf[0] != 'A') {
                throw new IllegalStateException("unexpected reply");
            }
            return n;
        }
    }
}
