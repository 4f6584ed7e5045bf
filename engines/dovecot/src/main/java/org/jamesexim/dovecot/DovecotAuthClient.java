package org.jamesexim.dovecot;

import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Authenticates against Dovecot's auth service. Keeps {@code pool_size} connections, each carrying many requests at
 * once (request ids); connects lazily, reconnects after EOF/errors with exponential backoff, and bounds every
 * request by {@code timeout}: {@link #authenticate} always returns within about {@code connect_timeout + timeout},
 * never throws for I/O trouble, and reports anything that is not Dovecot's verdict on the credentials as
 * {@link AuthResult.Status#TEMPFAIL}; at most {@code max_pending} requests wait at once (more fail at once, as
 * temporary failures). What Dovecot sends is capped: lines of {@value DovecotWire#MAX_SERVER_LINE} bytes and
 * {@value DovecotWire#MAX_FIELDS} fields, {@value DovecotConnection#MAX_HANDSHAKE_LINES} handshake lines,
 * {@value DovecotConnection#MAX_MECHANISMS} mechanisms; passing a cap drops the connection (requests in flight end
 * as temporary failures). A request is never replayed once Dovecot may have acted on it, except that a
 * line that could not be written at all is sent once more on a fresh connection. Thread-safe; one instance per
 * configured server; {@link #close()} when done.
 */
public final class DovecotAuthClient implements AutoCloseable {
    private final DovecotAuthConfig config;
    private final Slot[] slots;
    private final AtomicInteger roundRobin = new AtomicInteger();
    private final AtomicInteger threadCount = new AtomicInteger();
    private final AtomicInteger waiting = new AtomicInteger();
    private final Object backoffLock = new Object();
    private int failures;
    private long retryNotBefore;
    private String lastConnectError;
    private volatile boolean closed;

    private static final class Slot {
        final ReentrantLock lock = new ReentrantLock();
        volatile DovecotConnection connection;
    }

    public DovecotAuthClient(DovecotAuthConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.slots = new Slot[config.poolSize()];
        for (int i = 0; i < slots.length; i++) {
            slots[i] = new Slot();
        }
    }

    public DovecotAuthConfig config() {
        return config;
    }

    /**
     * Runs one SASL exchange. Returns within {@code connect_timeout + timeout} (connect, TLS and Dovecot handshakes
     * and the reply all share that budget; the reply wait alone is also capped at {@code timeout}).
     */
    public AuthResult authenticate(AuthRequest request) {
        Objects.requireNonNull(request, "request");
        if (waiting.incrementAndGet() > config.maxPending()) {
            waiting.decrementAndGet();
            return AuthResult.tempfail("more than " + config.maxPending() + " requests are waiting for Dovecot (max_pending)");
        }
        try {
            return authenticateNow(request);
        } finally {
            waiting.decrementAndGet();
        }
    }

    private AuthResult authenticateNow(AuthRequest request) {
        long deadline = System.nanoTime() + config.connectTimeout().toNanos() + config.timeout().toNanos();
        IOException notSent = null;
        for (int attempt = 0; attempt < 2; attempt++) {
            DovecotConnection c;
            try {
                c = connection(deadline);
            } catch (IOException e) {
                return AuthResult.tempfail(e.getMessage());
            }
            if (!c.mechanisms().contains(request.mechanism())) {
                return AuthResult.tempfail("Dovecot did not advertise mechanism \"" + request.mechanism() + "\" to us");
            }
            DovecotConnection.Pending p;
            try {
                p = c.submit(request);
            } catch (IOException e) {
                notSent = e;
                continue;
            }
            return await(c, p, deadline);
        }
        return AuthResult.tempfail("cannot send to Dovecot: " + notSent.getMessage());
    }

    private AuthResult await(DovecotConnection c, DovecotConnection.Pending p, long deadline) {
        long until = Math.min(p.sentNanos + config.timeout().toNanos(), deadline);
        return c.await(p, until, "no reply from Dovecot within " + format(config.timeout()));
    }

    /**
     * The mechanisms Dovecot advertises (upper case), connecting if needed.
     *
     * @throws IOException when Dovecot cannot be reached
     */
    public Set<String> mechanisms() throws IOException {
        return connection(System.nanoTime() + config.connectTimeout().toNanos() + config.timeout().toNanos()).mechanisms();
    }

    /** Number of open connections (for tests and monitoring). */
    public int openConnections() {
        int n = 0;
        for (Slot s : slots) {
            DovecotConnection c = s.connection;
            if (c != null && c.isOpen()) {
                n++;
            }
        }
        return n;
    }

    private DovecotConnection connection(long deadline) throws IOException {
        if (closed) {
            throw new IOException("Dovecot client is closed");
        }
        Slot slot = slots[Math.floorMod(roundRobin.getAndIncrement(), slots.length)];
        DovecotConnection c = slot.connection;
        if (c != null && c.isOpen()) {
            return c;
        }
        DovecotConnection live = anyLive();
        if (live != null && !slot.lock.tryLock()) {
            return live; // someone else is (re)connecting this slot: don't queue behind them
        }
        if (live != null) {
            slot.lock.unlock();
        }
        try {
            return connectSlot(slot, deadline);
        } catch (IOException e) {
            live = anyLive();
            if (live != null) {
                return live;
            }
            throw e;
        }
    }

    private DovecotConnection anyLive() {
        for (Slot s : slots) {
            DovecotConnection o = s.connection;
            if (o != null && o.isOpen()) {
                return o;
            }
        }
        return null;
    }

    private DovecotConnection connectSlot(Slot slot, long deadline) throws IOException {
        checkBackoff();
        boolean locked;
        try {
            locked = slot.lock.tryLock(Math.max(deadline - System.nanoTime(), 1), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while connecting to Dovecot");
        }
        if (!locked) {
            throw new IOException("timed out waiting for a connection to Dovecot at " + config.endpoint());
        }
        try {
            DovecotConnection c = slot.connection;
            if (c != null && c.isOpen()) {
                return c;
            }
            checkBackoff();
            try {
                c = DovecotConnection.open(config, "jexim-dovecot-auth-" + threadCount.incrementAndGet() + " "
                    + config.endpoint(), deadline);
            } catch (IOException e) {
                recordFailure(e);
                throw new IOException("cannot use Dovecot at " + config.endpoint() + ": " + e.getMessage(), e);
            }
            synchronized (backoffLock) {
                failures = 0;
                lastConnectError = null;
            }
            slot.connection = c;
            if (closed) {
                c.close("Dovecot client is closed");
            }
            return c;
        } finally {
            slot.lock.unlock();
        }
    }

    private void checkBackoff() throws IOException {
        synchronized (backoffLock) {
            if (failures > 0) {
                long wait = retryNotBefore - System.nanoTime();
                if (wait > 0) {
                    throw new IOException("Dovecot at " + config.endpoint() + " unreachable (next try in "
                        + Math.max(1, TimeUnit.NANOSECONDS.toMillis(wait)) + " ms): " + lastConnectError);
                }
            }
        }
    }

    private void recordFailure(IOException e) {
        synchronized (backoffLock) {
            failures++;
            long backoff = config.backoffInitial().toNanos();
            for (int i = 1; i < failures && backoff < config.backoffMax().toNanos(); i++) {
                backoff *= 2;
            }
            backoff = Math.min(backoff, config.backoffMax().toNanos());
            retryNotBefore = System.nanoTime() + backoff;
            lastConnectError = e.getMessage();
        }
    }

    private static String format(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? (ms / 1000) + " s" : ms + " ms";
    }

    /** Closes every connection; requests in flight end as temporary failures. */
    @Override
    public void close() {
        closed = true;
        for (Slot s : slots) {
            DovecotConnection c = s.connection;
            if (c != null) {
                c.close("Dovecot client is closed");
            }
        }
    }
}
