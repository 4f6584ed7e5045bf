package org.jamesexim.srs;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import org.jamesexim.common.jdbc.JdbcCalls;

/**
 * Database mode over a JDBC {@link DataSource}. The SQL is configurable like Exim's {@code srs_dbinsert} /
 * {@code srs_dbselect}: write {@code $srs_db_key} and {@code $srs_db_address} (or {@code ${srs_db_key}},
 * {@code ${srs_db_address}}) where the values go; they are bound as JDBC parameters, never pasted into the SQL.
 * A duplicate key on insert (the same sender forwarded again) is not an error. Thread-safe as long as the
 * DataSource is.
 *
 * <p>Time: each call (getting the connection, logging in and the statement together) returns or throws within the
 * smaller of the statement timeout and the time the caller gives ({@link SrsDatabase}), whatever the driver does:
 * the work runs ({@link JdbcCalls}, shared with the JDBC lookups) on one of at most {@code maxInFlight} daemon threads and the caller stops waiting at the deadline
 * (the connection is then aborted). The driver is also told: {@link DataSource#setLoginTimeout},
 * {@link Connection#setNetworkTimeout} and {@link java.sql.Statement#setQueryTimeout}. When all threads are busy
 * (a database that hangs under load) a call fails at once instead of queueing.</p>
 */
public final class JdbcSrsDatabase implements SrsDatabase, AutoCloseable {
    public static final String DEFAULT_INSERT = "INSERT INTO srs_address (srs_key, address) VALUES ($srs_db_key, $srs_db_address)";
    public static final String DEFAULT_SELECT = "SELECT address FROM srs_address WHERE srs_key = $srs_db_key";
    /** Creates the table the default SQL uses (portable: H2, PostgreSQL, MariaDB, Derby). */
    public static final String DEFAULT_CREATE = "CREATE TABLE srs_address (srs_key VARCHAR(64) PRIMARY KEY, address VARCHAR(1024) NOT NULL, "
        + "created TIMESTAMP DEFAULT CURRENT_TIMESTAMP)";
    /**
     * Deletes rows older than {@code $srs_db_before}, a bounded batch per statement (PostgreSQL, H2; for MariaDB/MySQL
     * write {@code DELETE FROM srs_address WHERE created < $srs_db_before LIMIT 1000}).
     */
    public static final String DEFAULT_EXPIRE = "DELETE FROM srs_address WHERE srs_key IN (SELECT srs_key FROM srs_address"
        + " WHERE created < $srs_db_before LIMIT 1000)";
    /** The most expiry statements (batches) of one pass; the rest waits for the next pass. */
    public static final int MAX_EXPIRE_BATCHES = 100;
    /** Database calls that may wait at the same time by default ({@code dbconnections}). */
    public static final int DEFAULT_MAX_IN_FLIGHT = 8;

    private static final Pattern VARIABLE = Pattern.compile("\\$\\{?(srs_db_key|srs_db_address|srs_db_before)\\}?");

    private final Statement insert;
    private final Statement select;
    private final long timeoutMillis;
    private final int maxInFlight;
    private final JdbcCalls calls;
    private ScheduledExecutorService expiry;

    /** With {@link #DEFAULT_MAX_IN_FLIGHT} calls at a time. */
    public JdbcSrsDatabase(DataSource dataSource, String insertSql, String selectSql, Duration timeout) {
        this(dataSource, insertSql, selectSql, timeout, DEFAULT_MAX_IN_FLIGHT);
    }

    /**
     * @param insertSql with {@code $srs_db_key} and {@code $srs_db_address}
     * @param selectSql with {@code $srs_db_key}; its first column of the first row is the address
     * @param timeout per call: connect, log in and run the statement (at least 1 second)
     * @param maxInFlight calls that may wait on the database at the same time; more fail at once
     */
    public JdbcSrsDatabase(DataSource dataSource, String insertSql, String selectSql, Duration timeout, int maxInFlight) {
        Objects.requireNonNull(dataSource, "dataSource");
        this.insert = Statement.parse("dbinsert", insertSql);
        this.select = Statement.parse("dbselect", selectSql);
        if (!insert.variables.contains("srs_db_key") || !insert.variables.contains("srs_db_address")) {
            throw new IllegalArgumentException("dbinsert must use both $srs_db_key and $srs_db_address");
        }
        if (insert.variables.contains("srs_db_before") || select.variables.contains("srs_db_before")) {
            throw new IllegalArgumentException("$srs_db_before is for dbexpire only");
        }
        if (!select.variables.contains("srs_db_key")) {
            throw new IllegalArgumentException("dbselect must use $srs_db_key");
        }
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("dbconnections must be 1 or more, not " + maxInFlight);
        }
        this.timeoutMillis = Math.max(1000, timeout.toMillis());
        this.maxInFlight = maxInFlight;
        this.calls = new JdbcCalls(dataSource, "jexim-srs-db-" + Integer.toHexString(System.identityHashCode(this)), timeout, maxInFlight, "dbconnections");
    }

    /**
     * Stops the worker threads (the component using this database is stopped): calls still running are interrupted,
     * later calls fail as "not tried".
     */
    @Override
    public void close() {
        ScheduledExecutorService e = expiry;
        if (e != null) {
            e.shutdownNow();
        }
        calls.close(); // and the pool (SrsConnectionPool): its connections are closed
    }

    /**
     * One expiry pass: runs {@code expireSql} (with {@code $srs_db_before} bound to {@code before}) until it deletes
     * nothing, at most {@link #MAX_EXPIRE_BATCHES} times, each a database call with the usual timeout.
     *
     * @return the rows deleted
     */
    public long expire(String expireSql, Instant before) throws SrsDatabaseException {
        Statement expire = Statement.parse("dbexpire", expireSql);
        if (!expire.variables.equals(List.of("srs_db_before"))) {
            throw new IllegalArgumentException("dbexpire must use $srs_db_before once (and no other variable)");
        }
        long total = 0;
        for (int i = 0; i < MAX_EXPIRE_BATCHES; i++) {
            int n = call("SRS database expiry", Duration.ofMillis(timeoutMillis), (c, seconds) -> {
                try (PreparedStatement ps = c.prepareStatement(expire.sql)) {
                    ps.setQueryTimeout(seconds);
                    ps.setTimestamp(1, Timestamp.from(before));
                    return ps.executeUpdate();
                }
            });
            total += n;
            if (n <= 0) {
                break;
            }
        }
        return total;
    }

    /**
     * Runs {@link #expire} every {@code every} (first after {@code every}) on one daemon thread, deleting rows older
     * than {@code keep}; each pass's result goes to {@code report} (rows deleted, or the error), which must not throw.
     *
     * @throws IllegalArgumentException when {@code expireSql} is not a statement with {@code $srs_db_before}
     */
    public synchronized void expireEvery(String expireSql, Duration every, Duration keep, Clock clock, ExpiryReport report) {
        Statement check = Statement.parse("dbexpire", expireSql);
        if (!check.variables.equals(List.of("srs_db_before"))) {
            throw new IllegalArgumentException("dbexpire must use $srs_db_before once (and no other variable)");
        }
        if (expiry != null) {
            throw new IllegalStateException("expiry already scheduled");
        }
        String pool = Integer.toHexString(System.identityHashCode(this));
        expiry = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "jexim-srs-expiry-" + pool);
            t.setDaemon(true);
            return t;
        });
        long ms = Math.max(1000, every.toMillis());
        expiry.scheduleWithFixedDelay(() -> {
            Instant before = clock.instant().minus(keep);
            try {
                report.expired(expire(expireSql, before), before, null);
            } catch (SrsDatabaseException | RuntimeException e) {
                report.expired(0, before, e.getMessage());
            }
        }, ms, ms, TimeUnit.MILLISECONDS);
    }

    /** What one expiry pass did: for the caller's log. */
    public interface ExpiryReport {
        /** {@code deleted} rows older than {@code before}; {@code error} null, or why the pass stopped. */
        void expired(long deleted, Instant before, String error);
    }

    /** True once {@link #close()} was called. */
    public boolean isClosed() {
        return calls.isClosed();
    }

    /** The per-call timeout in milliseconds. */
    public long timeoutMillis() {
        return timeoutMillis;
    }

    @Override
    public void insert(String key, String address, Duration timeout) throws SrsDatabaseException {
        call("SRS database insert", timeout, (c, seconds) -> {
            try (PreparedStatement ps = insert.prepare(c, key, address, seconds)) {
                ps.executeUpdate();
            } catch (SQLException e) {
                if (!isDuplicate(e)) {
                    throw e;
                }
            }
            return Boolean.TRUE;
        });
    }

    @Override
    public Optional<String> select(String key, Duration timeout) throws SrsDatabaseException {
        return call("SRS database select", timeout, (c, seconds) -> {
            try (PreparedStatement ps = select.prepare(c, key, null, seconds); ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.<String>empty();
            }
        });
    }

    private <T> T call(String what, Duration given, JdbcCalls.Work<T> work) throws SrsDatabaseException {
        try {
            return calls.call(what, given, work);
        } catch (JdbcCalls.CallException e) {
            throw new SrsDatabaseException(e.getMessage());
        }
    }

    static int seconds(long millis) {
        return JdbcCalls.seconds(millis);
    }

    private static boolean isDuplicate(SQLException e) {
        for (SQLException x = e; x != null; x = x.getNextException()) {
            if (x instanceof java.sql.SQLIntegrityConstraintViolationException || "23505".equals(x.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "JdbcSrsDatabase{timeout=" + timeoutMillis + " ms, dbconnections=" + maxInFlight + "}";
    }

    /** SQL text with the variables turned into {@code ?} and their order remembered. */
    private static final class Statement {
        final String sql;
        final List<String> variables;

        private Statement(String sql, List<String> variables) {
            this.sql = sql;
            this.variables = variables;
        }

        static Statement parse(String name, String text) {
            if (text == null || text.trim().isEmpty()) {
                throw new IllegalArgumentException(name + " is empty");
            }
            Matcher m = VARIABLE.matcher(text);
            StringBuilder sb = new StringBuilder();
            List<String> vars = new ArrayList<>();
            int last = 0;
            while (m.find()) {
                sb.append(text, last, m.start()).append('?');
                vars.add(m.group(1));
                last = m.end();
            }
            sb.append(text.substring(last));
            return new Statement(sb.toString(), Collections.unmodifiableList(vars));
        }

        PreparedStatement prepare(Connection c, String key, String address, int timeoutSeconds) throws SQLException {
            PreparedStatement ps = c.prepareStatement(sql);
            try {
                ps.setQueryTimeout(timeoutSeconds);
                for (int i = 0; i < variables.size(); i++) {
                    ps.setString(i + 1, variables.get(i).equals("srs_db_key") ? key : address);
                }
                return ps;
            } catch (SQLException e) {
                ps.close();
                throw e;
            }
        }
    }
}
