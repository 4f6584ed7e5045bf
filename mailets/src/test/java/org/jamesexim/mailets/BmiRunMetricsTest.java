package org.jamesexim.mailets;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import javax.mail.internet.MimeMessage;

import org.apache.james.metrics.tests.RecordingMetricFactory;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailContext;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.jamesexim.bmi.BmiOptin;
import org.jamesexim.bmi.testing.RspamdFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What BmiRun reports through James's MetricFactory, scanning with a real Rspamd (docs/bmi.md, Metrics). */
@ExtendWith(RspamdFixture.Extension.class)
class BmiRunMetricsTest {
    private static BmiRun mailet(RecordingMetricFactory metrics, String... params) throws Exception {
        FakeMailetConfig.Builder c = FakeMailetConfig.builder().mailetName("BmiRun").mailetContext(FakeMailContext.defaultContext());
        for (int i = 0; i < params.length; i += 2) {
            c.setProperty(params[i], params[i + 1]);
        }
        BmiRun m = new BmiRun(metrics);
        m.init(c.build());
        return m;
    }

    private static FakeMail mail(String body, String... rcpts) throws Exception {
        MimeMessage msg = new MimeMessage(javax.mail.Session.getInstance(new java.util.Properties()),
            new java.io.ByteArrayInputStream(RspamdFixture.message("hello", body)));
        return FakeMail.builder().name("m1").sender("alice@example.com").recipients(rcpts).mimeMessage(msg)
            .remoteAddr("192.0.2.10").remoteHost("mail.example.com")
            .attribute(new Attribute(Mail.SMTP_HELO, AttributeValue.of("mail.example.com"))).build();
    }

    @Test
    void eachVerdictIsCountedByItsOutcomeAndTheScanTimed(RspamdFixture rspamd) throws Exception {
        RecordingMetricFactory metrics = new RecordingMetricFactory();
        BmiRun run = mailet(metrics, "endpoint", rspamd.endpoint());
        FakeMail m = mail(RspamdFixture.MARKER, "plain@example.test", "strict@example.test", "lenient@example.test");
        BmiAttributes.setOptins(m, Map.of("strict@example.test", BmiOptin.parse("strict"), "lenient@example.test", BmiOptin.parse("lenient")));
        run.service(m);
        FakeMail clean = mail("nothing to see", "plain@example.test");
        run.service(clean);
        run.destroy();

        // the marker: alternate for the plain profile, dont_deliver for strict, default for lenient; the clean mail: default
        assertThat(metrics.countForPrefixName("jexim.bmi_verdicts.")).containsOnly(
            Map.entry("jexim.bmi_verdicts.alternate", 1), Map.entry("jexim.bmi_verdicts.dont_deliver", 1),
            Map.entry("jexim.bmi_verdicts.default", 2));
        assertThat(metrics.executionTimesFor(BmiRun.RSPAMD_TIMER)).hasSize(2);
        assertThat(metrics.countForPrefixName("jexim.bmi_error.")).isEmpty();
    }

    @Test
    void aFailedScanIsCountedByWhatOnErrorDidAndStillTimed() throws Exception {
        RecordingMetricFactory metrics = new RecordingMetricFactory();
        BmiRun run = mailet(metrics, "endpoint", "127.0.0.1 " + RspamdFixture.freePort(), "connect_timeout", "500ms");
        run.service(mail("hello", "plain@example.test"));
        run.destroy();

        assertThat(metrics.countFor("jexim.bmi_error.fail_open")).isEqualTo(1);
        assertThat(metrics.countForPrefixName("jexim.bmi_verdicts.")).isEmpty();
        assertThat(metrics.executionTimesFor(BmiRun.RSPAMD_TIMER)).hasSize(1);
    }
}
