package org.jamesexim.dovecot;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * One connection to Dovecot's auth service: handshake, then many requests in flight at once, matched to replies by
 * request id. Any protocol violation, EOF or I/O error closes the connection and fails every request in flight as a
 * temporary failure. Thread-safe.
 *
 * <p>Reading is leader/follower: a waiting caller that gets the read lock reads and dispatches replies (its own and
 * everyone else's) until its own has come, then hands the lock on by waking another waiting caller; the others park
 * until their reply is dispatched or the lock is handed to them. One caller alone thus reads its own reply, with no
 * thread hand-off. While the connection is idle, a watcher thread holds the read lock in short reads, so that a
 * Dovecot that closes or restarts is noticed at once (the next request then reconnects instead of failing); it also
 * breaks a write that blocks longer than {@code timeout}.</p>
 */
final class DovecotConnection {
    /** Longest single blocking read of a leader (it re-checks its deadline in between). */
    private static final long TICK_MS = 1000;
    /** The watcher starts reading after this long without requests, and reads in slices of WATCH_READ_MS. */
    private static final long IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    private static final int WATCH_READ_MS = 100;
    private static final long WATCH_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /** Most handshake lines (VERSION, MECH, SPID, CUID, COOKIE, DONE and unknown ones) read before DONE. */
    static final int MAX_HANDSHAKE_LINES = 1000;
    /** Most mechanisms kept from the handshake. */
    static final int MAX_MECHANISMS = 64;
    /** A parked follower re-checks at least this often (a safety net; it is normally woken). */
    private static final long FOLLOWER_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final DovecotAuthConfig config;
    private final Socket socket;
    private final OutputStream out;
    private final DovecotWire.LineReader reader;
    private final Set<String> mechanisms;
    private final ConcurrentHashMap<Integer, Pending> pending = new ConcurrentHashMap<>();
    private final AtomicInteger ids = new AtomicInteger();
    private final ReentrantLock writeLock = new ReentrantLock();
    private final ReentrantLock readLock = new ReentrantLock();
    private volatile long lastActivityNanos;
    private int currentSoTimeout; // guarded by readLock
    private final AtomicReference<String> closedReason = new AtomicReference<>();
    private volatile long writeStartedNanos;
    private volatile long lastLineNanos;

    /** A request in flight. */
    static final class Pending {
        final int id;
        final AuthRequest request;
        final long sentNanos;
        final CompletableFuture<AuthResult> future = new CompletableFuture<>();
        volatile Thread waiter;
        int rounds; // touched by the read-lock holder only

        Pending(int id, AuthRequest request, long sentNanos) {
            this.id = id;
            this.request = request;
            this.sentNanos = sentNanos;
        }
    }

    private DovecotConnection(DovecotAuthConfig config, Socket socket, OutputStream out, DovecotWire.LineReader reader,
                              Set<String> mechanisms) {
        this.config = config;
        this.socket = socket;
        this.out = out;
        this.reader = reader;
        this.mechanisms = mechanisms;
        this.lastLineNanos = System.nanoTime();
        this.lastActivityNanos = lastLineNanos;
    }

    /**
     * Connects, sends {@code VERSION}/{@code CPID} at once (works with Dovecot 2.3 and 2.4, which waits for them),
     * reads the server's handshake up to {@code DONE}, and starts the reader thread. The TLS and Dovecot handshakes
     * together end by {@code deadline} ({@link System#nanoTime()} based) and within {@code timeout}.
     */
    static DovecotConnection open(DovecotAuthConfig config, String threadName, long deadline) throws IOException {
        long timeoutMs = config.timeout().toMillis();
        Socket socket = config.endpoint().connect(config.connectTimeout(), config.timeout());
        long handshakeDeadline = Math.min(deadline - System.nanoTime(), config.timeout().toNanos()) + System.nanoTime();
        try {
            if (config.tls()) {
                socket.setSoTimeout(remainingMs(handshakeDeadline));
                socket = startTls(config, socket);
            }
            OutputStream out = socket.getOutputStream();
            out.write(("VERSION\t1\t0\nCPID\t" + ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            DovecotWire.LineReader reader = new DovecotWire.LineReader(socket.getInputStream(), DovecotWire.MAX_SERVER_LINE);
            Set<String> mechanisms = handshake(socket, reader, handshakeDeadline, config.timeout().toString());
            socket.setSoTimeout((int) Math.min(TICK_MS, timeoutMs));
            DovecotConnection c = new DovecotConnection(config, socket, out, reader, mechanisms);
            Thread t = new Thread(c::watchLoop, threadName);
            t.setDaemon(true);
            t.start();
            return c;
        } catch (IOException | RuntimeException e) {
            closeQuietly(socket);
            throw e;
        }
    }

    /** Milliseconds until {@code deadline}, at least 1 (SO_TIMEOUT 0 would mean "forever"). */
    private static int remainingMs(long deadline) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
    }

    private static Socket startTls(DovecotAuthConfig config, Socket plain) throws IOException {
        SSLSocket ssl = (SSLSocket) config.sslContext().getSocketFactory()
            .createSocket(plain, config.tlsServerName(), config.endpoint().port(), true);
        if (config.verifyHostname()) {
            SSLParameters p = ssl.getSSLParameters();
            p.setEndpointIdentificationAlgorithm("HTTPS");
            ssl.setSSLParameters(p);
        }
        ssl.setSoTimeout(plain.getSoTimeout());
        try {
            ssl.startHandshake();
        } catch (SocketTimeoutException e) {
            throw new SocketTimeoutException("TLS handshake with " + config.endpoint() + " timed out");
        } catch (IOException e) {
            throw new IOException("TLS handshake with " + config.endpoint() + " failed: " + e.getMessage(), e);
        }
        return ssl;
    }

    private static Set<String> handshake(Socket socket, DovecotWire.LineReader reader, long deadline, String timeoutText)
        throws IOException {
        Set<String> mechanisms = new LinkedHashSet<>();
        boolean version = false;
        for (int lines = 0; ; lines++) {
            if (System.nanoTime() - deadline > 0) {
                throw new SocketTimeoutException("no complete handshake from Dovecot within " + timeoutText);
            }
            if (lines >= MAX_HANDSHAKE_LINES) {
                throw new DovecotProtocolException("Dovecot sent more than " + MAX_HANDSHAKE_LINES + " handshake lines without DONE");
            }
            String line;
            try {
                socket.setSoTimeout(remainingMs(deadline));
                line = reader.readLine(deadline);
            } catch (SocketTimeoutException e) {
                throw new SocketTimeoutException("no complete handshake from Dovecot within " + timeoutText);
            }
            List<String> f = DovecotWire.split(line);
            String cmd = f.get(0);
            if (!version) {
                if (!"VERSION".equals(cmd)) {
                    throw new DovecotProtocolException("not a Dovecot auth service: its first line is "
                        + DovecotWire.describe(line));
                }
                if (f.size() < 3 || !"1".equals(f.get(1))) {
                    throw new DovecotProtocolException("Dovecot auth protocol version "
                        + (f.size() > 1 ? DovecotWire.describe(f.get(1)) : "?") + " is not 1.x");
                }
                version = true;
                continue;
            }
            switch (cmd) {
                case "MECH":
                    if (f.size() >= 2 && !f.subList(2, f.size()).contains("private")) {
                        if (mechanisms.size() >= MAX_MECHANISMS) {
                            throw new DovecotProtocolException("Dovecot advertised more than " + MAX_MECHANISMS + " mechanisms");
                        }
                        mechanisms.add(f.get(1).toUpperCase(Locale.ROOT));
                    }
                    break;
                case "SPID":
                    if (mechanisms.isEmpty()) {
                        throw new DovecotProtocolException("connected to an auth-master socket (SPID before any MECH); "
                            + "server_socket must name an auth-client listener");
                    }
                    break;
                case "DONE":
                    return Collections.unmodifiableSet(mechanisms);
                default:
                    break; // CUID, COOKIE and anything newer
            }
        }
    }

    boolean isOpen() {
        return closedReason.get() == null;
    }

    String closedReason() {
        return closedReason.get();
    }

    Set<String> mechanisms() {
        return mechanisms;
    }

    int inFlight() {
        return pending.size();
    }

    /**
     * Sends the request's AUTH line.
     *
     * @return the pending request, whose future completes with Dovecot's answer or a temporary failure
     * @throws IOException when the line was not sent (the connection is then closed); the request may be retried
     */
    Pending submit(AuthRequest request) throws IOException {
        String reason = closedReason.get();
        if (reason != null) {
            throw new IOException(reason);
        }
        int id = nextId();
        Pending p = new Pending(id, request, System.nanoTime());
        byte[] line = ("AUTH\t" + id + "\t" + request.fieldsAfterId(config.service()) + "\n")
            .getBytes(StandardCharsets.UTF_8);
        if (line.length > DovecotWire.MAX_CLIENT_LINE) {
            complete(p, AuthResult.fail("authentication data too long for Dovecot (" + line.length + " bytes)"));
            return p;
        }
        pending.put(id, p);
        lastActivityNanos = System.nanoTime();
        if (closedReason.get() != null) {
            pending.remove(id);
            throw new IOException(closedReason.get());
        }
        try {
            write(line);
        } catch (IOException e) {
            pending.remove(id);
            close("cannot write to Dovecot: " + e.getMessage());
            throw e;
        }
        return p;
    }

    /**
     * The caller stopped waiting. When nothing at all came from Dovecot during a whole {@code timeout} since the
     * request was sent, the connection is considered stalled and closed; otherwise only this request is cancelled.
     */
    void abandon(Pending p, String reason) {
        if (!pending.remove(p.id, p)) {
            return;
        }
        complete(p, AuthResult.tempfail(reason));
        long waited = System.nanoTime() - p.sentNanos;
        if (lastLineNanos - p.sentNanos < 0 && waited >= config.timeout().toNanos() - TimeUnit.MILLISECONDS.toNanos(1)) {
            close("Dovecot stalled: " + reason);
            return;
        }
        try {
            write(("CANCEL\t" + p.id + "\n").getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            close("cannot write to Dovecot: " + e.getMessage());
        }
    }

    private int nextId() {
        while (true) {
            int id = ids.updateAndGet(x -> x >= Integer.MAX_VALUE || x < 0 ? 1 : x + 1);
            if (!pending.containsKey(id)) {
                return id;
            }
        }
    }

    private void write(byte[] bytes) throws IOException {
        boolean locked;
        try {
            locked = writeLock.tryLock(config.timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting to write to Dovecot");
        }
        if (!locked) {
            throw new IOException("writing to Dovecot blocked for more than " + config.timeout());
        }
        try {
            writeStartedNanos = System.nanoTime() | 1L;
            out.write(bytes);
            out.flush();
        } finally {
            writeStartedNanos = 0;
            writeLock.unlock();
        }
    }

    /**
     * Waits for the request's result until {@code deadline} ({@link System#nanoTime()} based), reading replies
     * itself whenever no one else does. At the deadline the request is abandoned with {@code timeoutReason}.
     */
    AuthResult await(Pending p, long deadline, String timeoutReason) {
        p.waiter = Thread.currentThread();
        try {
            while (true) {
                if (p.future.isDone()) {
                    return p.future.getNow(null);
                }
                long now = System.nanoTime();
                if (now - deadline >= 0) {
                    abandon(p, timeoutReason);
                    return p.future.getNow(AuthResult.tempfail(timeoutReason));
                }
                if (Thread.interrupted()) {
                    Thread.currentThread().interrupt();
                    abandon(p, "interrupted while waiting for Dovecot");
                    return p.future.getNow(AuthResult.tempfail("interrupted while waiting for Dovecot"));
                }
                if (readLock.tryLock()) {
                    try {
                        lead(p, deadline);
                    } finally {
                        readLock.unlock();
                        passLock();
                    }
                } else {
                    LockSupport.parkNanos(this, Math.min(deadline - now, FOLLOWER_PARK_NANOS));
                }
            }
        } finally {
            p.waiter = null;
        }
    }

    /** Reads and dispatches lines until {@code p} has its result, the deadline passes or the connection closes. */
    private void lead(Pending p, long deadline) {
        while (!p.future.isDone() && isOpen()) {
            long remainingMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (remainingMs <= 0) {
                return;
            }
            if (!readAndDispatch((int) Math.min(remainingMs, TICK_MS))) {
                return;
            }
        }
    }

    /**
     * One line: read (at most {@code soTimeoutMs}) and dispatch. Caller holds the read lock.
     *
     * @return false when the connection was closed
     */
    private boolean readAndDispatch(int soTimeoutMs) {
        String line;
        try {
            int t = Math.max(1, soTimeoutMs);
            if (t != currentSoTimeout) {
                socket.setSoTimeout(t);
                currentSoTimeout = t;
            }
            // a line trickled in byte by byte must not keep the reader past its slice (and a waiter past its deadline)
            line = reader.readLine(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(t));
        } catch (SocketTimeoutException e) {
            checkBlockedWrite();
            return isOpen();
        } catch (IOException e) {
            close(e instanceof DovecotProtocolException ? e.getMessage() : "connection to Dovecot lost: " + e.getMessage());
            return false;
        }
        lastLineNanos = System.nanoTime();
        try {
            dispatch(line);
            return true;
        } catch (DovecotProtocolException e) {
            close(e.getMessage());
        } catch (IOException e) {
            close("cannot write to Dovecot: " + e.getMessage());
        } catch (RuntimeException e) {
            close("internal error on Dovecot reply: " + e);
        }
        return false;
    }

    /** After releasing the read lock: wake one caller still waiting, so that someone reads its reply. */
    private void passLock() {
        if (pending.isEmpty()) {
            return;
        }
        for (Pending q : pending.values()) {
            Thread w = q.waiter;
            if (w != null && !q.future.isDone()) {
                LockSupport.unpark(w);
                return;
            }
        }
    }

    private void checkBlockedWrite() {
        long started = writeStartedNanos;
        if (started != 0 && System.nanoTime() - started > config.timeout().toNanos()) {
            close("writing to Dovecot blocked for more than " + config.timeout());
        }
    }

    /** The watcher thread: reads while the connection is idle (EOF, garbage), and breaks blocked writes. */
    private void watchLoop() {
        while (isOpen()) {
            checkBlockedWrite();
            if (pending.isEmpty() && System.nanoTime() - lastActivityNanos >= IDLE_NANOS && readLock.tryLock()) {
                try {
                    if (pending.isEmpty()) {
                        readAndDispatch(WATCH_READ_MS);
                    }
                } finally {
                    readLock.unlock();
                    passLock();
                }
            } else {
                LockSupport.parkNanos(this, WATCH_PARK_NANOS);
            }
        }
    }

    /** Completes the request and wakes its waiting caller. */
    private static void complete(Pending p, AuthResult result) {
        if (p.future.complete(result)) {
            Thread w = p.waiter;
            if (w != null) {
                LockSupport.unpark(w);
            }
        }
    }

    private void dispatch(String line) throws IOException {
        List<String> f = DovecotWire.split(line);
        String cmd = f.get(0);
        if (!"OK".equals(cmd) && !"FAIL".equals(cmd) && !"CONT".equals(cmd)) {
            throw new DovecotProtocolException("unexpected line from Dovecot: " + DovecotWire.describe(line));
        }
        if (f.size() < 2) {
            throw new DovecotProtocolException("Dovecot reply without request id: " + DovecotWire.describe(line));
        }
        int id;
        try {
            long v = Long.parseLong(f.get(1));
            if (v <= 0 || v > 0xFFFFFFFFL) {
                throw new NumberFormatException();
            }
            id = v > Integer.MAX_VALUE ? -1 : (int) v;
        } catch (NumberFormatException e) {
            throw new DovecotProtocolException("Dovecot reply with a bad request id: " + DovecotWire.describe(line));
        }
        Pending p = pending.get(id);
        if (p == null) {
            return; // late answer to a request given up or cancelled
        }
        if ("CONT".equals(cmd)) {
            onChallenge(p, f.size() > 2 ? f.get(2) : "");
            return;
        }
        if (!pending.remove(id, p)) {
            return;
        }
        java.util.LinkedHashMap<String, String> params = DovecotWire.params(f, 2);
        if ("OK".equals(cmd)) {
            if (params.get("user") == null || params.get("user").isEmpty()) {
                complete(p, AuthResult.tempfail("Dovecot replied OK without user="));
            } else {
                complete(p, AuthResult.fromReply(AuthResult.Status.OK, params, params.get("reason")));
            }
            return;
        }
        boolean temp = "temp_fail".equals(params.get("code")) || params.containsKey("temp");
        String reason = params.get("reason");
        if (reason == null) {
            reason = temp ? "Dovecot: temporary authentication failure" : "Dovecot: authentication failed";
        }
        complete(p, AuthResult.fromReply(temp ? AuthResult.Status.TEMPFAIL : AuthResult.Status.FAIL, params, reason));
    }

    private void onChallenge(Pending p, String base64) throws IOException {
        byte[] challenge;
        try {
            challenge = DovecotWire.unbase64(base64);
        } catch (IllegalArgumentException e) {
            cancel(p, AuthResult.tempfail("Dovecot sent a challenge that is not base64"));
            return;
        }
        byte[] answer;
        try {
            answer = p.request.responder().respond(p.rounds++, challenge);
        } catch (RuntimeException e) {
            cancel(p, AuthResult.cancelled("no answer to Dovecot's challenge: " + e.getClass().getSimpleName()));
            return;
        }
        if (answer == null) {
            cancel(p, AuthResult.cancelled("no answer to Dovecot's challenge " + (p.rounds) + " for "
                + p.request.mechanism()));
            return;
        }
        byte[] line = ("CONT\t" + p.id + "\t" + DovecotWire.base64(answer) + "\n").getBytes(StandardCharsets.US_ASCII);
        if (line.length > DovecotWire.MAX_CLIENT_LINE) {
            cancel(p, AuthResult.fail("authentication data too long for Dovecot (" + line.length + " bytes)"));
            return;
        }
        write(line);
    }

    private void cancel(Pending p, AuthResult result) throws IOException {
        if (pending.remove(p.id, p)) {
            complete(p, result);
            write(("CANCEL\t" + p.id + "\n").getBytes(StandardCharsets.US_ASCII));
        }
    }

    /** Closes the socket and fails every request in flight with {@code reason} (a temporary failure). */
    void close(String reason) {
        if (!closedReason.compareAndSet(null, reason)) {
            return;
        }
        closeQuietly(socket);
        for (Pending p : pending.values()) {
            if (pending.remove(p.id, p)) {
                complete(p, AuthResult.tempfail(reason));
            }
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
