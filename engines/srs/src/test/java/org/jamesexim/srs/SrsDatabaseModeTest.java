package org.jamesexim.srs;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

import javax.sql.DataSource;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.postgresql.ds.PGSimpleDataSource;

/** Database mode (srs_dbinsert/srs_dbselect) on H2 and on a real PostgreSQL started by the test. */
class SrsDatabaseModeTest {
    static final long DAY = 19889;

    abstract static class Contract {
        abstract DataSource dataSource();

        SrsEngine engine(SrsDatabase db, SrsEngine.DbMode mode, long day) {
            return new SrsEngine(SrsConfig.builder().secrets("tops3cr3t").hashLength(4).maxAge(21).build(),
                SrsVectorsTest.noonOf(day), db, mode);
        }

        JdbcSrsDatabase db() {
            return new JdbcSrsDatabase(dataSource(), JdbcSrsDatabase.DEFAULT_INSERT, JdbcSrsDatabase.DEFAULT_SELECT, Duration.ofSeconds(5));
        }

        @Test
        void alwaysModeStoresTheSenderAndTheAddressCarriesOnlyAKey() {
            SrsEngine e = engine(db(), SrsEngine.DbMode.ALWAYS, DAY);
            SrsForwardResult f = e.forward("alice@example.com", "fwd.example.net");
            assertThat(f.outcome()).isEqualTo(SrsForwardResult.Outcome.REWRITTEN);
            assertThat(f.address()).matches("SRS0=[A-Za-z0-9+/]{4}=NR=[A-Za-z0-9+/]{16}@fwd\\.example\\.net").doesNotContain("alice");
            assertThat(f.dbKey()).isPresent();
            assertThat(f.dbAddress()).contains("alice@example.com");
            // the same sender again: same key, no duplicate-key error
            assertThat(e.forward("alice@example.com", "fwd.example.net").address()).isEqualTo(f.address());
            SrsReverseResult r = engine(db(), SrsEngine.DbMode.ALWAYS, DAY + 3).reverse(f.address());
            assertThat(r.status()).isEqualTo(SrsStatus.VALID);
            assertThat(r.recipient()).contains("alice@example.com");
            assertThat(r.dbKey()).isEqualTo(f.dbKey());
            assertThat(engine(db(), SrsEngine.DbMode.ALWAYS, DAY + 22).reverse(f.address()).status()).isEqualTo(SrsStatus.EXPIRED);
        }

        @Test
        void tooLongSendersGoToTheDatabaseOthersStayInline() {
            SrsEngine e = engine(db(), SrsEngine.DbMode.TOOLONG, DAY);
            String longSender = "a.very.long.local.part.that.will.not.fit.into.sixty.four.octets@example.com";
            SrsForwardResult f = e.forward(longSender, "fwd.example.net");
            assertThat(f.outcome()).isEqualTo(SrsForwardResult.Outcome.REWRITTEN);
            assertThat(f.address().substring(0, f.address().indexOf('@')).length()).isLessThanOrEqualTo(64);
            assertThat(e.reverse(f.address()).recipient()).contains(longSender);
            assertThat(e.forward("bob@example.com", "fwd.example.net").address()).matches("SRS0=[A-Za-z0-9+/]{4}=NR=example\\.com=bob@fwd\\.example\\.net");
            assertThat(e.forward("bob@example.com", "fwd.example.net").dbKey()).isEmpty();
        }

        @Test
        void unknownOrForgedKeysAreRefused() {
            SrsEngine e = engine(db(), SrsEngine.DbMode.ALWAYS, DAY);
            String a = e.forward("carol@example.com", "fwd.example.net").address();
            String key = a.substring(a.lastIndexOf('=') + 1, a.indexOf('@'));
            String otherKey = (key.charAt(0) == 'A' ? 'B' : 'A') + key.substring(1);
            assertThat(e.reverse(a.replace(key, otherKey)).status()).isEqualTo(SrsStatus.BAD_HASH);
            // a correctly signed address whose key was never stored
            SrsEngine elsewhere = engine(new InMemory(), SrsEngine.DbMode.ALWAYS, DAY);
            String unknown = elsewhere.forward("nobody@example.com", "fwd.example.net").address();
            SrsReverseResult r = e.reverse(unknown);
            assertThat(r.status()).isEqualTo(SrsStatus.BAD_HASH);
            assertThat(r.error().orElseThrow()).endsWith("No data found");
        }

        @Test
        void aBounceWhoseCaseARemoteMtaChangedStillFindsItsKey() {
            SrsEngine e = engine(db(), SrsEngine.DbMode.ALWAYS, DAY);
            String a = e.forward("Frank@example.com", "fwd.example.net").address();
            for (String smashed : java.util.List.of(a.toLowerCase(java.util.Locale.ROOT), a.toUpperCase(java.util.Locale.ROOT))) {
                SrsReverseResult r = e.reverse(smashed);
                assertThat(r.status()).as(smashed).isEqualTo(SrsStatus.VALID);
                assertThat(r.recipient()).contains("Frank@example.com");
            }
        }

        @Test
        void sqlValuesAreBoundNotPasted() {
            SrsEngine e = engine(db(), SrsEngine.DbMode.ALWAYS, DAY);
            String nasty = "o'brien';DROP TABLE srs_address;--@example.com";
            SrsForwardResult f = e.forward(nasty, "fwd.example.net");
            assertThat(e.reverse(f.address()).recipient()).contains(nasty);
        }
    }

    /** Plain map, to make an address signed elsewhere; counts the calls it gets. */
    static final class InMemory implements SrsDatabase {
        private final java.util.Map<String, String> m = new java.util.concurrent.ConcurrentHashMap<>();
        final java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();

        @Override
        public void insert(String key, String address, Duration timeout) {
            calls.incrementAndGet();
            m.put(key, address);
        }

        @Override
        public java.util.Optional<String> select(String key, Duration timeout) {
            calls.incrementAndGet();
            return java.util.Optional.ofNullable(m.get(key));
        }
    }

    @Test
    void aPassedDeadlineDefersWithoutAskingTheDatabase() {
        InMemory db = new InMemory();
        SrsEngine e = new SrsEngine(SrsConfig.builder().secrets("tops3cr3t").hashLength(4).build(), SrsVectorsTest.noonOf(DAY), db,
            SrsEngine.DbMode.ALWAYS);
        String a = e.forward("gina@example.com", "fwd.example.net").address();
        SrsDeadline gone = SrsDeadline.in(Duration.ZERO);
        SrsReverseResult r = e.reverse(a, gone);
        assertThat(r.status()).isEqualTo(SrsStatus.DEFER);
        assertThat(r.error()).contains("SRS database select not tried: the deadline for this message has passed");
        SrsForwardResult f = e.forward("hank@example.com", "fwd.example.net", gone);
        assertThat(f.outcome()).isEqualTo(SrsForwardResult.Outcome.DEFER);
        assertThat(f.address()).isEqualTo("hank@example.com");
        assertThat(db.calls).as("only the first forward reached the database").hasValue(1);
        assertThat(e.reverse(a, SrsDeadline.in(Duration.ofSeconds(5))).recipient()).contains("gina@example.com");
    }

    @Test
    void keysThatCannotBeOursNeverReachTheDatabase() {
        InMemory db = new InMemory();
        SrsConfig c = SrsConfig.builder().secrets("tops3cr3t").hashLength(4).build();
        SrsEngine e = new SrsEngine(c, SrsVectorsTest.noonOf(DAY), db, SrsEngine.DbMode.ALWAYS);
        // signed correctly (we sign hash over stamp and key), but the key is not 16 characters of base64
        SrsEngine signer = new SrsEngine(c, SrsVectorsTest.noonOf(DAY));
        for (String key : java.util.List.of("short", "x".repeat(17), "!!!!!!!!!!!!!!!!", "\u00e9".repeat(16))) {
            String ts = SrsEngine.timestampCreate(DAY);
            String address = "SRS0=" + signer.hashCreate(ts, key) + "=" + ts + "=" + key + "@fwd.example.net";
            SrsReverseResult r = e.reverse(address);
            assertThat(r.status()).as(address).isEqualTo(SrsStatus.BAD_HASH);
        }
        assertThat(db.calls).hasValue(0);
    }

    /** A DataSource whose getConnection never returns until released and ignores interrupts: a driver without timeouts. */
    static final class BlackHole implements DataSource {
        final java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        final java.util.concurrent.atomic.AtomicInteger entered = new java.util.concurrent.atomic.AtomicInteger();

        @Override
        public Connection getConnection() throws SQLException {
            entered.incrementAndGet();
            while (true) {
                try {
                    release.await();
                    throw new SQLException("released");
                } catch (InterruptedException ignored) {
                    // a driver stuck in a socket read does not notice
                }
            }
        }

        @Override
        public Connection getConnection(String u, String p) throws SQLException {
            return getConnection();
        }

        @Override
        public java.io.PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(java.io.PrintWriter out) {
        }

        @Override
        public void setLoginTimeout(int seconds) {
        }

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public java.util.logging.Logger getParentLogger() {
            return java.util.logging.Logger.getGlobal();
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

    @Test
    void aDriverThatNeverAnswersIsCutOffAtItsTimeoutAndCallsBeyondDbconnectionsFailAtOnce() {
        BlackHole hole = new BlackHole();
        JdbcSrsDatabase db = new JdbcSrsDatabase(hole, JdbcSrsDatabase.DEFAULT_INSERT, JdbcSrsDatabase.DEFAULT_SELECT, Duration.ofSeconds(1), 2);
        SrsEngine e = new SrsEngine(SrsConfig.builder().secrets("tops3cr3t").hashLength(4).build(), SrsVectorsTest.noonOf(DAY), db,
            SrsEngine.DbMode.ALWAYS);
        try {
            org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
                SrsForwardResult f = e.forward("ivan@example.com", "fwd.example.net");
                assertThat(f.outcome()).isEqualTo(SrsForwardResult.Outcome.DEFER);
                assertThat(f.address()).isEqualTo("ivan@example.com");
                assertThat(f.error()).contains("SRS database insert gave no answer within 1000 ms");
                // a shorter message deadline wins over the statement timeout
                SrsForwardResult g = e.forward("judy@example.com", "fwd.example.net", SrsDeadline.in(Duration.ofMillis(300)));
                assertThat(g.error().orElseThrow()).contains("gave no answer within");
                assertThat(hole.entered).as("both workers are stuck in the driver").hasValue(2);
                SrsForwardResult h = e.forward("karl@example.com", "fwd.example.net");
                assertThat(h.outcome()).isEqualTo(SrsForwardResult.Outcome.DEFER);
                assertThat(h.error().orElseThrow()).contains("all 2 database calls (dbconnections) are waiting already");
                assertThat(hole.entered).as("the third call never reached the driver").hasValue(2);
            }, "a database that never answers must not hold the caller");
        } finally {
            hole.release.countDown();
        }
    }

    @Test
    void aPostgresqlThatAcceptsTheConnectionButNeverAnswersGivesDefer() throws Exception {
        try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            List<java.net.Socket> held = new java.util.concurrent.CopyOnWriteArrayList<>();
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        java.net.Socket so = silent.accept();
                        held.add(so);
                        // answer the SSLRequest with "no TLS", then say nothing more: the driver waits for authentication
                        so.getInputStream().readNBytes(8);
                        so.getOutputStream().write('N');
                        so.getOutputStream().flush();
                    }
                } catch (java.io.IOException closed) {
                    // done
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            PGSimpleDataSource ds = new PGSimpleDataSource();
            // no connectTimeout/socketTimeout in the URL: without timeouts of our own the driver waits for ever
            ds.setURL("jdbc:postgresql://127.0.0.1:" + silent.getLocalPort() + "/postgres");
            ds.setUser("jexim");
            SrsEngine e = new SrsEngine(SrsConfig.builder().secrets("tops3cr3t").hashLength(4).build(), SrsVectorsTest.noonOf(DAY),
                new JdbcSrsDatabase(ds, JdbcSrsDatabase.DEFAULT_INSERT, JdbcSrsDatabase.DEFAULT_SELECT, Duration.ofSeconds(2)),
                SrsEngine.DbMode.ALWAYS);
            String signed = new SrsEngine(SrsConfig.builder().secrets("tops3cr3t").hashLength(4).build(), SrsVectorsTest.noonOf(DAY),
                new InMemory(), SrsEngine.DbMode.ALWAYS).forward("lena@example.com", "fwd.example.net").address();
            org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
                assertThat(e.forward("lena@example.com", "fwd.example.net").outcome()).isEqualTo(SrsForwardResult.Outcome.DEFER);
                assertThat(e.reverse(signed).status()).isEqualTo(SrsStatus.DEFER);
            }, "a silent database server must not hold the caller");
            for (java.net.Socket s : held) {
                s.close();
            }
        }
    }

    static void createTable(DataSource ds) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute(JdbcSrsDatabase.DEFAULT_CREATE);
        }
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class H2 extends Contract {
        final JdbcDataSource ds = new JdbcDataSource();
        Connection keepAlive;

        @BeforeAll
        void setUp() throws SQLException {
            ds.setURL("jdbc:h2:mem:srs" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
            keepAlive = ds.getConnection();
            createTable(ds);
        }

        @AfterAll
        void tearDown() throws SQLException {
            keepAlive.close();
        }

        @Override
        DataSource dataSource() {
            return ds;
        }

        @Test
        void aMissingTableIsADeferNotALostMail() {
            JdbcDataSource empty = new JdbcDataSource();
            empty.setURL("jdbc:h2:mem:empty" + System.nanoTime());
            SrsDatabase broken = new JdbcSrsDatabase(empty, JdbcSrsDatabase.DEFAULT_INSERT, JdbcSrsDatabase.DEFAULT_SELECT, Duration.ofSeconds(2));
            SrsEngine e = engine(broken, SrsEngine.DbMode.ALWAYS, DAY);
            SrsForwardResult f = e.forward("dave@example.com", "fwd.example.net");
            assertThat(f.outcome()).isEqualTo(SrsForwardResult.Outcome.DEFER);
            assertThat(f.address()).isEqualTo("dave@example.com");
            String signed = engine(new InMemory(), SrsEngine.DbMode.ALWAYS, DAY).forward("dave@example.com", "fwd.example.net").address();
            assertThat(e.reverse(signed).status()).isEqualTo(SrsStatus.DEFER);
        }
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class PostgreSQL extends Contract {
        PostgresServer server;
        final PGSimpleDataSource ds = new PGSimpleDataSource();

        @BeforeAll
        void setUp() throws Exception {
            server = PostgresServer.start();
            ds.setURL(server.jdbcUrl());
            ds.setUser("jexim");
            createTable(ds);
        }

        @AfterAll
        void tearDown() throws Exception {
            if (server != null) {
                server.close();
            }
        }

        @Override
        DataSource dataSource() {
            return ds;
        }

        @Test
        void aStoppedServerGivesDeferNotALostMail() throws Exception {
            PostgresServer other = PostgresServer.start();
            String address;
            SrsEngine e;
            try {
                PGSimpleDataSource ds2 = new PGSimpleDataSource();
                ds2.setURL(other.jdbcUrl());
                ds2.setUser("jexim");
                createTable(ds2);
                e = engine(new JdbcSrsDatabase(ds2, JdbcSrsDatabase.DEFAULT_INSERT, JdbcSrsDatabase.DEFAULT_SELECT, Duration.ofSeconds(2)),
                    SrsEngine.DbMode.ALWAYS, DAY);
                address = e.forward("mona@example.com", "fwd.example.net").address();
                assertThat(e.reverse(address).recipient()).contains("mona@example.com");
            } finally {
                other.close(); // pg_ctl stop: the server is gone, the address it stored is still out there
            }
            SrsReverseResult r = e.reverse(address);
            assertThat(r.status()).isEqualTo(SrsStatus.DEFER);
            assertThat(r.error().orElseThrow()).startsWith("SRS database select failed");
            SrsForwardResult f = e.forward("nina@example.com", "fwd.example.net");
            assertThat(f.outcome()).isEqualTo(SrsForwardResult.Outcome.DEFER);
            assertThat(f.address()).isEqualTo("nina@example.com");
        }

        @Test
        void aServerThatIsNotThereFailsFastWithDefer() {
            PGSimpleDataSource gone = new PGSimpleDataSource();
            gone.setURL("jdbc:postgresql://127.0.0.1:1/postgres?connectTimeout=2");
            gone.setUser("jexim");
            SrsEngine e = engine(new JdbcSrsDatabase(gone, JdbcSrsDatabase.DEFAULT_INSERT, JdbcSrsDatabase.DEFAULT_SELECT,
                Duration.ofSeconds(2)), SrsEngine.DbMode.ALWAYS, DAY);
            long t0 = System.nanoTime();
            assertThat(e.forward("erin@example.com", "fwd.example.net").outcome()).isEqualTo(SrsForwardResult.Outcome.DEFER);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
        }
    }
}
