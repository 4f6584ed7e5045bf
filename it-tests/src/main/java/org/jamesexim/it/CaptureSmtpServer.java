package org.jamesexim.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * The "off-site" mail server of end-to-end tests (James's RemoteDelivery gateway): an SMTP listener on 127.0.0.1
 * that accepts every mail and records its envelope (MAIL FROM, RCPT TO) and content, so a test sees what James
 * sent out.
 *
 * <p>With {@link #CaptureSmtpServer(int, Path, Set, Consumer)} it is the demo's remote MX ({@code ./run-james}): each
 * mail is also stored as {@code NNN.eml} in a directory (with {@code Return-Path} and {@code Delivered-To} on top, as a
 * final MTA writes them), and the given recipients are refused at RCPT with a 550.</p>
 */
public final class CaptureSmtpServer implements AutoCloseable {
    /** One received mail. */
    public static final class Received {
        public final String mailFrom;
        public final List<String> rcptTo;
        public final String data;

        Received(String mailFrom, List<String> rcptTo, String data) {
            this.mailFrom = mailFrom;
            this.rcptTo = List.copyOf(rcptTo);
            this.data = data;
        }

        @Override
        public String toString() {
            return "MAIL FROM:<" + mailFrom + "> RCPT TO:" + rcptTo;
        }
    }

    private final ServerSocket server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Thread acceptor;
    private final Path storeDir;
    private final Set<String> refused;
    private final Consumer<String> onStored;
    private final AtomicInteger stored = new AtomicInteger();

    public CaptureSmtpServer() throws IOException {
        this(0, null, Set.of(), null);
    }

    /**
     * A capture server on 127.0.0.1:{@code port} (0: a free one) that also stores every mail in {@code storeDir}
     * (numbered after the files already there), refuses {@code refused} recipients at RCPT (550 5.1.1) and tells
     * {@code onStored} (may be null) one line per stored file.
     */
    public CaptureSmtpServer(int port, Path storeDir, Set<String> refused, Consumer<String> onStored) throws IOException {
        this.storeDir = storeDir;
        this.refused = Set.copyOf(refused);
        this.onStored = onStored;
        if (storeDir != null) {
            Files.createDirectories(storeDir);
            try (Stream<Path> s = Files.list(storeDir)) {
                stored.set((int) s.filter(f -> f.getFileName().toString().matches("\\d+\\.eml")).count());
            }
        }
        server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
        acceptor = new Thread(this::acceptLoop, "capture-smtp");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                Thread t = new Thread(() -> session(s), "capture-smtp-session");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void session(Socket s) {
        try (Socket socket = s) {
            socket.setSoTimeout(30_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
            OutputStream out = socket.getOutputStream();
            reply(out, "220 capture.remote.test ESMTP");
            String from = null;
            List<String> rcpts = new ArrayList<>();
            String line;
            while ((line = in.readLine()) != null) {
                String upper = line.toUpperCase();
                if (upper.startsWith("EHLO")) {
                    reply(out, "250-capture.remote.test\r\n250 8BITMIME");
                } else if (upper.startsWith("HELO")) {
                    reply(out, "250 capture.remote.test");
                } else if (upper.startsWith("MAIL FROM:")) {
                    from = between(line);
                    rcpts.clear();
                    reply(out, "250 2.1.0 ok");
                } else if (upper.startsWith("RCPT TO:")) {
                    String rcpt = between(line);
                    if (refused.contains(rcpt.toLowerCase(Locale.ROOT))) {
                        reply(out, "550 5.1.1 <" + rcpt + ">: Recipient address rejected: the demo MX refuses this one");
                    } else {
                        rcpts.add(rcpt);
                        reply(out, "250 2.1.5 ok");
                    }
                } else if (upper.equals("DATA")) {
                    reply(out, "354 go ahead");
                    StringBuilder data = new StringBuilder();
                    String d;
                    while ((d = in.readLine()) != null && !d.equals(".")) {
                        data.append(d.startsWith("..") ? d.substring(1) : d).append("\r\n");
                    }
                    Received r = new Received(from, rcpts, data.toString());
                    received.add(r);
                    String where = store(r);
                    reply(out, "250 2.0.0 queued" + (where == null ? "" : " as " + where));
                } else if (upper.equals("QUIT")) {
                    reply(out, "221 bye");
                    return;
                } else {
                    reply(out, "250 ok");
                }
            }
        } catch (IOException ignored) {
            // the client went away
        }
    }

    /** Writes the mail as the next NNN.eml of the store directory; returns its file name (null without a store). */
    private String store(Received r) throws IOException {
        if (storeDir == null) {
            return null;
        }
        StringBuilder top = new StringBuilder("Return-Path: <" + r.mailFrom + ">\r\n");
        for (String rcpt : r.rcptTo) {
            top.append("Delivered-To: ").append(rcpt).append("\r\n");
        }
        Path file = storeDir.resolve(String.format("%03d.eml", stored.incrementAndGet()));
        Files.write(file, (top + r.data).getBytes(StandardCharsets.ISO_8859_1));
        if (onStored != null) {
            onStored.accept("stored " + file + " (MAIL FROM:<" + r.mailFrom + "> RCPT TO:" + r.rcptTo + ")");
        }
        return file.getFileName().toString();
    }

    private static String between(String line) {
        int a = line.indexOf('<');
        int b = line.indexOf('>', a + 1);
        return a >= 0 && b > a ? line.substring(a + 1, b) : line.substring(line.indexOf(':') + 1).trim();
    }

    private static void reply(OutputStream out, String text) throws IOException {
        out.write((text + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** Waits for a mail that {@code which} accepts. */
    public Received await(Predicate<Received> which, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (Received r : received) {
                if (which.test(r)) {
                    return r;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no such mail reached the capture server within " + timeout + "; received: " + received);
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
