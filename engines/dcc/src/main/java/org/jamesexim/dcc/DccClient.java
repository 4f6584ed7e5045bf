package org.jamesexim.dcc;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Asks dccifd about one message per call, over a fresh connection (dccifd answers one request per connection).
 *
 * <p>The request is the options line, the client IP (and name), the HELO value, the envelope sender, the recipients,
 * an empty line, then the message streamed straight from its source to the socket (never buffered here); then the
 * write side is shut down and the reply read until EOF. One deadline bounds the whole check,
 * {@link DccSettings#timeout()} after it starts: the connect (itself at most {@link DccSettings#connectTimeout()}),
 * sending the message and reading the reply all share it, enforced by a watchdog that closes the socket (so a peer
 * that stops reading, or trickles its reply one byte at a time, cannot hold the caller longer). At most
 * {@value #MAX_REPLY} bytes of reply are read; {@link DccReplyParser} caps what is kept of them. Any failure gives a
 * DEFER result; this class never throws for a network problem.</p>
 *
 * <p>Thread-safe; share one instance. {@link #close()} stops the watchdog thread.</p>
 */
public final class DccClient implements AutoCloseable {
    /** The largest reply read (header plus checksum table are a few hundred bytes); the rest is not read. */
    public static final int MAX_REPLY = 64 * 1024;

    /** Writes the raw message (headers, blank line, body; no dot-stuffing) to the stream. */
    @FunctionalInterface
    public interface MessageSource {
        void writeTo(OutputStream out) throws IOException;
    }

    private final DccSettings settings;
    private final ScheduledThreadPoolExecutor watchdog;

    public DccClient(DccSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.watchdog = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "jexim-dcc-watchdog");
            t.setDaemon(true);
            return t;
        });
        this.watchdog.setRemoveOnCancelPolicy(true);
    }

    public DccSettings settings() {
        return settings;
    }

    /** Sends one message; never throws for network or dccifd trouble (those give a DEFER result). */
    public DccResult check(DccRequest request, MessageSource message) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(message, "message");
        long start = System.nanoTime();
        Duration connectTimeout = settings.connectTimeout().compareTo(settings.timeout()) < 0 ? settings.connectTimeout() : settings.timeout();
        Socket socket;
        try {
            socket = settings.address().connect(connectTimeout, settings.timeout());
        } catch (IOException | RuntimeException e) {
            return DccResult.noAnswer("cannot connect to dccifd at " + settings.address() + ": " + e.getMessage());
        }
        long left = settings.timeout().toMillis() - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        if (left <= 0) {
            closeQuietly(socket);
            return DccResult.noAnswer("no reply from dccifd at " + settings.address() + " within " + settings.timeout().toMillis() + " ms");
        }
        AtomicBoolean expired = new AtomicBoolean();
        ScheduledFuture<?> guard;
        try {
            guard = watchdog.schedule(() -> {
                expired.set(true);
                closeQuietly(socket);
            }, left, TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            closeQuietly(socket);
            return DccResult.noAnswer("DCC client is closed");
        }
        try {
            OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 16 * 1024);
            out.write((settings.options() + "\n" + request.envelopeLines()).getBytes(StandardCharsets.UTF_8));
            message.writeTo(new FilterOutputStream(out) {
                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                }

                @Override
                public void close() throws IOException {
                    out.flush();
                }
            });
            out.flush();
            socket.shutdownOutput();
            byte[] buf = new byte[1024];
            int len = 0;
            InputStream in = socket.getInputStream();
            while (true) {
                if (len == buf.length) {
                    if (buf.length >= MAX_REPLY) {
                        break;
                    }
                    buf = java.util.Arrays.copyOf(buf, Math.min(buf.length * 4, MAX_REPLY));
                }
                int n = in.read(buf, len, buf.length - len);
                if (n < 0) {
                    break;
                }
                len += n;
            }
            return DccReplyParser.parse(buf, len, request.recipients().size());
        } catch (SocketTimeoutException e) {
            return DccResult.noAnswer("no reply from dccifd at " + settings.address() + " within " + settings.timeout().toMillis() + " ms");
        } catch (IOException | RuntimeException e) {
            if (expired.get()) {
                return DccResult.noAnswer("dccifd exchange with " + settings.address() + " timed out after " + settings.timeout().toMillis() + " ms");
            }
            return DccResult.noAnswer("error talking to dccifd at " + settings.address() + ": " + e.getMessage());
        } finally {
            guard.cancel(false);
            closeQuietly(socket);
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // already closing
        }
    }

    @Override
    public void close() {
        watchdog.shutdownNow();
    }

    @Override
    public String toString() {
        return "DccClient{" + settings + "}";
    }
}
