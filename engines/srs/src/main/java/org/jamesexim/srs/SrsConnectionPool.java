package org.jamesexim.srs;

import java.time.Duration;

import javax.sql.DataSource;

import org.jamesexim.common.jdbc.JdbcPool;

/**
 * Database mode's connection pool: the pack's {@link JdbcPool} (shared with the JDBC lookups), named {@code jexim-srs}.
 * At most {@code dbconnections} connections, opened on first use and closed after a minute idle, so James starts
 * while the database is down and a restarted database is reconnected; every wait bounded by {@code dbtimeout}.
 */
public final class SrsConnectionPool {
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
        return JdbcPool.of("jexim-srs", raw, size, timeout);
    }
}
