package org.jamesexim.srs;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

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
        void sqlValuesAreBoundNotPasted() {
            SrsEngine e = engine(db(), SrsEngine.DbMode.ALWAYS, DAY);
            String nasty = "o'brien';DROP TABLE srs_address;--@example.com";
            SrsForwardResult f = e.forward(nasty, "fwd.example.net");
            assertThat(e.reverse(f.address()).recipient()).contains(nasty);
        }
    }

    /** Plain map, to make an address signed elsewhere. */
    static final class InMemory implements SrsDatabase {
        private final java.util.Map<String, String> m = new java.util.concurrent.ConcurrentHashMap<>();

        @Override
        public void insert(String key, String address) {
            m.put(key, address);
        }

        @Override
        public java.util.Optional<String> select(String key) {
            return java.util.Optional.ofNullable(m.get(key));
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
