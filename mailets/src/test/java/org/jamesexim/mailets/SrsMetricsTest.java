package org.jamesexim.mailets;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.util.Map;

import javax.mail.MessagingException;

import org.apache.james.core.Domain;
import org.apache.james.core.MaybeSender;
import org.apache.james.metrics.tests.RecordingMetricFactory;
import org.apache.mailet.Mail;
import org.apache.mailet.MailetContext;
import org.apache.mailet.base.test.FakeMailContext;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.jamesexim.srs.JdbcSrsDatabase;
import org.junit.jupiter.api.Test;

/**
 * SRS's metrics through James's MetricFactory (docs/configuration.md "Metric names"): the timer
 * {@code jexim.srs.database} around every database call, {@code jexim.srs.forward.<outcome>} for each forward and
 * {@code jexim.srs_status.<value>} (the attribute SrsReverse sets, a blank as {@code _}) for each reversed recipient.
 */
class SrsMetricsTest {
    static final String SECRET = SrsMailetsTest.fresh();
    final RecordingMetricFactory metrics = new RecordingMetricFactory();
    final FakeMailContext fake = FakeMailContext.builder().postmaster(SrsMailetsTest.address("postmaster@example.test")).build();
    final MailetContext context = (MailetContext) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {MailetContext.class},
        (proxy, method, args) -> method.getName().equals("isLocalServer")
            ? ((Domain) args[0]).asString().equalsIgnoreCase("example.test") : method.invoke(fake, args));

    private FakeMailetConfig config(String name, String... params) {
        FakeMailetConfig.Builder c = FakeMailetConfig.builder().mailetName(name).mailetContext(context).setProperty("secrets", SECRET);
        for (int i = 0; i < params.length; i += 2) {
            c.setProperty(params[i], params[i + 1]);
        }
        return c.build();
    }

    private static Mail mail(String sender, String rcpt) throws MessagingException {
        return SrsMailetsTest.mail(sender, rcpt);
    }

    @Test
    void forwardsAndReversesAreCountedByResult() throws Exception {
        SrsForward forward = new SrsForward(null, metrics);
        forward.init(config("SrsForward"));
        Mail m = mail("alice@origin.test", "friend@remote.test");
        forward.service(m);
        forward.service(mail("bob@example.test", "friend@remote.test")); // our own domain: not rewritten, not counted
        String srs = m.getMaybeSender().asString();
        SrsForward.rewrite(mail("x@origin.test", "f@remote.test"), SrsMailetsTest.address("local@example.test"), "example.test",
            SrsSettings.read(n -> n.equals("secrets") ? SECRET : null), org.slf4j.LoggerFactory.getLogger(getClass()), null, metrics);
        assertThat(metrics.countForPrefixName("jexim.srs.forward.")).containsExactlyInAnyOrderEntriesOf(Map.of(
            "jexim.srs.forward.rewritten", 1, "jexim.srs.forward.unchanged", 1));

        SrsReverse reverse = new SrsReverse(null, metrics);
        reverse.init(config("SrsReverse"));
        reverse.service(mail(null, srs));
        reverse.service(mail(null, srs.replace("alice", "mallory")));
        reverse.service(mail(null, "alice@example.test")); // not SRS: no result, not counted
        assertThat(metrics.countForPrefixName("jexim.srs_status.")).containsExactlyInAnyOrderEntriesOf(Map.of(
            "jexim.srs_status.valid", 1, "jexim.srs_status.bad_hash", 1));
        assertThat(metrics.executionTimesFor(SrsSettings.DATABASE_TIMER)).as("no database mode: nothing timed").isEmpty();
    }

    @Test
    void everyDatabaseCallIsTimedTheFailedOnesToo() throws Exception {
        String url = "jdbc:h2:mem:srsmetrics" + System.nanoTime() + ";DB_CLOSE_DELAY=-1";
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(url); java.sql.Statement st = c.createStatement()) {
            st.execute(JdbcSrsDatabase.DEFAULT_CREATE);
        }
        SrsForward forward = new SrsForward(null, metrics);
        forward.init(config("SrsForward", "dburl", url, "dbmode", "always"));
        Mail m = mail("alice@origin.test", "friend@remote.test");
        forward.service(m);
        SrsReverse reverse = new SrsReverse(null, metrics);
        reverse.init(config("SrsReverse", "dburl", url));
        reverse.service(mail(null, m.getMaybeSender().asString()));
        assertThat(fake.getSentMails()).hasSize(1);
        assertThat(metrics.executionTimesFor(SrsSettings.DATABASE_TIMER)).as("one insert, one select").hasSize(2);

        SrsForward down = new SrsForward(null, metrics);
        down.init(config("SrsForward", "dburl", "jdbc:h2:mem:nosuchtable" + System.nanoTime(), "dbtimeout", "2"));
        Mail d = mail("bob@origin.test", "friend@remote.test");
        down.service(d);
        assertThat(d.getMaybeSender()).isEqualTo(MaybeSender.getMailSender("bob@origin.test"));
        assertThat(metrics.executionTimesFor(SrsSettings.DATABASE_TIMER)).as("the failed insert too").hasSize(3);
        assertThat(metrics.countFor("jexim.srs.forward.defer")).isEqualTo(1);
        assertThat(metrics.countFor("jexim.srs.forward.rewritten")).isEqualTo(1);
        forward.destroy();
        reverse.destroy();
        down.destroy();
    }
}
