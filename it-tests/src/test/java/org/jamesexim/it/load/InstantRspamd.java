package org.jamesexim.it.load;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpServer;

/**
 * An instant stand-in for Rspamd's {@code POST /checkv2} (127.0.0.1, a free port): reads the request and answers
 * {@code no action} at once. Used only to measure the pack without the time Rspamd itself takes (the
 * "outside services excluded" setup of the load run); the real Rspamd is {@code RspamdFixture}.
 */
final class InstantRspamd implements AutoCloseable {
    private static final byte[] REPLY = "{\"action\":\"no action\",\"score\":0.0,\"required_score\":15.0,\"symbols\":{}}"
        .getBytes(StandardCharsets.US_ASCII);
    private final HttpServer server;
    private final ExecutorService pool = Executors.newFixedThreadPool(4, r -> {
        Thread t = new Thread(r, "instant-rspamd");
        t.setDaemon(true);
        return t;
    });
    final AtomicInteger scans = new AtomicInteger();

    InstantRspamd() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 100);
        server.createContext("/checkv2", ex -> {
            try (InputStream in = ex.getRequestBody()) {
                in.transferTo(OutputStream.nullOutputStream());
            }
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, REPLY.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(REPLY);
            }
            scans.incrementAndGet();
        });
        server.setExecutor(pool);
        server.start();
    }

    /** The BmiRun {@code endpoint} value. */
    String endpoint() {
        return "127.0.0.1 " + server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }
}
