package org.jamesexim.srs;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

/**
 * Database mode's connection pool (HikariCP, relocated into the drop-in JAR): at most {@code dbconnections}
 * connections, opened on first use and closed after a minute idle, so James starts while the database is down and a
 * restarted database is reconnected. Every wait is bounded by {@code dbtimeout}: getting a connection from the pool
 * (connecting included), checking one that sat idle, and the driver's own timeouts, which {@code raw} sets (for
 * PostgreSQL: {@code loginTimeout}, {@code connectTimeout}, {@code socketTimeout}). A connection that failed or was
 * aborted at a deadline is dropped by the pool, never handed out again.
 */
public final class SrsConnectionPool {
    private static final AtomicInteger COUNT = new AtomicInteger();

    private SrsConnectionPool() {
    }

    /**
     * A pool over {@code raw} (which opens one connection, with the password); close it with
     * {@link JdbcSrsDatabase#close()}.
     *
     * @param size the most connections ({@code dbconnections})
     * @param timeout the most any wait may take ({@code dbtimeout})
     */
    public static DataSource of(DataSource raw, int size, Duration timeout) {
        long ms = Math.max(1000, timeout.toMillis());
        HikariConfig c = new HikariConfig();
        c.setDataSource(raw);
        c.setPoolName("jexim-srs-" + COUNT.incrementAndGet());
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
}
