package org.jamesexim.bmi;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.jamesexim.common.Endpoint;
import org.jamesexim.common.LogText;

/**
 * A minimal HTTP/1.1 client for Rspamd's {@code POST /checkv2} (normal worker or {@code rspamd_proxy}), over TCP or
 * a unix socket through {@link Endpoint}. One connection per request (Rspamd 3.4 always answers
 * {@code Connection: close}). Every request is bounded: the connect by {@code connectTimeout}, and the whole exchange
 * by {@code timeout} or the caller's own earlier deadline (each read waits at most the time left, so a server that
 * trickles bytes is cut at the deadline, and a watchdog closes the socket at the deadline so a blocked write cannot
 * hang the caller either). What the server sends is capped: {@value #MAX_REPLY} bytes of body,
 * {@value #MAX_HEADER_LINE} bytes per status or header line, {@value #MAX_HEADER_LINES} header lines; the body is
 * read by {@link RspamdResult#parse(byte[])}. Thread-safe.
 */
public final class RspamdClient {
    /** Largest reply body accepted (bytes); a larger one fails the request. */
    public static final int MAX_REPLY = 4 * 1024 * 1024;
    /** Longest status, header or chunk-size line accepted (bytes). */
    public static final int MAX_HEADER_LINE = 16 * 1024;
    /** Most header lines accepted in one reply. */
    public static final int MAX_HEADER_LINES = 100;

    private final Endpoint endpoint;
    private final Duration connectTimeout;
    private final Duration timeout;
    private final String path;
    private final ScheduledExecutorService watchdog;

    /**
     * @param watchdog closes sockets whose deadline passed; owned by the caller
     */
    public RspamdClient(Endpoint endpoint, Duration connectTimeout, Duration timeout, String path, ScheduledExecutorService watchdog) {
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        this.connectTimeout = Objects.requireNonNull(connectTimeout, "connectTimeout");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("path must start with /: " + path);
        }
        this.path = path;
        this.watchdog = Objects.requireNonNull(watchdog, "watchdog");
    }

    public Endpoint endpoint() {
        return endpoint;
    }

    /**
     * Sends one message with the given protocol headers (a list value is sent as one header line per item, e.g.
     * {@code Rcpt}); values are stripped of control characters.
     *
     * @throws IOException on connect failure, timeout, non-200 status or a reply that is not a check result
     */
    public RspamdResult check(Map<String, List<String>> headers, byte[] message) throws IOException {
        return check(headers, message, System.nanoTime() + timeout.toNanos());
    }

    /**
     * As {@link #check(Map, byte[])}, ending by {@code deadline} ({@link System#nanoTime()} based) when that comes
     * before this client's own {@code timeout}: the connect and the whole exchange share what is left.
     */
    public RspamdResult check(Map<String, List<String>> headers, byte[] message, long deadline) throws IOException {
        long own = System.nanoTime() + timeout.toNanos();
        if (own - deadline < 0) {
            deadline = own;
        }
        long left = deadline - System.nanoTime();
        if (left <= TimeUnit.MILLISECONDS.toNanos(1)) {
            throw new SocketTimeoutException("no time left for rspamd at " + endpoint);
        }
        Duration budget = Duration.ofNanos(left);
        long budgetMs = Math.round(left / 1e6);
        Duration connect = connectTimeout.compareTo(budget) < 0 ? connectTimeout : budget;
        StringBuilder head = new StringBuilder(256);
        head.append("POST ").append(path).append(" HTTP/1.1\r\n");
        head.append("Host: ").append(endpoint.isUnix() ? "localhost" : endpoint.host()).append("\r\n");
        head.append("Connection: close\r\n");
        head.append("Content-Length: ").append(message.length).append("\r\n");
        headers.forEach((name, values) -> {
            for (String v : values) {
                if (v != null) {
                    head.append(name).append(": ").append(clean(v)).append("\r\n");
                }
            }
        });
        head.append("\r\n");

        try (Socket socket = endpoint.connect(connect, budget)) {
            long end = deadline;
            ScheduledFuture<?> guard = watchdog.schedule(() -> closeQuietly(socket), Math.max(1, remainingMillis(end)) + 50, TimeUnit.MILLISECONDS);
            try {
                OutputStream out = socket.getOutputStream();
                out.write(head.toString().getBytes(StandardCharsets.UTF_8));
                out.write(message);
                out.flush();
                return readReply(new BufferedInputStream(socket.getInputStream()), () -> setTimeout(socket, end));
            } catch (IOException e) {
                if (System.nanoTime() - deadline >= 0 || e instanceof SocketTimeoutException) {
                    throw new SocketTimeoutException("rspamd at " + endpoint + " did not answer within " + budgetMs + " ms");
                }
                throw new IOException("rspamd at " + endpoint + ": " + e.getMessage(), e);
            } finally {
                guard.cancel(false);
            }
        }
    }

    /** Called before every read: sets how long it may block, or throws once the deadline passed. */
    @FunctionalInterface
    interface BeforeRead {
        void check() throws IOException;
    }

    /**
     * Reads one HTTP reply (status, headers, body by Content-Length, chunked or to EOF) and parses its body.
     *
     * @throws IOException for anything that is not a 200 check result within the caps
     */
    static RspamdResult readReply(InputStream in, BeforeRead timer) throws IOException {
        String status = readLine(in, timer);
        if (status == null) {
            throw new IOException("connection closed before a reply");
        }
        String[] parts = status.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
            throw new IOException("not an HTTP reply: " + LogText.escape(status, 200));
        }
        int code;
        try {
            code = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new IOException("not an HTTP status: " + LogText.escape(status, 200));
        }
        long length = -1;
        boolean chunked = false;
        int lines = 0;
        for (String line = readLine(in, timer); line != null && !line.isEmpty(); line = readLine(in, timer)) {
            if (++lines > MAX_HEADER_LINES) {
                throw new IOException("reply has more than " + MAX_HEADER_LINES + " header lines");
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).trim();
            if (name.equals("content-length")) {
                try {
                    length = Long.parseLong(value);
                } catch (NumberFormatException e) {
                    throw new IOException("bad Content-Length: " + LogText.escape(value, 200));
                }
                if (length < 0 || length > MAX_REPLY) {
                    throw new IOException("reply too large or negative: " + length + " bytes");
                }
            } else if (name.equals("transfer-encoding") && value.toLowerCase(Locale.ROOT).contains("chunked")) {
                chunked = true;
            }
        }
        byte[] body = chunked ? readChunked(in, timer) : readBody(in, timer, length);
        if (code != 200) {
            String reason = parts.length > 2 ? parts[2] : "";
            throw new IOException("HTTP " + code + " " + LogText.escape(reason, 200)
                + (body.length > 0 ? ": " + LogText.escape(new String(body, 0, Math.min(body.length, 200), StandardCharsets.UTF_8), 200) : ""));
        }
        try {
            return RspamdResult.parse(body);
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    private static byte[] readBody(InputStream in, BeforeRead timer, long length) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream(length > 0 ? (int) Math.min(length, 64 * 1024) : 4096);
        byte[] chunk = new byte[8192];
        while (length < 0 || buf.size() < length) {
            timer.check();
            int want = length < 0 ? chunk.length : (int) Math.min(chunk.length, length - buf.size());
            int n = in.read(chunk, 0, want);
            if (n < 0) {
                if (length >= 0) {
                    throw new IOException("connection closed after " + buf.size() + " of " + length + " body bytes");
                }
                break;
            }
            buf.write(chunk, 0, n);
            if (buf.size() > MAX_REPLY) {
                throw new IOException("reply larger than " + MAX_REPLY + " bytes");
            }
        }
        return buf.toByteArray();
    }

    private static byte[] readChunked(InputStream in, BeforeRead timer) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = readLine(in, timer);
            if (sizeLine == null) {
                throw new IOException("connection closed inside a chunked body");
            }
            int semi = sizeLine.indexOf(';');
            int size;
            try {
                size = Integer.parseInt((semi >= 0 ? sizeLine.substring(0, semi) : sizeLine).trim(), 16);
            } catch (NumberFormatException e) {
                throw new IOException("bad chunk size: " + LogText.escape(sizeLine, 200));
            }
            if (size == 0) {
                return buf.toByteArray();
            }
            if (size < 0 || buf.size() + size > MAX_REPLY) {
                throw new IOException("reply larger than " + MAX_REPLY + " bytes");
            }
            buf.write(readBody(in, timer, size));
            readLine(in, timer);
        }
    }

    private static String readLine(InputStream in, BeforeRead timer) throws IOException {
        StringBuilder sb = new StringBuilder();
        while (true) {
            timer.check();
            int c = in.read();
            if (c < 0) {
                return sb.length() == 0 ? null : sb.toString();
            }
            if (c == '\n') {
                int len = sb.length();
                if (len > 0 && sb.charAt(len - 1) == '\r') {
                    sb.setLength(len - 1);
                }
                return sb.toString();
            }
            sb.append((char) c);
            if (sb.length() > MAX_HEADER_LINE) {
                throw new IOException("reply header line longer than " + MAX_HEADER_LINE + " bytes");
            }
        }
    }

    private static void setTimeout(Socket socket, long deadline) throws IOException {
        long ms = remainingMillis(deadline);
        if (ms <= 0) {
            throw new SocketTimeoutException("deadline passed");
        }
        socket.setSoTimeout((int) Math.min(ms, Integer.MAX_VALUE));
    }

    private static long remainingMillis(long deadline) {
        return TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
    }

    /** Control characters (CR, LF, ...) become '?', so a value cannot add header lines; UTF-8 is kept. */
    static String clean(String value) {
        StringBuilder sb = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            sb.append(Character.isISOControl(c) && c != '\t' ? '?' : c);
        }
        return sb.toString();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // the caller sees the failure on its next read or write
        }
    }
}
