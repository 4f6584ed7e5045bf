package org.jamesexim.it.operations;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.jamesexim.arc.ArcSealResult;
import org.jamesexim.arc.ArcSealer;
import org.jamesexim.arc.ArcState;
import org.jamesexim.arc.MailMessage;
import org.jamesexim.arc.SigningKey;
import org.jamesexim.bmi.testing.RspamdFixture;
import org.jamesexim.cli.ArcVerifyCommand;
import org.jamesexim.cli.BmiScanCommand;
import org.jamesexim.cli.CliCommand;
import org.jamesexim.cli.DccCheckCommand;
import org.jamesexim.cli.SrsForwardCommand;
import org.jamesexim.cli.SrsReverseCommand;
import org.jamesexim.common.testing.RsaTestKey;
import org.jamesexim.dcc.sim.DccifdSimulator;
import org.jamesexim.it.JamesHarness;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The SRS, ARC, DCC and BMI WebAdmin routes over real HTTP in a real James 3.8.1 (the sample {@code webadmin.properties}
 * loads them), each answering what the CLI command of the same name prints with {@code --json}, with the settings
 * the operator gave the feature (the SRS examples; the sample's ArcVerifyHook and BmiRun, the DCC example's hook):
 * real Rspamd, the dccifd model, a chain sealed for this test whose key James's DNS answers.
 */
class FeatureRoutesTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Path EXAMPLES = JamesHarness.defaultConfigDir().resolve("examples");

    static JsonNode cli(CliCommand command, byte[] stdin, int expectedExit, String... args) throws Exception {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int rc = command.run(List.of(args), new ByteArrayInputStream(stdin), new PrintStream(o, true, StandardCharsets.UTF_8),
            new PrintStream(e, true, StandardCharsets.UTF_8));
        assertThat(rc).as(e.toString(StandardCharsets.UTF_8)).isEqualTo(expectedExit);
        return JSON.readTree(o.toString(StandardCharsets.UTF_8));
    }

    static String q(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** The SRS examples (SrsRcptHook, SrsReverse, SrsForward with conf/srs-secrets). */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class Srs {
        final String secret = "routes-secret-" + System.nanoTime();
        JamesHarness james;
        WebAdmin webAdmin;

        @BeforeAll
        void boot() throws Exception {
            Path home = Files.createTempDirectory("jexim-srs-routes-");
            Path conf = Files.createDirectories(home.resolve("conf"));
            Path file = conf.resolve("srs-secrets");
            Files.createFile(file, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, secret + "\n");
            james = JamesHarness.builder().workingDirectory(home).withoutDemo()
                .configFile("mailetcontainer.xml", EXAMPLES.resolve("srs-mailetcontainer.xml"))
                .configFile("smtpserver.xml", EXAMPLES.resolve("srs-smtpserver.xml")).start();
            webAdmin = new WebAdmin(james.webAdminPort());
        }

        @AfterAll
        void stop() {
            james.close();
        }

        @Test
        void forwardAndReverseAnswerAsTheCli() throws Exception {
            WebAdmin.Reply fwd = webAdmin.get("/srs/forward?sender=" + q("alice@remote.test"));
            assertThat(fwd.status).as(fwd.toString()).isEqualTo(200);
            assertThat(fwd.json().get("outcome").asText()).isEqualTo("rewritten");
            String srs = fwd.json().get("address").asText();
            assertThat(srs).startsWith("SRS0=").endsWith("=remote.test=alice@example.test");
            assertThat(fwd.json()).isEqualTo(cli(new SrsForwardCommand(), new byte[0], 0, "--secret", secret, "--hashlength", "6",
                "--maxage", "31", "--alias", "example.test", "--json", "alice@remote.test"));

            WebAdmin.Reply rev = webAdmin.get("/srs/reverse?address=" + q(srs));
            assertThat(rev.status).as(rev.toString()).isEqualTo(200);
            assertThat(rev.json().get("srs_status").asText()).isEqualTo("valid");
            assertThat(rev.json().get("srs_recipient").asText()).isEqualTo("alice@remote.test");
            assertThat(rev.json()).isEqualTo(cli(new SrsReverseCommand(), new byte[0], 0, "--secret", secret, "--hashlength", "6",
                "--maxage", "31", "--json", srs));

            String forged = "SRS0=AAAAAA" + srs.substring("SRS0=AAAAAA".length());
            WebAdmin.Reply bad = webAdmin.get("/srs/reverse?address=" + q(forged));
            assertThat(bad.status).isEqualTo(200);
            assertThat(bad.json().get("srs_status").asText()).as(bad.toString()).isEqualTo("bad hash");
            assertThat(bad.json().get("reason").asText()).as("the reason it is refused").isNotEmpty();
            assertThat(bad.json().get("srs_recipient").isNull()).isTrue();
            assertThat(bad.body).doesNotContain(secret);

            assertThat(webAdmin.get("/srs/reverse").status).isEqualTo(400);
        }

        @Test
        void aFeatureThatIsNotConfiguredAnswers404WithTheReason() throws Exception {
            WebAdmin.Reply dcc = webAdmin.post("/dcc/check?to=" + q("demo@example.test"), "Subject: x\r\n\r\nbody\r\n");
            assertThat(dcc.status).isEqualTo(404);
            assertThat(dcc.json().get("message").asText()).contains("DCC is not configured");
            assertThat(webAdmin.post("/bmi/scan?to=" + q("demo@example.test"), "Subject: x\r\n\r\nbody\r\n").status).isEqualTo(404);
        }
    }

    /** The sample configuration (ArcVerifyHook, BmiRun) with the DCC example's hook. */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class ArcDccBmi {
        RspamdFixture rspamd;
        DccifdSimulator dccifd;
        JamesHarness james;
        WebAdmin webAdmin;

        @BeforeAll
        void boot() throws Exception {
            rspamd = RspamdFixture.start();
            dccifd = new DccifdSimulator().listenTcp();
            String smtp = Files.readString(JamesHarness.defaultConfigDir().resolve("smtpserver.xml"))
                .replace("<handler class=\"org.apache.james.smtpserver.CoreCmdHandlerLoader\"/>",
                    "<handler class=\"org.jamesexim.smtp.DccHook\"><defer_ok>true</defer_ok><mode>per_recipient</mode></handler>\n"
                        + "<handler class=\"org.apache.james.smtpserver.CoreCmdHandlerLoader\"/>");
            assertThat(smtp).contains("org.jamesexim.smtp.DccHook", "org.jamesexim.smtp.ArcVerifyHook");
            String mailets = Files.readString(JamesHarness.defaultConfigDir().resolve("mailetcontainer.xml"))
                .replace("<endpoint>127.0.0.1 11333</endpoint>", "<endpoint>" + rspamd.endpoint() + "</endpoint>");
            assertThat(mailets).contains("<endpoint>" + rspamd.endpoint() + "</endpoint>");
            james = JamesHarness.builder().withoutDemo().config("smtpserver.xml", smtp).config("mailetcontainer.xml", mailets)
                .extraConfig("dcc.properties", "dccifd_address = " + dccifd.tcpAddress() + "\ndccifd_timeout = 5s\n").start();
            webAdmin = new WebAdmin(james.webAdminPort());
        }

        @AfterAll
        void stop() throws Exception {
            james.close();
            rspamd.close();
            dccifd.close();
        }

        @Test
        void arcVerifyAnswersAsTheCli() throws Exception {
            RsaTestKey key = RsaTestKey.generate(2048);
            james.dns().txt("s1._domainkey.sealer.test", key.dkimRecord());
            byte[] plain = ("From: alice@sealer.test\r\nTo: demo@example.test\r\nSubject: arc route\r\nDate: Thu, 03 Dec 2026 08:00:00 +0000\r\n"
                + "Message-ID: <arc-route@sealer.test>\r\n\r\nsealed for the ARC route\r\n").getBytes(StandardCharsets.US_ASCII);
            MailMessage m = MailMessage.parse(plain);
            ArcSealResult r = ArcSealer.builder().authservId("mx.sealer.test").domain("sealer.test").selector("s1")
                .key(SigningKey.parse(key.pem(), "test key")).build().seal(m, ArcState.NONE, List.of("spf=pass smtp.mailfrom=sealer.test"),
                    System.currentTimeMillis() / 1000);
            assertThat(r.sealed()).as(r.reason()).isTrue();
            byte[] sealed = r.applyTo(m);

            WebAdmin.Reply v = webAdmin.post("/arc/verify", sealed);
            assertThat(v.status).as(v.toString()).isEqualTo(200);
            assertThat(v.json().get("state").asText()).as(v.toString()).isEqualTo("pass");
            assertThat(v.json().get("domains").get(0).asText()).isEqualTo("sealer.test");
            Path dns = Files.createTempFile("jexim-arc-dns-", ".json");
            Files.write(dns, JSON.writeValueAsBytes(Map.of("s1._domainkey.sealer.test", key.dkimRecord())));
            assertThat(v.json()).as("the CLI's JSON").isEqualTo(cli(new ArcVerifyCommand(), sealed, 0, "--dns", dns.toString()));

            byte[] tampered = new String(sealed, StandardCharsets.US_ASCII).replace("sealed for the ARC route", "changed")
                .getBytes(StandardCharsets.US_ASCII);
            WebAdmin.Reply f = webAdmin.post("/arc/verify", tampered);
            assertThat(f.json().get("state").asText()).as(f.toString()).isEqualTo("fail");
            assertThat(f.json().get("reason").asText()).isNotEmpty();
            assertThat(webAdmin.post("/arc/verify", new byte[0]).status).isEqualTo(400);
        }

        @Test
        void dccCheckAnswersAsTheCli() throws Exception {
            String message = "From: bulk@sender.test\r\nSubject: dcc route\r\nMessage-ID: <dcc-route@sender.test>\r\n\r\n"
                + "Hello DCC route, a body long enough to be checksummed by dccifd.\r\n";
            WebAdmin.Reply r = webAdmin.post("/dcc/check?from=" + q("bulk@sender.test") + "&to=" + q("demo@example.test")
                + "&client_ip=192.0.2.7&helo=client.sender.test", message);
            assertThat(r.status).as(r.toString()).isEqualTo(200);
            assertThat(r.json().get("dcc_result").asText()).as(r.toString()).isEqualTo("A");
            assertThat(r.json().get("outcome").asText()).isEqualTo("accept");
            assertThat(r.json().get("actions").get(0).asText()).isEqualTo("deliver");
            DccifdSimulator.Request seen = dccifd.lastRequest();
            assertThat(seen.options).as("asked, not counted").contains("query");
            assertThat(seen.clientIp).isEqualTo("192.0.2.7");
            assertThat(seen.recipients).containsExactly("demo@example.test");

            JsonNode viaCli = cli(new DccCheckCommand(), message.getBytes(StandardCharsets.US_ASCII), 0, "--address", dccifd.tcpAddress(),
                "--options", "header query", "--defer-ok", "--from", "bulk@sender.test", "--to", "demo@example.test",
                "--client-ip", "192.0.2.7", "--helo", "client.sender.test", "--json");
            List<String> keys = new ArrayList<>();
            viaCli.fieldNames().forEachRemaining(keys::add);
            List<String> routeKeys = new ArrayList<>();
            r.json().fieldNames().forEachRemaining(routeKeys::add);
            assertThat(routeKeys).isEqualTo(keys);
            for (String k : List.of("dcc_result", "recipients", "outcome", "actions")) {
                assertThat(r.json().get(k)).as(k).isEqualTo(viaCli.get(k));
            }
            assertThat(webAdmin.post("/dcc/check", message).status).as("no recipient").isEqualTo(400);
        }

        @Test
        void bmiScanAnswersAsTheCli() throws Exception {
            String message = "From: spammer@sender.test\r\nTo: demo@example.test\r\nSubject: bmi route\r\nMessage-ID: <bmi-route@sender.test>\r\n\r\n"
                + "This carries the " + RspamdFixture.MARKER + " so Rspamd scores it high.\r\n";
            WebAdmin.Reply r = webAdmin.post("/bmi/scan?from=" + q("spammer@sender.test") + "&to=" + q("demo@example.test"), message);
            assertThat(r.status).as(r.toString()).isEqualTo(200);
            JsonNode demo = r.json().get(0);
            assertThat(demo.get("recipient").asText()).isEqualTo("demo@example.test");
            assertThat(demo.get("rules").toString()).as(r.toString()).contains("BMI_TEST_MARKER");
            assertThat(demo.get("outcome").asText()).isIn("alternate", "dont_deliver");
            JsonNode viaCli = cli(new BmiScanCommand(), message.getBytes(StandardCharsets.US_ASCII), 0, "--endpoint", rspamd.endpoint(),
                "--from", "spammer@sender.test", "--to", "demo@example.test", "--json");
            assertThat(r.json().get(0).get("outcome")).isEqualTo(viaCli.get(0).get("outcome"));
            assertThat(r.json().get(0).get("action")).isEqualTo(viaCli.get(0).get("action"));
            assertThat(r.json().get(0).get("rules")).isEqualTo(viaCli.get(0).get("rules"));
            assertThat(webAdmin.post("/srs/reverse?address=x", "").status).as("no POST route there").isEqualTo(404);
            assertThat(webAdmin.get("/srs/reverse?address=" + q("SRS0=abc=de=remote.test=alice@example.test")).json().get("message").asText())
                .contains("SRS is not configured");
        }
    }
}
