package org.jamesexim.it.srs;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.jamesexim.it.CaptureSmtpServer;
import org.jamesexim.it.JamesHarness;
import org.jamesexim.it.SmtpClient;
import org.jamesexim.srs.SrsConfig;
import org.jamesexim.srs.SrsDatabase;
import org.jamesexim.srs.SrsEngine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SRS database mode in a real James 3.8.1 (the examples plus {@code dburl} etc.) while the PostgreSQL it names is
 * not there (a closed port on 127.0.0.1): a bounce to a database-mode address gets {@code 451} at RCPT (the sending
 * MTA tries again later, never a 5xx), a sender that would need the database leaves unrewritten (delivered, not
 * held), and addresses that need no database keep working.
 */
class SrsDatabaseDownEndToEndTest {
    static final String SECRET = SrsJames.fresh();
    static final SrsConfig CONFIG = SrsConfig.builder().secrets(SECRET).hashLength(6).maxAge(31).build();
    static CaptureSmtpServer offSite;
    static JamesHarness james;
    static SrsJames srs;

    @BeforeAll
    static void boot() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        String db = "<dburl>jdbc:postgresql://127.0.0.1:" + closed + "/srs</dburl><dbuser>james</dbuser><dbmode>toolong</dbmode>"
            + "<dbtimeout>2</dbtimeout><dbdeadline>4</dbdeadline>";
        // the database in both SrsForward and SrsReverse, and in SrsRcptHook
        srs = SrsJames.start(new String[] {SECRET}, Map.of(), m -> withDb(m, db, 2), s -> withDb(s, db, 1));
        james = srs.james;
        offSite = srs.offSite;
    }

    @AfterAll
    static void stop() throws Exception {
        if (srs != null) {
            srs.close();
        }
    }

    static String withDb(String xml, String db, int places) {
        String out = xml.replace(SrsJames.SECRETS_LINE, SrsJames.SECRETS_LINE + db);
        assertThat(out.split("<dburl>", -1)).hasSize(places + 1);
        return out;
    }

    /** Signs database-mode addresses without a database. */
    static final class Nowhere implements SrsDatabase {
        @Override
        public void insert(String key, String address, Duration timeout) {
        }

        @Override
        public Optional<String> select(String key, Duration timeout) {
            return Optional.empty();
        }
    }

    @Test
    void aBounceToADatabaseAddressIsDeferredWith451NeverRefused() throws Exception {
        String dbAddress = new SrsEngine(CONFIG, Clock.systemUTC(), new Nowhere(), SrsEngine.DbMode.ALWAYS)
            .forward("a.sender.whose.address.was.too.long.for.sixty.four.octets@origin.test", "example.test").address();
        try (SmtpClient c = james.smtp()) {
            c.ehlo("remote.test");
            assertThat(c.mailFrom("").code).isEqualTo(250);
            for (int i = 0; i < 3; i++) {
                SmtpClient.Reply r = c.rcptTo(dbAddress);
                assertThat(r.code).as(r.toString()).isEqualTo(451);
                assertThat(r.text()).contains("4.3.0");
            }
            // an address that needs no database is still accepted in the same transaction
            SmtpClient.Reply plain = c.rcptTo(new SrsEngine(CONFIG).forward("gus@origin.test", "example.test").address());
            assertThat(plain.code).as(plain.toString()).isEqualTo(250);
        }
    }

    @Test
    void aSenderThatNeedsTheDatabaseLeavesUnrewrittenAndIsDelivered() throws Exception {
        String sender = "a.sender.whose.address.is.far.too.long.for.sixty.four.octets@origin.test";
        SmtpClient.Reply r = james.send(sender, List.of("alias@example.test"),
            "From: " + sender + "\r\nTo: alias@example.test\r\nSubject: forward-dbdown\r\n\r\nplease forward\r\n");
        assertThat(r.code).as(r.toString()).isEqualTo(250);
        CaptureSmtpServer.Received out = offSite.await(m -> m.data.contains("forward-dbdown"), Duration.ofSeconds(60));
        assertThat(out.mailFrom).isEqualTo(sender);
        // a short sender needs no database (dbmode toolong): rewritten as usual
        SmtpClient.Reply s = james.send("hal@origin.test", List.of("alias@example.test"),
            "From: hal@origin.test\r\nTo: alias@example.test\r\nSubject: forward-short\r\n\r\nplease forward\r\n");
        assertThat(s.code).isEqualTo(250);
        assertThat(offSite.await(m -> m.data.contains("forward-short"), Duration.ofSeconds(60)).mailFrom).startsWith("SRS0=");
    }
}
