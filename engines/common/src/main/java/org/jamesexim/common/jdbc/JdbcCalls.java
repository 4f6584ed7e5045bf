package org.jamesexim.common.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import javax.sql.DataSource;

/**
 * Database calls that return or fail within their time, whatever the driver does (shared by SRS database mode and the
 * JDBC lookups): each call (getting the connection, logging in and the statement together) runs on one of at most
 * {@code maxInFlight} daemon threads, and the caller stops waiting at the smaller of the per-call timeout and the
 * time it gives; the connection is then aborted, which ends any blocking read. The driver is also told:
 * {@link DataSource#setLoginTimeout}, {@link Connection#setNetworkTimeout} and the query timeout the work sets. When
 * all threads are busy (a database that hangs under load) a call fails at once instead of queueing. Thread-safe.
 */
public final class JdbcCalls implements AutoCloseable {
    /** A call that failed or gave no answer in time: temporary (the caller defers, never refuses for good). */
    public static final class CallException extends Exception {
        private static final long serialVersionUID = 1L;

        public CallException(String message) {
            super(message);
        }
    }

    /** Work on a connection; {@code seconds} is the query timeout to set on its statements. */
    public interface Work<T> {
        T run(Connection c, int seconds) throws SQLException;
    }

    private final DataSource dataSource;
    private final long timeoutMillis;
    private final int maxInFlight;
    private final String connectionsParameter;
    private final ThreadPoolExecutor workers;
    /**
     * Calls in flight: a permit is taken before a call is handed to a thread and given back by that thread when the
     * call's work ends (before the caller sees its result), so calls made one after another never find the pool full,
     * and an abandoned call that still runs keeps its permit until the driver gives up.
     */
    private final Semaphore inFlight;
    private static final int WAITING = 0;
    private static final int RUNNING = 1;
    private static final int ENDED = 2;

    /**
     * @param threadName the worker threads' name prefix (the caller makes it unique: a thread is {@code <threadName>-<n>})
     * @param timeout per call (at least 1 second)
     * @param maxInFlight calls that may wait at the same time; more fail at once
     * @param connectionsParameter the parameter that sets {@code maxInFlight}, named when a call fails for it
     */
    public JdbcCalls(DataSource dataSource, String threadName, Duration timeout, int maxInFlight, String connectionsParameter) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        if (maxInFlight < 1) {
            throw new IllegalArgumentException(connectionsParameter + " must be 1 or more, not " + maxInFlight);
        }
        this.timeoutMillis = Math.max(1000, timeout.toMillis());
        this.maxInFlight = maxInFlight;
        this.connectionsParameter = connectionsParameter;
        try {
            dataSource.setLoginTimeout(seconds(timeoutMillis));
        } catch (SQLException | RuntimeException | AbstractMethodError e) {
            // a DataSource without a login timeout: the deadline below still holds
        }
        AtomicInteger n = new AtomicInteger();
        this.inFlight = new Semaphore(maxInFlight);
        this.workers = new ThreadPoolExecutor(maxInFlight, maxInFlight, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, threadName + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.workers.allowCoreThreadTimeOut(true); // no thread while idle
    }

    /** The per-call timeout in milliseconds. */
    public long timeoutMillis() {
        return timeoutMillis;
    }

    /** True once {@link #close()} was called. */
    public boolean isClosed() {
        return workers.isShutdown();
    }

    /**
     * Runs {@code work} within the smaller of the per-call timeout and {@code given}.
     *
     * @param what names the call in the error ({@code SRS database select})
     * @throws CallException with what went wrong (the driver's SQLState and message; no URL password: see
     *         {@link JdbcUrlDataSource})
     */
    public <T> T call(String what, Duration given, Work<T> work) throws CallException {
        long budget = Math.min(timeoutMillis, given.toMillis());
        if (budget <= 0) {
            throw new CallException(what + " not tried: the deadline for this message has passed");
        }
        AtomicReference<Connection> open = new AtomicReference<>();
        AtomicBoolean abandoned = new AtomicBoolean();
        AtomicInteger phase = new AtomicInteger(WAITING);
        if (workers.isShutdown()) {
            throw new CallException(what + " not tried: the database is closed (the component stopped)");
        }
        if (!inFlight.tryAcquire()) {
            throw new CallException(what + " not tried: all " + maxInFlight + " database calls (" + connectionsParameter
                + ") are waiting already");
        }
        Future<T> f;
        try {
            f = workers.submit(() -> {
                if (!phase.compareAndSet(WAITING, RUNNING)) {
                    return null; // abandoned before it started: abandon() gave the permit back
                }
                try (Connection c = dataSource.getConnection()) {
                    if (abandoned.get()) {
                        return null;
                    }
                    open.set(c);
                    try {
                        c.setNetworkTimeout(Runnable::run, (int) Math.min(Integer.MAX_VALUE, budget));
                    } catch (SQLException | RuntimeException | AbstractMethodError e) {
                        // the driver has no network timeout: the query timeout and the deadline still hold
                    }
                    try {
                        return work.run(c, seconds(budget));
                    } catch (SQLException | RuntimeException e) {
                        JdbcPool.evict(dataSource, c); // a failed connection is not handed out again
                        throw e;
                    }
                } finally {
                    open.set(null);
                    phase.set(ENDED);
                    inFlight.release();
                }
            });
        } catch (RejectedExecutionException e) { // closed between the check and the hand-over
            inFlight.release();
            throw new CallException(what + " not tried: the database is closed (the component stopped)");
        }
        try {
            return f.get(budget, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            abandon(f, abandoned, open, phase);
            throw new CallException(what + " gave no answer within " + budget + " ms");
        } catch (InterruptedException e) {
            abandon(f, abandoned, open, phase);
            Thread.currentThread().interrupt();
            throw new CallException(what + " interrupted");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof SQLException) {
                throw new CallException(what + " failed: " + describe((SQLException) cause));
            }
            throw new CallException(what + " failed: " + cause.getClass().getSimpleName()
                + (cause.getMessage() == null ? "" : ": " + cause.getMessage()));
        }
    }

    /** Stops waiting: the worker gives up (or its connection is aborted, which ends any blocking read). */
    private void abandon(Future<?> f, AtomicBoolean abandoned, AtomicReference<Connection> open, AtomicInteger phase) {
        abandoned.set(true);
        f.cancel(true);
        if (phase.compareAndSet(WAITING, ENDED)) { // it never started and never will: its permit comes back here
            inFlight.release();
        }
        Connection c = open.get();
        if (c != null) {
            try {
                JdbcPool.evict(dataSource, c);
                c.abort(Runnable::run);
            } catch (SQLException | RuntimeException | AbstractMethodError ignored) {
                // best effort: the network and query timeouts end it later
            }
        }
    }

    /** Whole seconds for a JDBC timeout: at least 1. */
    public static int seconds(long millis) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, (millis + 999) / 1000));
    }

    private static String describe(SQLException e) {
        return e.getClass().getSimpleName() + (e.getSQLState() == null ? "" : " (SQLState " + e.getSQLState() + ")") + ": " + e.getMessage();
    }

    /**
     * Stops the worker threads (the component is stopped): calls still running are interrupted, later calls fail as
     * "not tried"; the DataSource is closed when it is a pool ({@link JdbcPool}).
     */
    @Override
    public void close() {
        workers.shutdownNow();
        JdbcPool.closeQuietly(dataSource);
    }
}
