package org.jamesexim.it.operations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.jamesexim.bmi.testing.RspamdFixture;
import org.jamesexim.dcc.sim.DccifdSimulator;
import org.jamesexim.dovecot.testing.RealDovecot;
import org.jamesexim.it.JamesHarness;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The pack's health checks in a real James 3.8.1, listed in {@code conf/healthcheck.properties}
 * ({@code additional.healthchecks}, as {@code james-config/examples/healthcheck.properties} ships it) and shown by
 * WebAdmin's own {@code GET /healthcheck}: a real Dovecot behind {@code DovecotAuthHook}
 * ({@code james-config/examples/dovecot-smtpserver.xml}), a real Rspamd behind the sample's {@code BmiRun}, the
 * dccifd model behind {@code DccHook}. Each is stopped, seen unhealthy by the very next request (answered within
 * the feature's own timeout), started again and seen healthy; a Dovecot that hangs is unhealthy within its timeout.
 */
class HealthChecksTest {
    static final Path EXAMPLES = JamesHarness.defaultConfigDir().resolve("examples");
    /** connect_timeout (5s, as shipped) + timeout (3s here) of the Dovecot hook: the longest a check may take. */
    static final Duration CHECK_TIMEOUT = Duration.ofSeconds(5 + 3);

    static RealDovecot dovecot;
    static RspamdFixture rspamd;
    static int rspamdPort;
    static DccifdSimulator dccifd;
    static File dccifdSocket;
    static Path tmp;
    static JamesHarness james;
    static WebAdmin webAdmin;

    /** The checks as the example file lists them, for the three features this James runs. */
    static String healthcheckProperties() throws Exception {
        String shipped = Files.readString(EXAMPLES.resolve("healthcheck.properties"));
        assertThat(shipped).contains("org.jamesexim.operations.health.DovecotAuthHealthCheck",
            "org.jamesexim.operations.health.RspamdHealthCheck", "org.jamesexim.operations.health.DccHealthCheck");
        return "additional.healthchecks=org.jamesexim.operations.health.DovecotAuthHealthCheck,"
            + "org.jamesexim.operations.health.RspamdHealthCheck,org.jamesexim.operations.health.DccHealthCheck\n";
    }

    /** The Dovecot example with this Dovecot and a 3 s timeout, and the DCC example's hook. */
    static String smtpServerXml() throws Exception {
        String xml = Files.readString(EXAMPLES.resolve("dovecot-smtpserver.xml"))
            .replace("<server_socket>127.0.0.1 12345</server_socket>", "<server_socket>" + dovecot.inetSocket() + "</server_socket>")
            .replace("<timeout>20s</timeout>", "<timeout>3s</timeout>")
            .replace("<handler class=\"org.apache.james.smtpserver.CoreCmdHandlerLoader\"/>",
                "<handler class=\"org.jamesexim.smtp.DccHook\"><defer_ok>true</defer_ok></handler>\n"
                    + "<handler class=\"org.apache.james.smtpserver.CoreCmdHandlerLoader\"/>");
        assertThat(xml).contains(dovecot.inetSocket(), "org.jamesexim.smtp.DccHook");
        return xml;
    }

    /** The sample's BmiRun, pointed at this Rspamd with a 3 s timeout. */
    static String mailetContainerXml() throws Exception {
        String xml = Files.readString(JamesHarness.defaultConfigDir().resolve("mailetcontainer.xml"))
            .replace("<endpoint>127.0.0.1 11333</endpoint>", "<endpoint>127.0.0.1 " + rspamdPort + "</endpoint>")
            .replace("<timeout>10s</timeout>", "<timeout>3s</timeout>");
        assertThat(xml).contains("<endpoint>127.0.0.1 " + rspamdPort + "</endpoint>");
        return xml;
    }

    @BeforeAll
    static void boot() throws Exception {
        tmp = Files.createTempDirectory("jexim-health-");
        dovecot = RealDovecot.start();
        rspamd = RspamdFixture.start();
        rspamdPort = rspamd.port();
        dccifdSocket = tmp.resolve("dccifd").toFile();
        dccifd = new DccifdSimulator().listenUnix(dccifdSocket);
        james = JamesHarness.builder().withoutDemo()
            .config("smtpserver.xml", smtpServerXml())
            .config("mailetcontainer.xml", mailetContainerXml())
            .extraConfig("dcc.properties", "dccifd_address = " + dccifdSocket + "\ndccifd_timeout = 3s\n")
            .extraConfig("healthcheck.properties", healthcheckProperties())
            .start();
        webAdmin = new WebAdmin(james.webAdminPort());
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {james, dovecot, rspamd, dccifd}) {
            if (c != null) {
                c.close();
            }
        }
    }

    /** GET /healthcheck, answered within the checks' timeout. */
    static WebAdmin.Reply healthcheck() throws Exception {
        return webAdmin.get("/healthcheck", CHECK_TIMEOUT.plusSeconds(5));
    }

    static JsonNode check(WebAdmin.Reply reply, String component) {
        for (JsonNode c : reply.json().get("checks")) {
            if (c.get("componentName").asText().equals(component)) {
                return c;
            }
        }
        throw new AssertionError(component + " is not in " + reply);
    }

    static void assertAllHealthy() throws Exception {
        WebAdmin.Reply r = healthcheck();
        assertThat(r.status).as(r.toString()).isEqualTo(200);
        assertThat(r.json().get("status").asText()).as(r.toString()).isEqualTo("healthy");
        for (String name : List.of("Dovecot auth", "BMI Rspamd", "DCC dccifd")) {
            assertThat(check(r, name).get("status").asText()).as(r.toString()).isEqualTo("healthy");
        }
    }

    static void assertUnhealthy(String component, String causePart) throws Exception {
        WebAdmin.Reply r = healthcheck();
        assertThat(r.status).as(r.toString()).isEqualTo(503);
        assertThat(r.json().get("status").asText()).isEqualTo("unhealthy");
        JsonNode c = check(r, component);
        assertThat(c.get("status").asText()).as(r.toString()).isEqualTo("unhealthy");
        assertThat(c.get("cause").asText()).as(r.toString()).contains(causePart);
        List<String> others = new ArrayList<>(List.of("Dovecot auth", "BMI Rspamd", "DCC dccifd"));
        others.remove(component);
        for (String o : others) {
            assertThat(check(r, o).get("status").asText()).as(r.toString()).isEqualTo("healthy");
        }
        WebAdmin.Reply one = webAdmin.get("/healthcheck/checks/" + component.replace(" ", "%20"), CHECK_TIMEOUT.plusSeconds(5));
        assertThat(one.status).as(one.toString()).isEqualTo(503);
        assertThat(one.json().get("cause").asText()).contains(causePart);
    }

    @Test
    void theChecksAreListedByComponentName() throws Exception {
        WebAdmin.Reply r = webAdmin.get("/healthcheck/checks");
        assertThat(r.status).isEqualTo(200);
        List<String> names = new ArrayList<>();
        r.json().forEach(c -> names.add(c.get("componentName").asText()));
        assertThat(names).contains("Dovecot auth", "BMI Rspamd", "DCC dccifd");
    }

    @Test
    void dovecotStoppedIsUnhealthyAndHealthyAgainAfterRestart() throws Exception {
        assertAllHealthy();
        dovecot.kill();
        try {
            assertUnhealthy("Dovecot auth", "Dovecot at 127.0.0.1:" + dovecot.port());
        } finally {
            dovecot.restart();
        }
        assertAllHealthy();
    }

    /** A Dovecot that accepts but never answers: the check ends unhealthy within connect_timeout + timeout, not hung. */
    @Test
    void dovecotHungIsUnhealthyWithinItsTimeout() throws Exception {
        assertAllHealthy();
        dovecot.pause();
        try {
            long start = System.nanoTime();
            assertUnhealthy("Dovecot auth", "Dovecot at 127.0.0.1:" + dovecot.port());
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("two requests, each bounded by the check's timeout")
                .isLessThan(CHECK_TIMEOUT.multipliedBy(2).plusSeconds(5));
        } finally {
            dovecot.resume();
        }
        assertAllHealthy();
    }

    @Test
    void rspamdStoppedIsUnhealthyAndHealthyAgainAfterRestart() throws Exception {
        assertAllHealthy();
        rspamd.close();
        try {
            assertUnhealthy("BMI Rspamd", "Rspamd at 127.0.0.1:" + rspamdPort);
        } finally {
            rspamd = RspamdFixture.start(rspamdPort);
        }
        assertAllHealthy();
    }

    @Test
    void dccifdStoppedIsUnhealthyAndHealthyAgainAfterRestart() throws Exception {
        assertAllHealthy();
        dccifd.close();
        try {
            assertUnhealthy("DCC dccifd", "dccifd at unix:" + dccifdSocket);
        } finally {
            dccifd = new DccifdSimulator().listenUnix(dccifdSocket);
        }
        assertAllHealthy();
        assertThat(dccifd.lastRequest().options).as("the probe is not counted by dccifd").contains("query");
    }

    @Test
    void aCheckListedForAFeatureThatIsNotConfiguredStopsJamesNamingIt() {
        assertThatThrownBy(() -> JamesHarness.builder().withoutDemo()
                .extraConfig("healthcheck.properties", "additional.healthchecks=org.jamesexim.operations.health.DovecotAuthHealthCheck\n")
                .start().close())
            .hasStackTraceContaining("org.jamesexim.operations.health.DovecotAuthHealthCheck is listed in healthcheck.properties")
            .hasStackTraceContaining("org.jamesexim.smtp.DovecotAuthHook (smtpserver.xml) is not configured");
    }
}
