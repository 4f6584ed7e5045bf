package org.jamesexim.it.operations;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;

import org.h2.tools.Server;
import org.jamesexim.common.testing.RsaTestKey;
import org.jamesexim.it.JamesHarness;
import org.jamesexim.srs.JdbcSrsDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The ARC signing key and SRS database health checks in a real James 3.8.1 ({@code GET /healthcheck/checks/<name>}):
 * the ARC example's ArcSeal with a key of this test, whose record James's DNS answers or not; the SRS examples in
 * database mode against an H2 database server over TCP (a database file) that the test stops and starts again.
 */
class KeyAndDatabaseHealthChecksTest {
    static final Path EXAMPLES = JamesHarness.defaultConfigDir().resolve("examples");

    static JsonNode check(WebAdmin webAdmin, String name, int status) throws Exception {
        WebAdmin.Reply r = webAdmin.get("/healthcheck/checks/" + name.replace(" ", "%20"), Duration.ofSeconds(30));
        assertThat(r.status).as(r.toString()).isEqualTo(status);
        return r.json();
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class ArcSigningKey {
        RsaTestKey key = RsaTestKey.generate(2048);
        Path dir;
        Path keyFile;
        JamesHarness james;
        WebAdmin webAdmin;

        @BeforeAll
        void boot() throws Exception {
            dir = Files.createTempDirectory("jexim-arc-key-health-");
            keyFile = key.writePem(dir.resolve("arc.pem"));
            String mailets = Files.readString(EXAMPLES.resolve("arc-mailetcontainer.xml")).replace("/etc/james/arc/arc.pem", keyFile.toString());
            assertThat(mailets).contains(keyFile.toString());
            james = JamesHarness.builder().withoutDemo().config("mailetcontainer.xml", mailets)
                .config("smtpserver.xml", Files.readString(EXAMPLES.resolve("arc-smtpserver.xml")))
                .extraConfig("healthcheck.properties", "additional.healthchecks=org.jamesexim.operations.health.ArcSigningKeyHealthCheck\n")
                .start();
            webAdmin = new WebAdmin(james.webAdminPort());
        }

        @AfterAll
        void stop() {
            james.close();
        }

        @Test
        void unpublishedWrongAndRightRecordsThenAnUnreadableKey() throws Exception {
            JsonNode none = check(webAdmin, "ARC signing key", 503);
            assertThat(none.get("cause").asText()).contains("arc._domainkey.example.test", "not published");

            james.dns().txt("arc._domainkey.example.test", RsaTestKey.generate(2048).dkimRecord());
            JsonNode wrong = check(webAdmin, "ARC signing key", 503);
            assertThat(wrong.get("cause").asText()).contains("does not match", key.publicKeyBase64());
            assertThat(wrong.toString()).doesNotContain("PRIVATE");

            james.dns().txt("arc._domainkey.example.test", key.dkimRecord());
            assertThat(check(webAdmin, "ARC signing key", 200).get("status").asText()).isEqualTo("healthy");

            Files.delete(keyFile);
            try {
                JsonNode gone = check(webAdmin, "ARC signing key", 503);
                assertThat(gone.get("cause").asText()).contains("ArcSeal: key");
            } finally {
                key.writePem(keyFile);
            }
            assertThat(check(webAdmin, "ARC signing key", 200).get("status").asText()).isEqualTo("healthy");
        }
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class SrsDatabase {
        final String secret = "health-" + System.nanoTime();
        int port;
        Server h2;
        JamesHarness james;
        WebAdmin webAdmin;

        Server startH2() throws Exception {
            return Server.createTcpServer("-tcpPort", Integer.toString(port), "-ifNotExists").start();
        }

        @BeforeAll
        void boot() throws Exception {
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            h2 = startH2();
            Path home = Files.createTempDirectory("jexim-srs-health-");
            // a database file, so that the table outlives a stop of the server
            String url = "jdbc:h2:tcp://127.0.0.1:" + port + "/" + home.resolve("srs");
            try (Connection c = DriverManager.getConnection(url, "sa", ""); Statement st = c.createStatement()) {
                st.execute(JdbcSrsDatabase.DEFAULT_CREATE);
            }
            Path conf = Files.createDirectories(home.resolve("conf"));
            Path file = conf.resolve("srs-secrets");
            Files.createFile(file, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, secret + "\n");
            String secretsLine = "<secretsFile>file://conf/srs-secrets</secretsFile>";
            String mailets = Files.readString(EXAMPLES.resolve("srs-mailetcontainer.xml"))
                .replace(secretsLine, secretsLine + "<dburl>" + url + "</dburl><dbuser>sa</dbuser><dbmode>toolong</dbmode><dbtimeout>2</dbtimeout>");
            assertThat(mailets.split("<dburl>", -1)).hasSize(3);
            james = JamesHarness.builder().workingDirectory(home).withoutDemo().config("mailetcontainer.xml", mailets)
                .configFile("smtpserver.xml", EXAMPLES.resolve("srs-smtpserver.xml"))
                .extraConfig("healthcheck.properties", "additional.healthchecks=org.jamesexim.operations.health.SrsDatabaseHealthCheck\n")
                .start();
            webAdmin = new WebAdmin(james.webAdminPort());
        }

        @AfterAll
        void stop() {
            james.close();
            h2.stop();
        }

        @Test
        void databaseStoppedIsUnhealthyAndHealthyAgainAfterRestart() throws Exception {
            assertThat(check(webAdmin, "SRS database", 200).get("status").asText()).isEqualTo("healthy");
            h2.stop();
            try {
                JsonNode down = check(webAdmin, "SRS database", 503);
                assertThat(down.get("cause").asText()).contains("mailetcontainer.xml processor");
                assertThat(down.toString()).doesNotContain("jdbc:h2").doesNotContain(secret);
            } finally {
                h2 = startH2();
            }
            // the pool drops a connection broken by the stop when it next validates it (H2 reports the broken link
            // as SQLState 90121, not 08xxx, so the first borrow right after may still get it): asked again until healthy
            WebAdmin.Reply r = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (System.nanoTime() < deadline) {
                r = webAdmin.get("/healthcheck/checks/SRS%20database", Duration.ofSeconds(30));
                if (r.status == 200) {
                    break;
                }
                Thread.sleep(600);
            }
            assertThat(r.status).as(r.toString()).isEqualTo(200);
            assertThat(r.json().get("status").asText()).isEqualTo("healthy");
        }
    }
}
