package org.jamesexim.common.jdbc;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

/**
 * The pack's JDBC connection pool (HikariCP, relocated into the drop-in JAR by pack/pom.xml), shared by SRS database
 * mode and the JDBC lookups ({@code org.jamesexim.common.lookup}): at most {@code size} connections, opened on first
 * use and closed after a minute idle, so James starts while the database is down and a restarted database is
 * reconnected. Every wait is bounded by {@code timeout}: getting a connection from the pool (connecting included) and
 * checking one that sat idle; the driver's own timeouts are set by {@link JdbcUrlDataSource}. A connection that failed
 * or was aborted at a deadline is dropped by the pool, never handed out again. Close the pool ({@link AutoCloseable})
 * when the component using it stops.
 */
public final class JdbcPool {
    private static final AtomicInteger COUNT = new AtomicInteger();

    private JdbcPool() {
    }

    /**
     * A pool over {@code raw} (which opens one connection, with the password).
     *
     * @param name the pool's name prefix in the pool's own log lines (e.g. {@code jexim-srs})
     * @param size the most connections
     * @param timeout the most any wait may take (at least 1 second)
     */
    public static DataSource of(String name, DataSource raw, int size, Duration timeout) {
        long ms = Math.max(1000, timeout.toMillis());
        HikariConfig c = new HikariConfig();
        c.setDataSource(raw);
        c.setPoolName(name + "-" + COUNT.incrementAndGet());
        c.setMaximumPoolSize(size);
        c.setMinimumIdle(0);
        c.setConnectionTimeout(ms);
        c.setValidationTimeout(Math.max(250, ms / 2));
        c.setIdleTimeout(60_000);
        c.setMaxLifetime(30 * 60_000);
        c.setInitializationFailTimeout(-1); // James starts without the database
        c.setRegisterMbeans(false);
        return new HikariDataSource(c);
    }

    /**
     * Drops {@code c} (taken from {@code ds}) from the pool: it is closed when given back, never handed out again. For a
     * connection whose call failed: the pool itself only drops one whose error it knows as broken (SQLState 08...,
     * PostgreSQL's shutdown states), and checks a connection before reuse only after half a second idle, so a dead
     * connection of another driver (H2 says 90121 after a server restart) would be handed out again and again under
     * load. Nothing for a DataSource that is not a pool.
     */
    public static void evict(DataSource ds, java.sql.Connection c) {
        if (ds instanceof HikariDataSource && c != null) {
            try {
                ((HikariDataSource) ds).evictConnection(c);
            } catch (RuntimeException ignored) {
                // the pool is closing: the connection goes with it
            }
        }
    }

    /** Closes {@code ds} if it is a pool (or anything closeable); errors while closing are dropped. */
    public static void closeQuietly(DataSource ds) {
        if (ds instanceof AutoCloseable) {
            try {
                ((AutoCloseable) ds).close();
            } catch (Exception ignored) {
                // closing: nothing more to do
            }
        }
    }
}
