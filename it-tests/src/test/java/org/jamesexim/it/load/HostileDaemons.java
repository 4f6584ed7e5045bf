package org.jamesexim.it.load;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * The hostile daemons of the hostile run: proxies in front of the real Rspamd and the dccifd model that pass every
 * request on, except those whose message carries {@code X-Hostile-Rspamd: <kind>} or {@code X-Hostile-Dcc: <kind>};
 * those get the named hostile answer (invalid or endless JSON, a reply that stalls or drips past every timeout,
 * control characters and header injections in the fields the pack copies into headers, a closed connection).
 * What the pack must do with every one of them is written in docs/security-bmi.md and docs/security-dcc.md: a
 * temporary failure (fail_open / defer_ok here), never a crash, a hang or an injected header.
 */
final class HostileDaemons implements AutoCloseable {
    /** The hostile Rspamd answers, by the kind a message asks for. */
    static final List<String> RSPAMD_KINDS = List.of("invalid", "huge", "nested", "stall", "drip", "error500", "close", "ctrl",
        "wrongtype");
    /** The hostile dccifd answers. */
    static final List<String> DCC_KINDS = List.of("garbage", "huge", "nonewline", "stall", "drip", "ctrl", "longrcpt", "empty");

    private static final Pattern RSPAMD_MARK = Pattern.compile("X-Hostile-Rspamd: ([a-z0-9]+)");
    private static final Pattern DCC_MARK = Pattern.compile("X-Hostile-Dcc: ([a-z0-9]+)");
    private static final Set<String> HOP_BY_HOP = Set.of("host", "content-length", "connection", "transfer-encoding", "expect",
        "upgrade", "keep-alive");

    private final HttpServer rspamd;
    private final Supplier<String> rspamdUpstream;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final ServerSocketChannel dcc;
    private final Path dccPath;
    private final Supplier<Path> dccUpstream;
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "hostile-daemon");
        t.setDaemon(true);
        return t;
    });
    /** Hostile answers given, by daemon and kind ("rspamd stall"). */
    final Map<String, AtomicInteger> given = new ConcurrentHashMap<>();
    final AtomicInteger passedOn = new AtomicInteger();

    /**
     * @param rspamdUpstream the real Rspamd's {@code host port} (asked again per request: the fault run restarts it)
     * @param dccUpstream the dccifd model's unix socket
     */
    HostileDaemons(Path dir, Supplier<String> rspamdUpstream, Supplier<Path> dccUpstream) throws IOException {
        this.rspamdUpstream = rspamdUpstream;
        this.dccUpstream = dccUpstream;
        rspamd = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 100);
        rspamd.createContext("/", this::rspamdExchange);
        rspamd.setExecutor(pool);
        rspamd.start();
        dccPath = dir.resolve("hostile-dccifd");
        Files.deleteIfExists(dccPath);
        dcc = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        dcc.bind(UnixDomainSocketAddress.of(dccPath));
        pool.execute(this::dccAcceptLoop);
    }

    /** The BmiRun {@code endpoint}. */
    String rspamdEndpoint() {
        return "127.0.0.1 " + rspamd.getAddress().getPort();
    }

    /** The {@code dccifd_address}. */
    Path dccAddress() {
        return dccPath;
    }

    private void count(String what) {
        given.computeIfAbsent(what, k -> new AtomicInteger()).incrementAndGet();
    }

    private static String mark(Pattern p, byte[] request) {
        String head = new String(request, 0, Math.min(request.length, 1 << 16), StandardCharsets.ISO_8859_1);
        Matcher m = p.matcher(head);
        return m.find() ? m.group(1) : null;
    }

    // ---- Rspamd ----

    private void rspamdExchange(HttpExchange ex) throws IOException {
        try (ex) {
            byte[] body;
            try (InputStream in = ex.getRequestBody()) {
                body = in.readAllBytes();
            }
            String kind = mark(RSPAMD_MARK, body);
            if (kind == null) {
                passOn(ex, body);
                return;
            }
            count("rspamd " + kind);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            switch (kind) {
                case "invalid":
                    send(ex, 200, "{\"action\": \"reject\", \"score\": 99, \"symbols\": {\"A\": {\"name\": ");
                    break;
                case "huge": {
                    // 12 MB of symbols: more than any cap should let in
                    ex.sendResponseHeaders(200, 0);
                    try (OutputStream out = ex.getResponseBody()) {
                        out.write("{\"action\":\"no action\",\"score\":0,\"required_score\":15,\"symbols\":{".getBytes(StandardCharsets.US_ASCII));
                        byte[] sym = "\"S0000000\":{\"name\":\"S\",\"score\":0.0,\"description\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"},"
                            .getBytes(StandardCharsets.US_ASCII);
                        for (int i = 0; i < 12 * 1024 * 1024 / sym.length; i++) {
                            out.write(sym);
                        }
                        out.write("\"end\":{}}}".getBytes(StandardCharsets.US_ASCII));
                    } catch (IOException e) {
                        // the client stopped reading at its cap
                    }
                    break;
                }
                case "nested":
                    send(ex, 200, "{\"action\":" + "[".repeat(200_000) + "]".repeat(200_000) + "}");
                    break;
                case "stall":
                    // headers, then nothing for longer than BmiRun's timeout
                    ex.sendResponseHeaders(200, 0);
                    sleep(12_000);
                    break;
                case "drip": {
                    // one byte every 400 ms for 20 s: each read is quick, only an overall deadline stops it
                    ex.sendResponseHeaders(200, 0);
                    try (OutputStream out = ex.getResponseBody()) {
                        String json = "{\"action\":\"no action\",\"score\":0,\"symbols\":{" + " ".repeat(60) + "}}";
                        for (int i = 0; i < json.length(); i++) {
                            out.write(json.charAt(i));
                            out.flush();
                            sleep(400);
                        }
                    } catch (IOException e) {
                        // the client gave up, as it should
                    }
                    break;
                }
                case "error500":
                    send(ex, 500, "internal error <script>\033[31m");
                    break;
                case "close":
                    // no answer at all: the connection is closed under the client
                    ex.close();
                    break;
                case "ctrl":
                    // a harmless action, with header injections and terminal escapes in every string the pack might copy
                    send(ex, 200, "{\"action\":\"no action\",\"score\":1.5,\"required_score\":15,"
                        + "\"subject\":\"hi\\r\\nBcc: victim@remote.test\","
                        + "\"messages\":{\"smtp_message\":\"ok\\r\\nX-Injected: yes\\u001b[31m\"},"
                        + "\"symbols\":{\"EVIL\\r\\nX-Injected: yes\":{\"name\":\"EVIL\\r\\nX-Injected: yes\\u0000\",\"score\":1.5,"
                        + "\"description\":\"\\u001b]0;owned\\u0007\",\"options\":[\"a\\r\\nX-Injected: yes\"]}}}");
                    break;
                case "wrongtype":
                    send(ex, 200, "{\"action\":42,\"score\":\"high\",\"required_score\":null,\"symbols\":[1,2,3]}");
                    break;
                default:
                    send(ex, 200, "{}");
            }
        }
    }

    private void passOn(HttpExchange ex, byte[] body) throws IOException {
        passedOn.incrementAndGet();
        String[] hostPort = rspamdUpstream.get().split(" ");
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create("http://" + hostPort[0] + ":" + hostPort[1] + ex.getRequestURI()))
            .timeout(Duration.ofSeconds(30)).method(ex.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
        ex.getRequestHeaders().forEach((name, values) -> {
            if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT))) {
                values.forEach(v -> req.header(name, v));
            }
        });
        try {
            HttpResponse<byte[]> r = http.send(req.build(), HttpResponse.BodyHandlers.ofByteArray());
            r.headers().firstValue("Content-Type").ifPresent(v -> ex.getResponseHeaders().add("Content-Type", v));
            ex.sendResponseHeaders(r.statusCode(), r.body().length == 0 ? -1 : r.body().length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(r.body());
            }
        } catch (IOException e) {
            // Rspamd is down (the fault): the client sees the connection close, as with Rspamd itself
            ex.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, b.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(b);
        } catch (IOException e) {
            // the client stopped reading
        }
    }

    // ---- dccifd ----

    private void dccAcceptLoop() {
        while (dcc.isOpen()) {
            try {
                SocketChannel c = dcc.accept();
                pool.execute(() -> dccSession(c));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void dccSession(SocketChannel c) {
        try (c; InputStream in = Channels.newInputStream(c); OutputStream out = Channels.newOutputStream(c)) {
            // the client half-closes after its request (dccifd's protocol)
            ByteArrayOutputStream req = new ByteArrayOutputStream();
            in.transferTo(req);
            byte[] request = req.toByteArray();
            String kind = mark(DCC_MARK, request);
            if (kind == null) {
                passedOn.incrementAndGet();
                try (SocketChannel up = SocketChannel.open(UnixDomainSocketAddress.of(dccUpstream.get()))) {
                    OutputStream upOut = Channels.newOutputStream(up);
                    upOut.write(request);
                    upOut.flush();
                    up.shutdownOutput();
                    Channels.newInputStream(up).transferTo(out);
                }
                return;
            }
            count("dcc " + kind);
            switch (kind) {
                case "garbage":
                    out.write("lorem ipsum\n\n\ndolor\n".getBytes(StandardCharsets.US_ASCII));
                    break;
                case "huge": {
                    out.write("A\nA\nX-DCC-Hostile-Metrics: ".getBytes(StandardCharsets.US_ASCII));
                    byte[] x = new byte[64 * 1024];
                    java.util.Arrays.fill(x, (byte) 'x');
                    for (int i = 0; i < 160; i++) {
                        out.write(x);
                    }
                    break;
                }
                case "nonewline":
                    out.write('A');
                    break;
                case "stall":
                    sleep(12_000);
                    break;
                case "drip":
                    for (byte b : "A\nA\nX-DCC-Hostile-Metrics: bulk\n\n".getBytes(StandardCharsets.US_ASCII)) {
                        out.write(b);
                        out.flush();
                        sleep(400);
                    }
                    break;
                case "ctrl":
                    out.write("A\nA\nX-DCC-Hostile-Metrics: x\r\nBcc: victim@remote.test\033[31m\u0000\n\tX-Injected: yes\n\n"
                        .getBytes(StandardCharsets.ISO_8859_1));
                    break;
                case "longrcpt":
                    out.write(("A\n" + "A".repeat(100_000) + "\nX-DCC-Hostile-Metrics: x\n\n").getBytes(StandardCharsets.US_ASCII));
                    break;
                default:
                    // "empty": the connection closes with no answer
                    break;
            }
        } catch (IOException e) {
            // the client gave up (its timeout), as it should
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() throws IOException {
        rspamd.stop(0);
        dcc.close();
        pool.shutdownNow();
        Files.deleteIfExists(dccPath);
    }
}
