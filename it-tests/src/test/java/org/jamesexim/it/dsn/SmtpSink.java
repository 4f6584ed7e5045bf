package org.jamesexim.it.dsn;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.jamesexim.common.testing.Prerequisites;

/**
 * Postfix's {@code smtp-sink}, a real SMTP server, on 127.0.0.1 and a free port, started and stopped by the test.
 * {@code -f rcpt} makes it refuse every RCPT with a hard error; {@code -h} sets the name in its greeting and EHLO
 * reply. Installed by {@code .ci/install.d/90-dsn.sh}; a missing one fails with one line naming it ({@code .ci/prerequisites}).
 */
final class SmtpSink implements AutoCloseable {
    private final Process process;
    private final int port;

    private SmtpSink(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    static SmtpSink start(String hostName, String... options) throws IOException, InterruptedException {
        String binary = Prerequisites.require("smtp-sink");
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        List<String> cmd = new ArrayList<>(List.of(binary, "-h", hostName));
        if ("root".equals(System.getProperty("user.name"))) {
            cmd.addAll(List.of("-u", "nobody")); // smtp-sink refuses to run as root (CI runs as root)
        }
        cmd.addAll(List.of(options));
        cmd.add("127.0.0.1:" + port);
        cmd.add("10");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return new SmtpSink(p, port);
            } catch (IOException notYet) {
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    p.destroyForcibly();
                    throw new IllegalStateException("smtp-sink did not listen on 127.0.0.1:" + port + " (exit " + (p.isAlive() ? "-" : p.exitValue()) + ")");
                }
                Thread.sleep(50);
            }
        }
    }

    int port() {
        return port;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
