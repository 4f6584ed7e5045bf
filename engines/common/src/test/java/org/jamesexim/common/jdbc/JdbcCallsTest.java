package org.jamesexim.common.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

/** The bounded, deadline-kept database calls shared by SRS database mode and the JDBC lookups, on a real H2. */
class JdbcCallsTest {
    private static JdbcDataSource h2() {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:mem:calls" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
        return ds;
    }

    private static int one(java.sql.Connection c, int seconds) throws java.sql.SQLException {
        try (Statement s = c.createStatement()) {
            s.setQueryTimeout(seconds);
            try (ResultSet r = s.executeQuery("SELECT 1")) {
                r.next();
                return r.getInt(1);
            }
        }
    }

    /** Waits for {@code latch} at most {@code ms}, an interrupt counting as a short wait (as a deaf driver does). */
    private static boolean waitFor(CountDownLatch latch, long ms) {
        try {
            return latch.await(ms, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            return false;
        }
    }

    /**
     * Calls made one after another never find the pool full, even with one slot: the slot is given back before the
     * caller sees the result (CI once saw "all 2 database calls are waiting already" for sequential SRS calls when the
     * limit was the thread pool's, whose thread had not yet gone back to waiting for work).
     */
    @Test
    void callsOneAfterAnotherAlwaysGetTheSlot() throws Exception {
        try (JdbcCalls calls = new JdbcCalls(h2(), "jexim-test-seq", Duration.ofSeconds(5), 1, "testConnections")) {
            for (int i = 0; i < 5000; i++) {
                assertThat(calls.call("call " + i, Duration.ofSeconds(5), JdbcCallsTest::one)).isEqualTo(1);
            }
        }
    }

    @Test
    void whenAllSlotsWaitTheNextCallFailsAtOnceNamingTheParameterAndTheSlotComesBack() throws Exception {
        CountDownLatch inside = new CountDownLatch(2);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService callers = Executors.newFixedThreadPool(2);
        try (JdbcCalls calls = new JdbcCalls(h2(), "jexim-test-full", Duration.ofSeconds(30), 2, "testConnections")) {
            Future<?> a = callers.submit(() -> calls.call("slow", Duration.ofSeconds(30), (c, s) -> {
                inside.countDown();
                return waitFor(release, 30_000) ? 1 : 0;
            }));
            Future<?> b = callers.submit(() -> calls.call("slow", Duration.ofSeconds(30), (c, s) -> {
                inside.countDown();
                return waitFor(release, 30_000) ? 1 : 0;
            }));
            assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();
            assertThatThrownBy(() -> calls.call("third", Duration.ofSeconds(5), JdbcCallsTest::one))
                .isInstanceOf(JdbcCalls.CallException.class)
                .hasMessage("third not tried: all 2 database calls (testConnections) are waiting already");
            release.countDown();
            a.get(10, TimeUnit.SECONDS);
            b.get(10, TimeUnit.SECONDS);
            assertThat(calls.call("after", Duration.ofSeconds(5), JdbcCallsTest::one)).isEqualTo(1);
        } finally {
            callers.shutdownNow();
        }
    }

    /** A call that outlives its deadline is abandoned; its slot comes back when the work ends, not before. */
    @Test
    void anAbandonedCallKeepsItsSlotUntilItsWorkEnds() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch ended = new CountDownLatch(1);
        try (JdbcCalls calls = new JdbcCalls(h2(), "jexim-test-abandon", Duration.ofSeconds(1), 1, "testConnections")) {
            assertThatThrownBy(() -> calls.call("hung", Duration.ofSeconds(1), (c, s) -> {
                try {
                    while (!waitFor(release, 10)) {
                        // a driver that ignores interrupts (waitFor swallows them)
                    }
                    return 1;
                } finally {
                    ended.countDown();
                }
            })).isInstanceOf(JdbcCalls.CallException.class).hasMessage("hung gave no answer within 1000 ms");
            assertThatThrownBy(() -> calls.call("next", Duration.ofSeconds(1), JdbcCallsTest::one))
                .hasMessageContaining("are waiting already");
            release.countDown();
            assertThat(ended.await(10, TimeUnit.SECONDS)).isTrue();
            for (int i = 0; i < 100; i++) { // the permit is given back just after the work's finally
                try {
                    assertThat(calls.call("next", Duration.ofSeconds(1), JdbcCallsTest::one)).isEqualTo(1);
                    return;
                } catch (JdbcCalls.CallException e) {
                    Thread.sleep(20);
                }
            }
            throw new AssertionError("the slot never came back");
        }
    }

    @Test
    void aPassedDeadlineAndAClosedPoolAreNotTried() throws Exception {
        JdbcCalls calls = new JdbcCalls(h2(), "jexim-test-closed", Duration.ofSeconds(5), 2, "testConnections");
        assertThatThrownBy(() -> calls.call("late", Duration.ZERO, JdbcCallsTest::one))
            .hasMessage("late not tried: the deadline for this message has passed");
        calls.close();
        assertThat(calls.isClosed()).isTrue();
        assertThatThrownBy(() -> calls.call("closed", Duration.ofSeconds(5), JdbcCallsTest::one))
            .hasMessage("closed not tried: the database is closed (the component stopped)");
    }

    @Test
    void aDriverErrorCarriesItsSqlState() throws Exception {
        try (JdbcCalls calls = new JdbcCalls(h2(), "jexim-test-error", Duration.ofSeconds(5), 2, "testConnections")) {
            assertThatThrownBy(() -> calls.call("bad", Duration.ofSeconds(5), (c, s) -> {
                try (Statement st = c.createStatement()) {
                    return st.executeQuery("SELECT * FROM no_such_table").next();
                }
            })).isInstanceOf(JdbcCalls.CallException.class).hasMessageStartingWith("bad failed: JdbcSQLSyntaxErrorException (SQLState 42S04)");
        }
    }
}
