package org.jamesexim.dsn;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;

/**
 * What a remote SMTP server may send as one reply, enforced on the bytes as they are read (below the SMTP client's
 * line reader, which would otherwise keep any amount): at most {@value #MAX_LINE} bytes a line, {@value #MAX_LINES}
 * lines and {@value #MAX_REPLY} bytes a reply, and nothing read after {@code deadline}. Passing a limit throws an
 * IOException, which the SMTP client turns into a failed (temporary) attempt. {@link #startReply()} is called before
 * each reply is read. Not thread-safe: one delivery thread.
 */
public final class BoundedReplyInput extends FilterInputStream {
    /** Longest reply line accepted (RFC 5321 allows 512 octets). */
    public static final int MAX_LINE = 2048;
    /** Most lines of one reply (an EHLO reply lists tens of extensions). */
    public static final int MAX_LINES = 100;
    /** Most bytes of one reply. */
    public static final int MAX_REPLY = 32 * 1024;

    private final long deadline;
    private int replyBytes;
    private int lineBytes;
    private int lines;

    /**
     * @param in       the server's input
     * @param deadline {@link System#nanoTime()} after which nothing more is read; 0 for none
     */
    public BoundedReplyInput(InputStream in, long deadline) {
        super(in);
        this.deadline = deadline;
    }

    /** A new reply begins: its counts start at zero. */
    public void startReply() {
        replyBytes = 0;
        lineBytes = 0;
        lines = 0;
    }

    private void check() throws IOException {
        if (deadline != 0 && System.nanoTime() - deadline >= 0) {
            throw new SocketTimeoutException("the remote server did not finish its reply before the attempt's deadline");
        }
    }

    private void count(byte[] b, int off, int n) throws IOException {
        for (int i = off; i < off + n; i++) {
            count(b[i]);
        }
    }

    private void count(int c) throws IOException {
        if (++replyBytes > MAX_REPLY) {
            throw new IOException("the remote server's reply is longer than " + MAX_REPLY + " bytes");
        }
        if (c == '\n') {
            lineBytes = 0;
            if (++lines > MAX_LINES) {
                throw new IOException("the remote server's reply has more than " + MAX_LINES + " lines");
            }
        } else if (++lineBytes > MAX_LINE) {
            throw new IOException("the remote server sent a reply line longer than " + MAX_LINE + " bytes");
        }
    }

    @Override
    public int read() throws IOException {
        check();
        int c = super.read();
        if (c >= 0) {
            count(c);
        }
        return c;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        check();
        // never more than the reply may still hold, so a limit is found at the byte that passes it
        int n = super.read(b, off, Math.max(1, Math.min(len, MAX_REPLY - replyBytes + 1)));
        if (n > 0) {
            count(b, off, n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        if (n <= 0) {
            return 0;
        }
        int want = (int) Math.min(n, 8192);
        return Math.max(0, read(new byte[want], 0, want));
    }

    @Override
    public boolean markSupported() {
        return false;
    }
}
