package org.jamesexim.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real drop-in path: a separate JVM runs James with NONE of the pack's classes on its classpath, only
 * {@code pack/target/james-exim-pack.jar} in {@code extensions-jars/}; the sample configuration names our hook,
 * matcher and mailet, and a mail sent over SMTP shows they ran; WebAdmin lists the pack's health check and answers its
 * routes. Then SIGTERM stops James cleanly.
 */
class DropInJarIT {

    @Test
    void packJarInExtensionsJarsIsLoadedByJames(@TempDir Path work) throws Exception {
        assertThat(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
            .anyMatch(DropInClasspath::isPackEntry); // the filter has something to remove in this JVM
        // the sample configuration, plus the health check of its BMI (the routes are in its webadmin.properties)
        Path conf = DropInJames.sampleConfig(work.resolve("conf"));
        Files.writeString(conf.resolve("healthcheck.properties"), "additional.healthchecks=org.jamesexim.operations.health.RspamdHealthCheck\n");
        try (DropInJames james = DropInJames.start(work, conf)) {
            assertThat(Files.list(james.workingDirectory().resolve("extensions-jars")))
                .extracting(x -> x.getFileName().toString()).containsExactly("james-exim-pack.jar");

            try (SmtpClient c = SmtpClient.connect("127.0.0.1", james.smtpPort())) {
                c.ehlo("dropin.example.net");
                assertThat(c.mailFrom("someone@example.net").code).isEqualTo(250);
                assertThat(c.rcptTo(JamesHarness.DEMO_USER).code).isEqualTo(250);
                assertThat(c.data("Subject: drop-in\r\n\r\nloaded from extensions-jars\r\n").code).isEqualTo(250);
                c.quit();
            }
            List<String> inbox = ImapReader.await(james.imapPort(), JamesHarness.DEMO_USER, JamesHarness.DEMO_PASSWORD,
                "INBOX", 1, Duration.ofSeconds(30));
            assertThat(inbox.get(0)).contains("X-Jexim-Received: helo=dropin.example.net");

            // the pack's health check and WebAdmin routes, loaded from the JAR too
            String webAdmin = james.output().stream().map(l -> l.replaceFirst(".*JAMES READY .*webadmin=(127\\.0\\.0\\.1:\\d+).*", "$1"))
                .filter(l -> l.matches("127\\.0\\.0\\.1:\\d+")).findFirst().orElseThrow();
            java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
            java.net.http.HttpResponse<String> checks = http.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://" + webAdmin + "/healthcheck/checks")).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(checks.body()).contains("\"componentName\":\"BMI Rspamd\"");
            java.net.http.HttpResponse<String> routes = http.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://" + webAdmin + "/queuefile")).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(routes.statusCode()).as(routes.body()).isEqualTo(200);
            assertThat(routes.body()).contains("\"directories\":[]");
            assertThat(james.output()).anyMatch(l -> l.contains("Loading WebAdmin route extension org.jamesexim.operations.queuefile.QueueFileRoutes"))
                .anyMatch(l -> l.contains("Loading additional Healthcheck org.jamesexim.operations.health.RspamdHealthCheck"));

            assertThat(james.stop()).as("James exits on SIGTERM").isTrue();
            Thread.sleep(200); // let the output drain
            assertThat(james.output()).contains("JAMES STOPPED");
        }
    }
}
