package org.jamesexim.it.load;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The remote mail server of the load runs (James's RemoteDelivery gateway): accepts every mail on 127.0.0.1 and keeps
 * only counts: per Message-ID the mails received, per original Message-ID the bounces (DSNs, recognised by
 * {@code multipart/report}) that mention it, and how many came with an SRS0 envelope sender or an ARC seal of ours.
 */
final class CountingSink implements AutoCloseable {
    private static final Pattern MESSAGE_ID = Pattern.compile("(?im)^Message-ID:\\s*<([^>]+)>");
    private final ServerSocket server;
    final Map<String, Integer> received = new ConcurrentHashMap<>();
    final Map<String, Integer> bounced = new ConcurrentHashMap<>();
    final AtomicInteger total = new AtomicInteger();
    final AtomicInteger srsSenders = new AtomicInteger();
    final AtomicInteger arcSealed = new AtomicInteger();
    final AtomicInteger dsns = new AtomicInteger();
    /** Relayed copies that came without the X-DCC header (dccifd unusable) or without a BMI verdict (Rspamd down). */
    final AtomicInteger withoutDcc = new AtomicInteger();
    final AtomicInteger withoutBmi = new AtomicInteger();

    CountingSink() throws IOException {
        server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::acceptLoop, "counting-sink");
        t.setDaemon(true);
        t.start();
    }

    int port() {
        return server.getLocalPort();
    }

    /** Forgets what was received (between runs). */
    void clear() {
        received.clear();
        bounced.clear();
        total.set(0);
        srsSenders.set(0);
        arcSealed.set(0);
        dsns.set(0);
        withoutDcc.set(0);
        withoutBmi.set(0);
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                Thread t = new Thread(() -> session(s), "counting-sink-session");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void session(Socket s) {
        try (s) {
            s.setSoTimeout(120_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
            OutputStream out = s.getOutputStream();
            write(out, "220 sink.test ESMTP counting sink");
            String from = null;
            String line;
            while ((line = in.readLine()) != null) {
                String cmd = line.length() >= 4 ? line.substring(0, 4).toUpperCase(Locale.ROOT) : line.toUpperCase(Locale.ROOT);
                switch (cmd) {
                    case "EHLO":
                        write(out, "250-sink.test\r\n250 8BITMIME");
                        break;
                    case "HELO":
                        write(out, "250 sink.test");
                        break;
                    case "MAIL":
                        from = line;
                        write(out, "250 OK");
                        break;
                    case "RCPT":
                        write(out, "250 OK");
                        break;
                    case "DATA":
                        write(out, "354 go ahead");
                        StringBuilder data = new StringBuilder(8192);
                        while ((line = in.readLine()) != null && !line.equals(".")) {
                            data.append(line.startsWith("..") ? line.substring(1) : line).append("\r\n");
                        }
                        record(from, data);
                        write(out, "250 OK queued");
                        break;
                    case "QUIT":
                        write(out, "221 bye");
                        return;
                    default:
                        write(out, "250 OK");
                }
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    private void record(String from, StringBuilder data) {
        total.incrementAndGet();
        if (from != null && from.contains("<SRS0=")) {
            srsSenders.incrementAndGet();
        }
        int end = data.indexOf("\r\n\r\n");
        String head = end < 0 ? data.toString() : data.substring(0, end);
        // the load mails come with hop1.example's seal (i=1): a second ARC-Seal is ours
        if (head.indexOf("ARC-Seal:") != head.lastIndexOf("ARC-Seal:")) {
            arcSealed.incrementAndGet();
        }
        if (!head.contains("\r\nX-DCC-")) {
            withoutDcc.incrementAndGet();
        }
        if (!head.contains("\r\nX-Brightmail-Verdict:")) {
            withoutBmi.incrementAndGet();
        }
        Matcher m = MESSAGE_ID.matcher(head);
        String own = m.find() ? m.group(1) : null;
        if (head.toLowerCase(Locale.ROOT).contains("multipart/report")) {
            dsns.incrementAndGet();
            Matcher b = MESSAGE_ID.matcher(end < 0 ? "" : data.substring(end));
            java.util.Set<String> mentioned = new java.util.HashSet<>();
            while (b.find()) {
                if (!b.group(1).equals(own)) {
                    mentioned.add(b.group(1));
                }
            }
            mentioned.forEach(id -> bounced.merge(id, 1, Integer::sum));
        } else if (own != null) {
            received.merge(own, 1, Integer::sum);
        }
    }

    private static void write(OutputStream out, String reply) throws IOException {
        out.write((reply + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
