package org.jamesexim.mailets;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.util.Map;
import java.util.Properties;

import org.apache.james.core.builder.MimeMessageBuilder;
import org.apache.james.metrics.tests.RecordingMetricFactory;
import org.apache.mailet.base.MailAddressFixture;
import org.apache.mailet.base.test.FakeMail;
import org.jamesexim.dcc.DccResult;
import org.junit.jupiter.api.Test;

/** What DccService reports through James's MetricFactory (docs/dcc.md, Metrics). */
class DccServiceMetricsTest {
    static FakeMail mail() throws Exception {
        return FakeMail.builder().name("m").recipient(MailAddressFixture.ANY_AT_JAMES)
            .mimeMessage(MimeMessageBuilder.mimeMessageBuilder().setSubject("s").setText("t")).build();
    }

    @Test
    void eachRecordedResultIsCountedUnderItsLetter() throws Exception {
        RecordingMetricFactory metrics = new RecordingMetricFactory();
        DccService s = new DccService(new Properties(), metrics);
        s.record(mail(), DccResult.fromRecorded("A", ""));
        s.record(mail(), DccResult.fromRecorded("A", ""));
        s.record(mail(), DccResult.fromRecorded("R", ""));
        s.record(mail(), DccResult.fromRecorded("G", ""));
        s.record(mail(), DccResult.noAnswer("dccifd down"));
        assertThat(metrics.countForPrefixName("jexim.dcc_result.")).containsOnly(Map.entry("jexim.dcc_result.A", 2),
            Map.entry("jexim.dcc_result.R", 1), Map.entry("jexim.dcc_result.G", 1), Map.entry("jexim.dcc_result.none", 1));
    }

    /** A check that fails (nothing listens) is timed too: the timer shows what a dead dccifd costs each message. */
    @Test
    void everyCheckIsTimedTheFailedOnesToo() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        RecordingMetricFactory metrics = new RecordingMetricFactory();
        DccService s = new DccService(DccServiceTest.props("dccifd_address", "127.0.0.1 " + port, "dccifd_timeout", "2s"), metrics);
        FakeMail mail = mail();
        DccResult r = s.check(mail, "helo.example", "192.0.2.1", null);
        s.record(mail, r);
        assertThat(r.dccResult()).isEmpty();
        assertThat(metrics.executionTimesFor(DccService.DCCIFD_TIMER)).hasSize(1);
        assertThat(metrics.countFor("jexim.dcc_result.none")).isEqualTo(1);
    }
}
