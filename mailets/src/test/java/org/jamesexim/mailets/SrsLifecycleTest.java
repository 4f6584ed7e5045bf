package org.jamesexim.mailets;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMailContext;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.jamesexim.srs.JdbcSrsDatabase;
import org.junit.jupiter.api.Test;

/** As James's components: a mailet that started threads (SRS database mode's workers) stops them in destroy(). */
class SrsLifecycleTest {
    @Test
    void destroyStopsTheDatabaseWorkers() throws Exception {
        String url = "jdbc:h2:mem:srslife" + System.nanoTime() + ";DB_CLOSE_DELAY=-1";
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(url); java.sql.Statement st = c.createStatement()) {
            st.execute(JdbcSrsDatabase.DEFAULT_CREATE);
        }
        SrsForward forward = new SrsForward();
        forward.init(FakeMailetConfig.builder().mailetName("f")
            .mailetContext(FakeMailContext.builder().postmaster(new MailAddress("postmaster@example.test")).build())
            .setProperty("secrets", SrsMailetsTest.SECRET).setProperty("dburl", url).build());
        Mail before = SrsMailetsTest.mail("alice@origin.example", "friend@remote.example");
        forward.service(before);
        assertThat(before.getMaybeSender().asString()).startsWith("SRS0=");
        forward.destroy();
        // stopped: the database is not asked any more, so the sender is left as it was (the mailet never throws)
        Mail after = SrsMailetsTest.mail("alice@origin.example", "friend@remote.example");
        forward.service(after);
        assertThat(after.getMaybeSender().asString()).isEqualTo("alice@origin.example");
    }
}
