package org.jamesexim.srs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Database mode's resources against a real PostgreSQL: the pool opens a connection once and reuses it (the backend
 * process stays the same), never more than {@code dbconnections}; expiry deletes the rows older than the cut in
 * bounded batches and leaves the others; a passes's bound holds; closing closes the pool.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SrsConnectionPoolTest {
    PostgresServer server;
    final PGSimpleDataSource pg = new PGSimpleDataSource();

    /** Counts the connections really opened. */
    static final class Counting implements DataSource {
        final DataSource raw;
        final AtomicInteger opened = new AtomicInteger();

        Counting(DataSource raw) {
            this.raw = raw;
        }

        @Override
        public Connection getConnection() throws SQLException {
            opened.incrementAndGet();
            return raw.getConnection();
        }

        @Override
        public Connection getConnection(String u, String p) throws SQLException {
            opened.incrementAndGet();
            return raw.getConnection(u, p);
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) {
        }

        @Override
        public void setLoginTimeout(int seconds) {
        }

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public Logger getParentLogger() {
            return Logger.getGlobal();
        }

        @Override
        public <T> T unwrap(Class<T> iface) throws SQLException {
            throw new SQLException("no");
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) {
            return false;
        }
    }

    @BeforeAll
    void setUp() throws Exception {
        server = PostgresServer.start();
        pg.setURL(server.jdbcUrl());
        pg.setUser("jexim");
        SrsDatabaseModeTest.createTable(pg);
    }

    @AfterAll
    void tearDown() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @BeforeEach
    void empty() throws SQLException {
        try (Connection c = pg.getConnection(); Statement s = c.createStatement()) {
            s.execute("DELETE FROM srs_address");
        }
    }

    private void rows(int n, String prefix, Instant created) throws SQLException {
        try (Connection c = pg.getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO srs_address (srs_key, address, created) VALUES (?, ?, ?)")) {
            for (int i = 0; i < n; i++) {
                ps.setString(1, prefix + i);
                ps.setString(2, "a" + i + "@origin.test");
                ps.setTimestamp(3, Timestamp.from(created));
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private long count() throws SQLException {
        try (Connection c = pg.getConnection(); Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT count(*) FROM srs_address")) {
            r.next();
            return r.getLong(1);
        }
    }

    @Test
    void theConnectionIsOpenedOnceAndReused() throws Exception {
        Counting raw = new Counting(pg);
        DataSource pool = SrsConnectionPool.of(raw, 2, Duration.ofSeconds(5));
        assertThat(raw.opened).as("nothing opened before the first call: James starts without the database").hasValue(0);
        try (JdbcSrsDatabase db = new JdbcSrsDatabase(pool, JdbcSrsDatabase.DEFAULT_INSERT, JdbcSrsDatabase.DEFAULT_SELECT,
            Duration.ofSeconds(5), 2)) {
            for (int i = 0; i < 20; i++) {
                db.insert("KEY" + i, "u" + i + "@origin.test", Duration.ofSeconds(5));
                assertThat(db.select("KEY" + i, Duration.ofSeconds(5))).contains("u" + i + "@origin.test");
            }
            Set<Integer> backends = new HashSet<>();
            for (int i = 0; i < 10; i++) {
                try (Connection c = pool.getConnection(); Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT pg_backend_pid()")) {
                    r.next();
                    backends.add(r.getInt(1));
                }
            }
            assertThat(backends).hasSize(1);
            assertThat(raw.opened.get()).as("40 calls on one connection").isEqualTo(1);
        }
        assertThatThrownBy(pool::getConnection).as("closing the database closes its pool").isInstanceOf(SQLException.class);
    }

    @Test
    void expiryDeletesTheRowsOlderThanTheCutInBatchesAndLeavesTheOthers() throws Exception {
        Instant now = Instant.now();
        rows(2500, "OLD", now.minus(Duration.ofDays(40)));
        rows(10, "NEW", now.minus(Duration.ofDays(2)));
        try (JdbcSrsDatabase db = new JdbcSrsDatabase(SrsConnectionPool.of(pg, 2, Duration.ofSeconds(5)), JdbcSrsDatabase.DEFAULT_INSERT,
            JdbcSrsDatabase.DEFAULT_SELECT, Duration.ofSeconds(5), 2)) {
            assertThat(db.expire(JdbcSrsDatabase.DEFAULT_EXPIRE, now.minus(Duration.ofDays(32)))).isEqualTo(2500);
            assertThat(count()).isEqualTo(10);
            assertThat(db.select("NEW3", Duration.ofSeconds(5))).contains("a3@origin.test");
            assertThat(db.expire(JdbcSrsDatabase.DEFAULT_EXPIRE, now.minus(Duration.ofDays(32)))).isZero();
        }
    }

    @Test
    void onePassIsBoundedAndTheRestWaitsForTheNext() throws Exception {
        rows(1500, "OLD", Instant.now().minus(Duration.ofDays(40)));
        String tenAtATime = "DELETE FROM srs_address WHERE srs_key IN (SELECT srs_key FROM srs_address WHERE created < $srs_db_before LIMIT 10)";
        try (JdbcSrsDatabase db = new JdbcSrsDatabase(pg, JdbcSrsDatabase.DEFAULT_INSERT, JdbcSrsDatabase.DEFAULT_SELECT, Duration.ofSeconds(5), 2)) {
            assertThat(db.expire(tenAtATime, Instant.now())).isEqualTo(10L * JdbcSrsDatabase.MAX_EXPIRE_BATCHES);
            assertThat(count()).isEqualTo(1500 - 10L * JdbcSrsDatabase.MAX_EXPIRE_BATCHES);
            assertThatThrownBy(() -> db.expire("DELETE FROM srs_address", Instant.now()))
                .hasMessageContaining("dbexpire must use $srs_db_before");
        }
    }

    @Test
    void scheduledExpiryRunsOnItsOwnAndReports() throws Exception {
        rows(5, "OLD", Instant.now().minus(Duration.ofDays(40)));
        rows(3, "NEW", Instant.now());
        CountDownLatch ran = new CountDownLatch(1);
        AtomicLong deleted = new AtomicLong(-1);
        try (JdbcSrsDatabase db = new JdbcSrsDatabase(SrsConnectionPool.of(pg, 2, Duration.ofSeconds(5)), JdbcSrsDatabase.DEFAULT_INSERT,
            JdbcSrsDatabase.DEFAULT_SELECT, Duration.ofSeconds(5), 2)) {
            db.expireEvery(JdbcSrsDatabase.DEFAULT_EXPIRE, Duration.ofSeconds(1), Duration.ofDays(32), Clock.systemUTC(), (n, before, error) -> {
                if (error == null && deleted.compareAndSet(-1, n)) {
                    ran.countDown();
                }
            });
            assertThat(ran.await(60, TimeUnit.SECONDS)).isTrue();
            assertThat(deleted).hasValue(5);
            assertThat(count()).isEqualTo(3);
        }
    }

    @Test
    void aSilentServerBehindThePoolGivesADeferWithinTheTimeoutAndTheRealOneWorksAfter() throws Exception {
        try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            java.util.List<java.net.Socket> held = new java.util.concurrent.CopyOnWriteArrayList<>();
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        java.net.Socket so = silent.accept();
                        held.add(so);
                        so.getInputStream().readNBytes(8); // the SSLRequest: "no TLS", then nothing more
                        so.getOutputStream().write('N');
                        so.getOutputStream().flush();
                    }
                } catch (java.io.IOException closed) {
                    // done
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            PGSimpleDataSource quiet = new PGSimpleDataSource();
            quiet.setURL("jdbc:postgresql://127.0.0.1:" + silent.getLocalPort() + "/postgres"); // no driver timeouts
            quiet.setUser("jexim");
            try (JdbcSrsDatabase db = new JdbcSrsDatabase(SrsConnectionPool.of(quiet, 2, Duration.ofSeconds(2)), JdbcSrsDatabase.DEFAULT_INSERT,
                JdbcSrsDatabase.DEFAULT_SELECT, Duration.ofSeconds(2), 2)) {
                org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
                    for (int i = 0; i < 3; i++) {
                        assertThatThrownBy(() -> db.insert("K", "a@origin.test", Duration.ofSeconds(10)))
                            .isInstanceOf(SrsDatabase.SrsDatabaseException.class);
                    }
                }, "a silent database behind the pool must not hold the caller");
            } finally {
                for (java.net.Socket so : held) {
                    so.close();
                }
            }
        }
        try (JdbcSrsDatabase db = new JdbcSrsDatabase(SrsConnectionPool.of(pg, 2, Duration.ofSeconds(2)), JdbcSrsDatabase.DEFAULT_INSERT,
            JdbcSrsDatabase.DEFAULT_SELECT, Duration.ofSeconds(2), 2)) {
            db.insert("AFTER", "b@origin.test", Duration.ofSeconds(5));
            assertThat(db.select("AFTER", Duration.ofSeconds(5))).contains("b@origin.test");
        }
    }
}
