package org.jamesexim.srs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

/** close() stops the worker threads of the database mode: the component that used it has stopped. */
class JdbcSrsDatabaseCloseTest {
    static long workers(JdbcSrsDatabase db) {
        String prefix = "jexim-srs-db-" + Integer.toHexString(System.identityHashCode(db)) + "-";
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith(prefix) && t.isAlive()).count();
    }

    @Test
    void closeStopsTheWorkersAndLaterCallsAreNotTried() throws Exception {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:mem:close" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute(JdbcSrsDatabase.DEFAULT_CREATE);
        }
        JdbcSrsDatabase db = new JdbcSrsDatabase(ds, JdbcSrsDatabase.DEFAULT_INSERT, JdbcSrsDatabase.DEFAULT_SELECT, Duration.ofSeconds(5));
        db.insert("k1", "alice@example.com", Duration.ofSeconds(5));
        assertThat(workers(db)).as("a worker kept for 30 s after the call").isPositive();
        db.close();
        assertThat(db.isClosed()).isTrue();
        for (int i = 0; i < 50 && workers(db) > 0; i++) {
            Thread.sleep(100);
        }
        assertThat(workers(db)).as("workers after close").isZero();
        assertThatThrownBy(() -> db.insert("k2", "bob@example.com", Duration.ofSeconds(5))).isInstanceOf(SrsDatabase.SrsDatabaseException.class)
            .hasMessageContaining("closed");
    }
}
