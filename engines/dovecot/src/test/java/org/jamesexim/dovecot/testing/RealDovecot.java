package org.jamesexim.dovecot.testing;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.jamesexim.common.testing.Prerequisites;

/**
 * A real Dovecot 2.3 (Debian {@code dovecot-core}) running only its auth service, from a temp dir, for tests.
 * Auth-only config: a passwd-file passdb, a checkpassword passdb that answers "temporary failure", an
 * {@code inet_listener} on 127.0.0.1 and the {@code auth-client} unix listener; {@code auth_failure_delay = 0}.
 *
 * <p>Users (all with password {@link #PASSWORD}): {@code alice} (SHA512-CRYPT), {@code bob} ({PLAIN}),
 * {@code dave} (OK with {@code nologin reason=locked}), {@code user01}..{@code user60} ({PLAIN}); any user whose name
 * starts with {@code tempfail} gets {@code FAIL code=temp_fail}. {@code auth_username_format = %Ln}: Dovecot drops the
 * domain and lower-cases, so a login {@code Bob@Example.Test} is {@code user=bob}.</p>
 *
 * <p>Needs the {@code dovecot} and {@code doveadm} binaries (and root, as in CI); a missing one fails with one line
 * naming {@code .ci/install.d/50-dovecot.sh} (see {@code .ci/prerequisites}).</p>
 */
public final class RealDovecot implements AutoCloseable {
    public static final String PASSWORD = "s3cret";
    public static final int NUMBERED_USERS = 60;

    private final Path dir;
    private final int port;
    private Process process;

    private RealDovecot(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    /** Writes the config into a new temp dir and starts Dovecot; returns once a full handshake succeeds. */
    public static RealDovecot start() throws IOException {
        String dovecot = Prerequisites.require("dovecot");
        String doveadm = Prerequisites.require("doveadm");
        Path dir = Files.createTempDirectory("jexim-dovecot-");
        // the auth process runs as user dovecot and must reach the users file
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createDirectories(dir.resolve("run"));
        Files.createDirectories(dir.resolve("state"));
        String hash = run(doveadm, "pw", "-s", "SHA512-CRYPT", "-p", PASSWORD).trim();
        StringBuilder users = new StringBuilder();
        users.append("alice:").append(hash).append("::::::\n");
        users.append("bob:{PLAIN}").append(PASSWORD).append("::::::\n");
        users.append("dave:{PLAIN}").append(PASSWORD).append("::::::nologin reason=locked\n");
        for (int i = 1; i <= NUMBERED_USERS; i++) {
            users.append(String.format("user%02d:{PLAIN}%s::::::%n", i, PASSWORD));
        }
        Path usersFile = dir.resolve("users");
        Files.writeString(usersFile, users.toString());
        Files.setPosixFilePermissions(usersFile, PosixFilePermissions.fromString("rw-r--r--"));
        // checkpassword exit 111 = temporary error; fd 3 carries "user\0pass\0"
        Path tempfail = dir.resolve("tempfail.sh");
        Files.writeString(tempfail, "#!/bin/sh\nu=$(head -c 512 <&3 | tr '\\0' '\\n' | head -n1)\n"
            + "case \"$u\" in tempfail*) exit 111;; *) exit 1;; esac\n");
        Files.setPosixFilePermissions(tempfail, PosixFilePermissions.fromString("rwxr-xr-x"));
        int port = freePort();
        String conf = "protocols = none\n"
            + "listen = 127.0.0.1\n"
            + "base_dir = " + dir.resolve("run") + "\n"
            + "state_dir = " + dir.resolve("state") + "\n"
            + "instance_name = jexim-dovecot-" + port + "\n"
            + "log_path = " + dir.resolve("dovecot.log") + "\n"
            + "ssl = no\n"
            + "auth_mechanisms = plain login cram-md5\n"
            + "auth_failure_delay = 0\n"
            // user names without domain, lower-cased: a login "Bob@Example.Test" is user=bob
            + "auth_username_format = %Ln\n"
            + "auth_verbose = yes\n"
            // logs each request line as received ("client in: AUTH ... resp=<hidden>"), so tests can check the wire
            + "auth_debug = yes\n"
            + "passdb {\n  driver = passwd-file\n  args = " + usersFile + "\n}\n"
            + "passdb {\n  driver = checkpassword\n  args = " + tempfail + "\n}\n"
            + "userdb {\n  driver = static\n  args = uid=dovecot gid=dovecot home=/nonexistent\n}\n"
            + "service auth {\n"
            + "  unix_listener auth-client {\n    mode = 0666\n  }\n"
            + "  inet_listener auth-inet {\n    address = 127.0.0.1\n    port = " + port + "\n  }\n"
            + "}\n";
        Files.writeString(dir.resolve("dovecot.conf"), conf);
        RealDovecot d = new RealDovecot(dir, port);
        d.launch(dovecot);
        return d;
    }

    private void launch(String dovecot) throws IOException {
        process = new ProcessBuilder(dovecot, "-F", "-c", dir.resolve("dovecot.conf").toString())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("dovecot.stdout").toFile()))
            .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("dovecot exited with " + process.exitValue() + ": " + readQuietly("dovecot.stdout")
                    + readQuietly("dovecot.log"));
            }
            if (handshakeOk()) {
                return;
            }
            sleep(100);
        }
        kill();
        throw new IOException("dovecot did not answer a handshake on 127.0.0.1:" + port + " within 15 s: "
            + readQuietly("dovecot.log"));
    }

    private boolean handshakeOk() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            s.setSoTimeout(1000);
            OutputStream out = s.getOutputStream();
            out.write("VERSION\t1\t0\nCPID\t1\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[4096];
            StringBuilder sb = new StringBuilder();
            int n;
            while ((n = in.read(buf)) > 0) {
                sb.append(new String(buf, 0, n, StandardCharsets.US_ASCII));
                if (sb.indexOf("\nDONE\n") >= 0) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            return false;
        }
    }

    /** {@code server_socket} value for the inet listener: {@code 127.0.0.1 <port>}. */
    public String inetSocket() {
        return "127.0.0.1 " + port;
    }

    public int port() {
        return port;
    }

    /** {@code server_socket} value for the unix listener. */
    public String unixSocket() {
        return dir.resolve("run").resolve("auth-client").toString();
    }

    public Path directory() {
        return dir;
    }

    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** The Dovecot log so far. */
    public String log() {
        return readQuietly("dovecot.log");
    }

    /** SIGKILL to the master and all its children (auth, anvil, ...): every client connection sees EOF. */
    public void kill() {
        if (process == null) {
            return;
        }
        // Stop the master first, so it cannot respawn a child (anvil, log, auth) between the list and the kill: a
        // respawned anvil outlived the kill once and held its sockets, and the next start failed "Socket already
        // exists". A stopped process still takes SIGKILL.
        try {
            run("/bin/kill", "-STOP", Long.toString(process.pid()));
        } catch (IOException e) {
            // already gone
        }
        List<ProcessHandle> all = new ArrayList<>();
        all.add(process.toHandle());
        process.toHandle().descendants().forEach(all::add);
        for (ProcessHandle h : all) {
            h.destroyForcibly();
        }
        for (ProcessHandle h : all) {
            try {
                h.onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                // best effort
            }
        }
        process = null;
    }

    /**
     * SIGSTOP to the auth process: connections stay open and new ones are still accepted by the kernel, but nothing
     * answers (a "slow" Dovecot). {@link #resume()} undoes it.
     */
    public void pause() throws IOException {
        signalAuth("-STOP");
    }

    public void resume() throws IOException {
        signalAuth("-CONT");
    }

    private void signalAuth(String signal) throws IOException {
        List<ProcessHandle> auth = new ArrayList<>();
        process.toHandle().descendants()
            .filter(h -> h.info().command().map(c -> c.endsWith("/auth")).orElse(false))
            .forEach(auth::add);
        if (auth.isEmpty()) {
            throw new IOException("no dovecot auth process found");
        }
        for (ProcessHandle h : auth) {
            run("/bin/kill", signal, Long.toString(h.pid()));
        }
    }

    /** Starts Dovecot again with the same config, port and users. */
    public void restart() throws IOException {
        kill();
        Files.deleteIfExists(dir.resolve("run").resolve("master.pid"));
        launch(Prerequisites.require("dovecot"));
    }

    @Override
    public void close() {
        kill();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        } catch (IOException e) {
            // temp dir left behind
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    static String run(String... cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException(String.join(" ", cmd[0], cmd.length > 1 ? cmd[1] : "") + " failed: " + out);
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private String readQuietly(String file) {
        try {
            return Files.readString(dir.resolve(file));
        } catch (IOException e) {
            return "";
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
