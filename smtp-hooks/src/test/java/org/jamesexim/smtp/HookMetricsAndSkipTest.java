package org.jamesexim.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.util.Map;
import java.util.Properties;

import org.apache.commons.configuration2.BaseHierarchicalConfiguration;
import org.apache.james.core.Username;
import org.apache.james.metrics.tests.RecordingMetricFactory;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.apache.mailet.base.test.FakeMail;
import org.jamesexim.mailets.ArcAttributes;
import org.jamesexim.mailets.ArcSettings;
import org.jamesexim.mailets.DccAttributes;
import org.jamesexim.mailets.DccService;
import org.jamesexim.smtp.testing.TestSessions;
import org.junit.jupiter.api.Test;

/**
 * The metrics ArcVerifyHook, DccHook and DovecotAuthHook report through James's MetricFactory, and their {@code skip}
 * parameter (GlueParams.SKIP); the same in a real James: it-tests' org.jamesexim.it.metrics.
 */
class HookMetricsAndSkipTest {
    static final String PLAIN = "From: a@b.example\r\n\r\nhi\r\n";

    /** A session of a client that did (or did not) SMTP AUTH and that James lets (or does not let) relay. */
    static SMTPSession session(String user, boolean relayingAllowed) {
        return TestSessions.builder().user(user).relaying(relayingAllowed).build();
    }

    static ArcVerifyHook arcHook(RecordingMetricFactory metrics, boolean dnsDown, String skip) throws Exception {
        ArcVerifyHook h = new ArcVerifyHook(ArcVerifyHookTest.dns(dnsDown), metrics);
        BaseHierarchicalConfiguration c = new BaseHierarchicalConfiguration();
        if (skip != null) {
            c.addProperty("skip", skip);
        }
        h.init(c);
        return h;
    }

    @Test
    void arcStatesAreCountedAndEveryKeyLookupTimed() throws Exception {
        RecordingMetricFactory metrics = new RecordingMetricFactory();
        ArcVerifyHook h = arcHook(metrics, false, null);
        h.onMessage(session(null, false), ArcVerifyHookTest.mail(ArcVerifyHookTest.BROKEN));
        h.onMessage(session(null, false), ArcVerifyHookTest.mail(PLAIN));
        h.onMessage(session(null, false), ArcVerifyHookTest.mail(PLAIN));
        arcHook(metrics, true, null).onMessage(session(null, false), ArcVerifyHookTest.mail(ArcVerifyHookTest.BROKEN));

        assertThat(metrics.countForPrefixName("jexim.arc_state.")).containsOnly(Map.entry("jexim.arc_state.fail", 1),
            Map.entry("jexim.arc_state.none", 2), Map.entry("jexim.arc_state.temperror", 1));
        // the broken chain asks DNS for its key (no record, then SERVFAIL); a message without ARC asks nothing
        assertThat(metrics.executionTimesFor(ArcSettings.DNS_TIMER)).hasSizeGreaterThanOrEqualTo(2);
        int lookups = metrics.executionTimesFor(ArcSettings.DNS_TIMER).size();
        h.onMessage(session(null, false), ArcVerifyHookTest.mail(PLAIN));
        assertThat(metrics.executionTimesFor(ArcSettings.DNS_TIMER)).hasSize(lookups);
    }

    /** Default skip=authenticated: submission is not verified; MX traffic is, even from an authorizedAddresses client. */
    @Test
    void arcSkipsAuthenticatedSessionsByDefault() throws Exception {
        RecordingMetricFactory metrics = new RecordingMetricFactory();
        ArcVerifyHook h = arcHook(metrics, false, null);
        FakeMail submitted = ArcVerifyHookTest.mail(ArcVerifyHookTest.BROKEN);
        assertThat(h.onMessage(session("demo@example.test", true), submitted)).isEqualTo(HookResult.DECLINED);
        assertThat(submitted.getAttribute(ArcAttributes.ARC_STATE)).isEmpty();
        assertThat(metrics.countFor(ArcSettings.SKIPPED)).isEqualTo(1);
        assertThat(metrics.executionTimesFor(ArcSettings.DNS_TIMER)).isEmpty();

        FakeMail relayed = ArcVerifyHookTest.mail(ArcVerifyHookTest.BROKEN);
        h.onMessage(session(null, true), relayed);
        assertThat(ArcSettings.stringAttribute(relayed, ArcAttributes.ARC_STATE)).contains("fail");
        assertThat(metrics.countFor(ArcSettings.SKIPPED)).isEqualTo(1);
    }

    @Test
    void arcSkipRelayingAlsoLeavesAuthorizedAddressesAloneAndNoneChecksAll() throws Exception {
        ArcVerifyHook relaying = arcHook(new RecordingMetricFactory(), false, "relaying");
        FakeMail fromLan = ArcVerifyHookTest.mail(PLAIN);
        relaying.onMessage(session(null, true), fromLan);
        assertThat(fromLan.getAttribute(ArcAttributes.ARC_STATE)).isEmpty();
        FakeMail fromOutside = ArcVerifyHookTest.mail(PLAIN);
        relaying.onMessage(session(null, false), fromOutside);
        assertThat(ArcSettings.stringAttribute(fromOutside, ArcAttributes.ARC_STATE)).contains("none");

        ArcVerifyHook none = arcHook(new RecordingMetricFactory(), false, "none");
        FakeMail submitted = ArcVerifyHookTest.mail(PLAIN);
        none.onMessage(session("demo@example.test", true), submitted);
        assertThat(ArcSettings.stringAttribute(submitted, ArcAttributes.ARC_STATE)).contains("none");
    }

    @Test
    void aSkipWordOutsideTheListFailsAtStartNamingIt() {
        assertThatThrownBy(() -> arcHook(new RecordingMetricFactory(), false, "submission")).hasMessageContaining("skip")
            .hasMessageContaining("submission");
    }

    static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static DccHook dccHook(RecordingMetricFactory metrics, String skip) throws Exception {
        Properties p = new Properties();
        p.setProperty("dccifd_address", "127.0.0.1 " + closedPort());
        p.setProperty("dccifd_timeout", "2s");
        DccHook h = new DccHook(new DccService(p, metrics));
        BaseHierarchicalConfiguration c = new BaseHierarchicalConfiguration();
        if (skip != null) {
            c.addProperty("skip", skip);
        }
        h.init(c);
        return h;
    }

    @Test
    void dccSkipsAuthenticatedSessionsByDefaultAndTimesTheChecksItMakes() throws Exception {
        RecordingMetricFactory metrics = new RecordingMetricFactory();
        DccHook h = dccHook(metrics, null);
        FakeMail submitted = ArcVerifyHookTest.mail(PLAIN);
        assertThat(h.onMessage(session("demo@example.test", true), submitted)).isEqualTo(HookResult.DECLINED);
        assertThat(submitted.getAttribute(DccAttributes.DCC_RESULT)).isEmpty();
        assertThat(metrics.countFor(DccService.SKIPPED)).isEqualTo(1);
        assertThat(metrics.executionTimesFor(DccService.DCCIFD_TIMER)).isEmpty();

        // dccifd is down: without defer_ok the MX client gets 451, and the failed check is timed and counted
        HookResult r = h.onMessage(session(null, true), ArcVerifyHookTest.mail(PLAIN));
        assertThat(r.getResult()).isEqualTo(HookReturnCode.denySoft());
        assertThat(metrics.executionTimesFor(DccService.DCCIFD_TIMER)).hasSize(1);
        assertThat(metrics.countFor("jexim.dcc_result.none")).isEqualTo(1);
    }

    @Test
    void dccSkipRelayingLeavesAuthorizedAddressesAlone() throws Exception {
        RecordingMetricFactory metrics = new RecordingMetricFactory();
        DccHook h = dccHook(metrics, "relaying");
        assertThat(h.onMessage(session(null, true), ArcVerifyHookTest.mail(PLAIN))).isEqualTo(HookResult.DECLINED);
        assertThat(metrics.countFor(DccService.SKIPPED)).isEqualTo(1);
        assertThat(metrics.executionTimesFor(DccService.DCCIFD_TIMER)).isEmpty();
    }

    @Test
    void dovecotAnswersAreCountedAndEachRequestTimed() throws Exception {
        RecordingMetricFactory metrics = new RecordingMetricFactory();
        DovecotAuthHook h = new DovecotAuthHook(metrics);
        BaseHierarchicalConfiguration c = new BaseHierarchicalConfiguration();
        c.addProperty("server_socket", "127.0.0.1 " + closedPort());
        c.addProperty("connect_timeout", "1s");
        c.addProperty("timeout", "2s");
        h.init(c);
        try {
            HookResult r = h.doAuth(session(null, false), Username.of("demo@example.test"), "secret");
            assertThat(r.getSmtpRetCode()).isEqualTo("454");
        } finally {
            h.destroy();
        }
        assertThat(metrics.countForPrefixName("jexim.dovecot_auth.")).containsOnly(Map.entry("jexim.dovecot_auth.tempfail", 1));
        assertThat(metrics.executionTimesFor(DovecotAuthHook.AUTH_TIMER)).hasSize(1);
    }
}
