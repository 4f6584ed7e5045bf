package org.jamesexim.common.lookup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.h2.tools.Server;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JDBC lookup on a real H2: found, not found, bound keys, temporary failures, no password shown. */
public class JdbcLookupTest {
    private static final String PASSWORD = "Corr3ct-Horse-Battery";

    @TempDir
    java.nio.file.Path dir;

    private String url;
    private LookupFixtures fx;

    /** An H2 function that answers after {@code ms} (a database that hangs); interrupted when the call is abandoned. */
    public static String slow(String key, int ms) throws InterruptedException {
        Thread.sleep(ms);
        return "late";
    }

    @BeforeEach
    void database() throws Exception {
        url = "jdbc:h2:mem:lookup" + System.nanoTime() + ";DB_CLOSE_DELAY=-1";
        create(url);
        fx = new LookupFixtures(dir, Map.of("LOOKUP_PW", PASSWORD));
    }

    private static void create(String url) throws Exception {
        try (Connection c = DriverManager.getConnection(url, "sa", PASSWORD); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE optin(k VARCHAR(300) PRIMARY KEY, v VARCHAR(5000))");
            s.execute("INSERT INTO optin VALUES ('a@example.org', '  strict:nolinks  '), ('null@example.org', NULL),"
                + " ('long@example.org', '" + "x".repeat(Lookup.MAX_VALUE_CHARS + 1) + "'), ('blank@example.org', 'has blank')");
            s.execute("CREATE ALIAS SLOW FOR 'org.jamesexim.common.lookup.JdbcLookupTest.slow'");
        }
    }

    private Map<String, String> params(String lookupUrl, String query) {
        Map<String, String> m = new HashMap<>();
        m.put("optinLookup", lookupUrl);
        m.put("optinLookupQuery", query);
        m.put("optinLookupUser", "sa");
        m.put("optinLookupPasswordEnv", "LOOKUP_PW");
        return m;
    }

    private Lookup open(Map<String, String> m) {
        return fx.open(LookupParams.of("optin"), m, v -> v.contains(" ") ? "blanks are not allowed" : null);
    }

    @Test
    void findsTheFirstColumnTrimmedAndSaysNotFoundForNoRowANullOrARefusedValue() {
        try (Lookup l = open(params(url, "SELECT v FROM optin WHERE k = $key"))) {
            assertThat(l.find("A@Example.ORG", l.deadline()).value()).as("keys are looked up in lower case").contains("strict:nolinks");
            assertThat(l.find("nobody@example.org", l.deadline()).kind()).isEqualTo(LookupResult.Kind.NOT_FOUND);
            assertThat(l.find("null@example.org", l.deadline()).kind()).isEqualTo(LookupResult.Kind.NOT_FOUND);
            LookupResult tooLong = l.find("long@example.org", l.deadline());
            assertThat(tooLong.kind()).isEqualTo(LookupResult.Kind.NOT_FOUND);
            assertThat(tooLong.detail()).contains("longer than " + Lookup.MAX_VALUE_CHARS);
            LookupResult refused = l.find("blank@example.org", l.deadline());
            assertThat(refused.kind()).isEqualTo(LookupResult.Kind.NOT_FOUND);
            assertThat(refused.detail()).isEqualTo("value refused: blanks are not allowed");
            assertThat(l.find("k".repeat(Lookup.MAX_KEY_CHARS + 1), l.deadline()).kind()).isEqualTo(LookupResult.Kind.NOT_FOUND);
        }
    }

    @Test
    void theKeyIsBoundNeverSplicedIntoTheSql() {
        try (Lookup l = open(params(url, "SELECT v FROM optin WHERE k = ${key} OR k = $key"))) {
            assertThat(((JdbcLookup) l).sql()).isEqualTo("SELECT v FROM optin WHERE k = ? OR k = ?");
            for (String evil : new String[] {"' OR 1=1 --", "x' OR 'a'='a", "a@example.org' --", "'; DROP TABLE optin; --"}) {
                LookupResult r = l.find(evil, l.deadline());
                assertThat(r.kind()).as(evil).isEqualTo(LookupResult.Kind.NOT_FOUND);
            }
            assertThat(l.find("a@example.org", l.deadline()).value()).as("the table is still there").contains("strict:nolinks");
        }
    }

    @Test
    void aQuotedKeyOrAQueryWithoutKeyIsRefusedAtStartNamingTheParameter() {
        assertThatThrownBy(() -> open(params(url, "SELECT v FROM optin WHERE k = '$key'")))
            .hasMessageStartingWith("optinLookupQuery: write $key without quotes");
        assertThatThrownBy(() -> open(params(url, "SELECT v FROM optin WHERE k = $keyboard")))
            .hasMessageStartingWith("optinLookupQuery: must use $key");
        assertThatThrownBy(() -> open(params(url, "DELETE FROM optin WHERE k = $key")))
            .hasMessageStartingWith("optinLookupQuery: must be one SELECT");
        assertThatThrownBy(() -> open(params(url, "SELECT v FROM optin WHERE k = $key; DROP TABLE optin")))
            .hasMessageStartingWith("optinLookupQuery: must be one SELECT");
        try (Lookup l = open(params(url, "SELECT v FROM optin WHERE k = $key AND 'it''s $key' <> ''"))) {
            assertThat(((JdbcLookup) l).sql()).as("$key in a string literal after a doubled quote")
                .isEqualTo("SELECT v FROM optin WHERE k = ? AND 'it''s $key' <> ''");
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).startsWith("optinLookupQuery: write $key without quotes");
        }
    }

    @Test
    void aQueryThatHangsPastTheDeadlineIsATemporaryFailure() {
        Map<String, String> m = params(url, "SELECT SLOW($key, 30000)");
        try (Lookup l = open(m)) {
            LookupResult r = l.find("a@example.org", Deadline.in(Duration.ofMillis(300)));
            assertThat(r.failed()).isTrue();
            assertThat(r.detail()).contains("gave no answer within");
            LookupResult passed = l.find("a@example.org", Deadline.in(Duration.ZERO));
            assertThat(passed.failed()).isTrue();
            assertThat(passed.detail()).contains("not tried: the deadline for this message has passed");
        }
        m.put("optinLookupTimeout", "1s");
        try (Lookup l = open(m)) {
            LookupResult r = l.find("a@example.org", Deadline.in(Duration.ofSeconds(60)));
            assertThat(r.failed()).as("the per-query timeout holds within a long deadline").isTrue();
            assertThat(r.detail()).contains("gave no answer within 1000 ms");
        }
    }

    @Test
    void aDatabaseThatIsDownFailsAsTemporaryAndIsUsedAgainOnceBack() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Server server = Server.createTcpServer("-tcpPort", String.valueOf(port), "-ifNotExists").start();
        String tcp = "jdbc:h2:tcp://127.0.0.1:" + port + "/mem:down" + System.nanoTime() + ";DB_CLOSE_DELAY=-1";
        try {
            create(tcp);
            try (Lookup l = open(params(tcp, "SELECT v FROM optin WHERE k = $key"))) {
                assertThat(l.find("a@example.org", l.deadline()).value()).contains("strict:nolinks");
                server.stop();
                LookupResult down = l.find("a@example.org", l.deadline());
                assertThat(down.failed()).as(down.toString()).isTrue();
                assertThat(down.detail()).doesNotContain(PASSWORD);
                server = Server.createTcpServer("-tcpPort", String.valueOf(port), "-ifNotExists").start();
                LookupResult stale = l.find("a@example.org", l.deadline());
                LookupResult back = l.find("a@example.org", l.deadline());
                assertThat(back.value()).as("the connection that failed is not handed out again (first try: " + stale + ")")
                    .contains("strict:nolinks");
            }
        } finally {
            server.stop();
        }
    }

    @Test
    void thePasswordNeverAppearsInDescribeOrMessages() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        String withPassword = "jdbc:h2:tcp://sa:" + PASSWORD + "@127.0.0.1:" + closed + "/mem:none;PASSWORD=" + PASSWORD;
        try (Lookup l = open(params(withPassword, "SELECT v FROM optin WHERE k = $key"))) {
            assertThat(l.describe()).isEqualTo("optinLookup jdbc:h2:tcp://127.0.0.1:" + closed + "/mem:none");
            assertThat(l.toString()).doesNotContain(PASSWORD);
            LookupResult r = l.find("a@example.org", l.deadline());
            assertThat(r.failed()).isTrue();
            assertThat(r.detail()).doesNotContain(PASSWORD).doesNotContain("PASSWORD=");
            assertThat(r.toString()).doesNotContain(PASSWORD);
        }
        Map<String, String> m = params(withPassword, "SELECT v FROM optin WHERE k = $key");
        m.put("optinLookupDriver", "org.example.NoSuchDriver");
        assertThatThrownBy(() -> open(m)).hasMessageStartingWith("optinLookupDriver: class org.example.NoSuchDriver")
            .message().doesNotContain(PASSWORD);
        Map<String, String> wrong = params(url, "SELECT v FROM optin WHERE k = $key");
        wrong.remove("optinLookupPasswordEnv");
        wrong.put("optinLookupPassword", "Wrong-" + PASSWORD);
        try (Lookup l = open(wrong)) {
            LookupResult r = l.find("a@example.org", l.deadline());
            assertThat(r.failed()).as("a refused login is temporary too: the operator fixes it").isTrue();
            assertThat(r.detail()).doesNotContain(PASSWORD);
        }
    }
}
