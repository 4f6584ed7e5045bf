package org.jamesexim.bench.dovecot;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

import org.jamesexim.common.Endpoint;
import org.jamesexim.dovecot.AuthRequest;
import org.jamesexim.dovecot.AuthResult;
import org.jamesexim.dovecot.DovecotAuthClient;
import org.jamesexim.dovecot.DovecotAuthConfig;
import org.jamesexim.dovecot.testing.RealDovecot;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Authentications per second against a real Dovecot 2.3 (started by the benchmark, {PLAIN} passdb, all successes,
 * one fixed rip) through {@link DovecotAuthClient} — what {@code DovecotAuthHook} calls — beside a minimal raw client
 * of the same protocol on the same Dovecot in the same run.
 *
 * <ul>
 *   <li>{@code raw_1}: one socket, one request at a time (AUTH, read the reply, repeat).</li>
 *   <li>{@code raw_8}: one socket, 8 requests kept in flight: a new AUTH is sent as each reply arrives (pipelining;
 *       the method of the reference figures in shared/docs/dovecot-auth.md §4).</li>
 *   <li>{@code client_1thread}: the client, pool_size 1, one caller thread.</li>
 *   <li>{@code client_8threads}: the client, pool_size 1, 8 caller threads sharing the one connection.</li>
 * </ul>
 * Run: {@code java -jar benchmarks/target/benchmarks.jar 'bench.dovecot'} (needs dovecot-core, as root).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
@Fork(1)
public class DovecotAuthBenchmark {
    static final String USER = "bob";
    static final String RIP = "192.0.2.1";

    @State(Scope.Benchmark)
    public static class Server {
        RealDovecot dovecot;
        DovecotAuthClient client;
        AuthRequest request;

        @Setup(Level.Trial)
        public void start() throws Exception {
            dovecot = RealDovecot.start();
            client = new DovecotAuthClient(DovecotAuthConfig.builder(Endpoint.parse(dovecot.inetSocket())).poolSize(1).build());
            request = AuthRequest.plain(USER, RealDovecot.PASSWORD).withAddresses(InetAddress.getByName("127.0.0.1"), 25,
                InetAddress.getByName(RIP), 40000);
            if (!client.authenticate(request).isOk()) {
                throw new IllegalStateException("benchmark user cannot log in");
            }
        }

        @TearDown(Level.Trial)
        public void stop() {
            client.close();
            dovecot.close();
        }
    }

    /** A minimal raw client: one socket, handshake, then AUTH lines with increasing ids. One per benchmark thread. */
    @State(Scope.Thread)
    public static class Raw {
        Socket socket;
        OutputStream out;
        InputStream in;
        byte[] buf = new byte[65536];
        int pos;
        int limit;
        int nextId = 1;
        String tail;

        @Setup(Level.Trial)
        public void connect(Server server) throws IOException {
            socket = new Socket();
            socket.connect(new InetSocketAddress("127.0.0.1", server.dovecot.port()), 5000);
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(10000);
            out = socket.getOutputStream();
            in = socket.getInputStream();
            out.write("VERSION\t1\t0\nCPID\t1\n".getBytes(StandardCharsets.US_ASCII));
            String line;
            do {
                line = readLine();
            } while (!line.equals("DONE"));
            tail = "\tPLAIN\tservice=smtp\tlip=127.0.0.1\trip=" + RIP + "\tresp="
                + Base64.getEncoder().encodeToString(("\0" + USER + "\0" + RealDovecot.PASSWORD).getBytes(StandardCharsets.UTF_8))
                + "\n";
        }

        String readLine() throws IOException {
            StringBuilder sb = new StringBuilder();
            while (true) {
                if (pos == limit) {
                    limit = in.read(buf);
                    pos = 0;
                    if (limit < 0) {
                        throw new IOException("EOF");
                    }
                }
                byte b = buf[pos++];
                if (b == '\n') {
                    return sb.toString();
                }
                sb.append((char) b);
            }
        }

        void send(int n) throws IOException {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < n; i++) {
                sb.append("AUTH\t").append(nextId++).append(tail);
            }
            out.write(sb.toString().getBytes(StandardCharsets.US_ASCII));
        }

        int receive(int n) throws IOException {
            int ok = 0;
            for (int i = 0; i < n; i++) {
                if (readLine().startsWith("OK\t")) {
                    ok++;
                }
            }
            return ok;
        }

        @TearDown(Level.Trial)
        public void close() throws IOException {
            socket.close();
        }
    }

    @Benchmark
    @Threads(1)
    public int raw_1(Raw raw) throws IOException {
        raw.send(1);
        return raw.receive(1);
    }

    @Benchmark
    @Threads(1)
    public int raw_8(Raw raw) throws IOException {
        if (raw.nextId == 1) {
            raw.send(8);
        }
        int ok = raw.receive(1);
        raw.send(1);
        return ok;
    }

    @Benchmark
    @Threads(1)
    public AuthResult client_1thread(Server server) {
        return check(server.client.authenticate(server.request));
    }

    @Benchmark
    @Threads(8)
    public AuthResult client_8threads(Server server) {
        return check(server.client.authenticate(server.request));
    }

    private static AuthResult check(AuthResult r) {
        if (!r.isOk()) {
            throw new IllegalStateException("not OK: " + r);
        }
        return r;
    }
}
