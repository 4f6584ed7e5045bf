package org.jamesexim.it.docker;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;

import org.jamesexim.common.Endpoint;
import org.jamesexim.common.testing.Prerequisites;
import org.jamesexim.dovecot.AuthRequest;
import org.jamesexim.dovecot.AuthResult;
import org.jamesexim.dovecot.DovecotAuthClient;
import org.jamesexim.dovecot.DovecotAuthConfig;
import org.jamesexim.it.JamesHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The Dovecot configuration docker/distributed ships, run by the real Dovecot of this machine: only what a container
 * gives for free is rewritten (file locations, 127.0.0.1 instead of all addresses, a free port instead of 12345).
 * The pack's Dovecot client, as a James node on another host over plain SMTP would use it (not secured), gets OK for
 * the sample user and FAIL for a wrong password.
 */
class DistributedDovecotConfigTest {
    private static final Path DIST = Paths.get(System.getProperty("jexim.docker.dir")).toAbsolutePath().normalize().resolve("distributed");
    private Path dir;
    private Process dovecot;

    @Test
    void theShippedAuthOnlyConfigAnswersTheHooksClient() throws Exception {
        String binary = Prerequisites.require("dovecot");
        dir = Files.createTempDirectory("jexim-dist-dovecot");
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = s.getLocalPort();
        }
        String conf = Files.readString(DIST.resolve("dovecot/dovecot.conf"));
        assertThat(conf).contains("port = 12345", "listen = *", "address = *", "log_path = /dev/stderr", "/etc/dovecot/users");
        conf = conf.replace("port = 12345", "port = " + port)
            .replace("listen = *", "listen = 127.0.0.1")
            .replace("address = *", "address = 127.0.0.1")
            .replace("/etc/dovecot/users", DIST.resolve("dovecot/users").toString())
            .replace("log_path = /dev/stderr", "log_path = " + dir.resolve("dovecot.log") + "\nbase_dir = " + dir.resolve("run")
                + "\nstate_dir = " + dir.resolve("state") + "\ninstance_name = jexim-dist-" + port);
        Files.writeString(dir.resolve("dovecot.conf"), conf);
        dovecot = new ProcessBuilder(binary, "-F", "-c", dir.resolve("dovecot.conf").toString())
            .redirectErrorStream(true).redirectOutput(dir.resolve("stdout").toFile()).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (true) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                break;
            } catch (java.io.IOException e) {
                assertThat(dovecot.isAlive()).as("dovecot runs: " + Files.readString(dir.resolve("stdout"))).isTrue();
                assertThat(System.nanoTime()).as("dovecot listens within 15 s").isLessThan(deadline);
                Thread.sleep(50);
            }
        }
        DovecotAuthConfig config = DovecotAuthConfig.builder(Endpoint.parse("127.0.0.1 " + port)).timeout(Duration.ofSeconds(5)).poolSize(1).build();
        InetAddress node = InetAddress.getByName("127.0.0.1");
        InetAddress client = InetAddress.getByName("192.0.2.10");
        try (DovecotAuthClient c = new DovecotAuthClient(config)) {
            AuthResult ok = c.authenticate(AuthRequest.plain("demo@example.test", "demo").withAddresses(node, 25, client, 40000));
            assertThat(ok.status()).as(ok.reason()).isEqualTo(AuthResult.Status.OK);
            assertThat(ok.user()).contains("demo@example.test");
            AuthResult login = c.authenticate(AuthRequest.login("demo@example.test", "demo").withAddresses(node, 25, client, 40001));
            assertThat(login.status()).as(login.reason()).isEqualTo(AuthResult.Status.OK);
            AuthResult bad = c.authenticate(AuthRequest.plain("demo@example.test", "wrong").withAddresses(node, 25, client, 40002));
            assertThat(bad.status()).isEqualTo(AuthResult.Status.FAIL);
        }
    }

    @AfterEach
    void stop() throws Exception {
        if (dovecot != null) {
            dovecot.destroy();
            dovecot.waitFor();
        }
        if (dir != null) {
            JamesHarness.deleteTree(dir);
        }
    }
}
