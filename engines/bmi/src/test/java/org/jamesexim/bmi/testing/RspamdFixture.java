package org.jamesexim.bmi.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.jamesexim.common.testing.Prerequisites;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A real Rspamd (Debian package {@code rspamd}, installed by {@code .ci/install.d/70-bmi.sh}; a missing one fails with one
 * line naming it, see {@code .ci/prerequisites}) started for the tests:
 * normal worker only, on 127.0.0.1 and a free port, config in a temp dir, no Redis, DNS pointed at a closed port,
 * network modules off, test patterns (GTUBE variants) on. One instance per JVM, stopped when the test run ends.
 *
 * <p>Deterministic test rules (in {@code rspamd.local.lua}): {@code BMI_TEST_MARKER} (score 10) fires on the body text
 * {@code BMI-TEST-MARKER}; {@code BMI_TEST_SOFT} fires on {@code BMI-TEST-SOFT} and forces {@code soft reject}.
 * Settings ids: {@code strict} (reject 6, add header 3), {@code lenient} (reject 50, add header 30),
 * {@code nocheck} (no symbols). So a marked message is {@code add header} by default, {@code reject} with strict and
 * {@code no action} with lenient.</p>
 *
 * <p>Use as {@code @ExtendWith(RspamdFixture.Extension.class)} and take a {@code RspamdFixture} parameter.</p>
 */
public final class RspamdFixture implements ExtensionContext.Store.CloseableResource, AutoCloseable {
    public static final String MARKER = "BMI-TEST-MARKER";
    public static final String SOFT_MARKER = "BMI-TEST-SOFT";

    private final Path dir;
    private final Process process;
    private final int port;

    private RspamdFixture(Path dir, Process process, int port) {
        this.dir = dir;
        this.process = process;
        this.port = port;
    }

    public int port() {
        return port;
    }

    /** {@code 127.0.0.1 <port>}, the value of the mailet's {@code endpoint} parameter. */
    public String endpoint() {
        return "127.0.0.1 " + port;
    }

    public Path logFile() {
        return dir.resolve("rspamd.log");
    }

    public static RspamdFixture start() throws IOException, InterruptedException {
        return start(freePort());
    }

    /** Starts on the given port of 127.0.0.1 (for tests that let a client fail first, then bring Rspamd up). */
    public static RspamdFixture start(int port) throws IOException, InterruptedException {
        String binary = Prerequisites.require("rspamd");
        Path dir = Files.createTempDirectory("bmi-rspamd-");
        Path local = Files.createDirectories(dir.resolve("local.d"));
        Files.createDirectories(dir.resolve("db"));
        Files.createDirectories(dir.resolve("run"));
        int deadDns = freePort();
        write(dir.resolve("rspamd.conf"), ".include \"$CONFDIR/common.conf\"\n"
            + "options {\n  pidfile = \"$RUNDIR/rspamd.pid\";\n  .include \"$CONFDIR/options.inc\"\n"
            + "  .include(try=true; priority=1,duplicate=merge) \"$LOCAL_CONFDIR/local.d/options.inc\"\n}\n"
            + "logging { type = \"console\"; level = \"info\"; }\n"
            + "worker \"normal\" { bind_socket = \"127.0.0.1:" + port + "\"; .include \"$CONFDIR/worker-normal.inc\"; count = 1; }\n");
        write(local.resolve("options.inc"), "dns { nameserver = [\"127.0.0.1:" + deadDns + "\"]; timeout = 0.5s; retransmits = 1; }\n"
            + "enable_test_patterns = true;\nsoft_reject_on_timeout = true;\nurl_tld = \"$LOCAL_CONFDIR/tld.dat\";\n");
        write(dir.resolve("tld.dat"), "com\norg\nnet\nedu\nde\nuk\nco.uk\ntest\n");
        for (String m : List.of("rbl", "surbl", "emails", "fuzzy_check", "asn", "spf", "dkim", "dmarc", "arc", "hfilter",
            "multimap", "phishing", "whitelist", "greylist", "ratelimit", "replies", "neural", "history_redis", "url_redirector")) {
            write(local.resolve(m + ".conf"), "enabled = false;\n");
        }
        write(local.resolve("settings.conf"),
            "strict  { id = \"strict\";  apply { actions { reject = 6.0; \"add header\" = 3.0; greylist = null; } } }\n"
                + "lenient { id = \"lenient\"; apply { actions { reject = 50.0; \"add header\" = 30.0; greylist = null; } } }\n"
                + "nocheck { id = \"nocheck\"; apply { symbols_enabled = []; } }\n");
        write(local.resolve("force_actions.conf"),
            "rules { BMI_SOFT { action = \"soft reject\"; expression = \"BMI_TEST_SOFT\"; message = \"BMI test: try again later\"; } }\n");
        write(dir.resolve("rspamd.local.lua"),
            "local function marker(text)\n"
                + "  return function(task)\n"
                + "    local body = task:get_rawbody()\n"
                + "    return body ~= nil and tostring(body):find(text, 1, true) ~= nil\n"
                + "  end\n"
                + "end\n"
                + "rspamd_config.BMI_TEST_MARKER = { callback = marker('" + MARKER + "'), score = 10.0, description = 'BMI test marker' }\n"
                + "rspamd_config.BMI_TEST_SOFT = { callback = marker('" + SOFT_MARKER + "'), score = 0.0, description = 'BMI soft reject marker' }\n");
        ProcessBuilder pb = new ProcessBuilder(binary, "-f", "-u", "root", "-g", "root", "-c", dir.resolve("rspamd.conf").toString(),
            "--var=LOCAL_CONFDIR=" + dir, "--var=DBDIR=" + dir.resolve("db"), "--var=RUNDIR=" + dir.resolve("run"))
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("rspamd.log").toFile());
        Process p = pb.start();
        RspamdFixture f = new RspamdFixture(dir, p, port);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!f.ping()) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                String log = Files.exists(f.logFile()) ? tail(Files.readString(f.logFile())) : "";
                f.close();
                throw new IllegalStateException("rspamd did not start on 127.0.0.1:" + port + " (log: " + log + ")");
            }
            Thread.sleep(100);
        }
        return f;
    }

    /** GET /ping answered with pong. */
    public boolean ping() {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(1000);
            OutputStream out = s.getOutputStream();
            out.write("GET /ping HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            String reply = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            return reply.contains("pong");
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // temp dir left behind
        }
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void write(Path p, String text) throws IOException {
        Files.writeString(p, text, StandardCharsets.UTF_8);
    }

    private static String tail(String log) {
        return log.length() > 2000 ? log.substring(log.length() - 2000) : log;
    }

    /** A message with a fresh Date (an old one adds DATE_IN_PAST) and the given body. */
    public static byte[] message(String subject, String body) {
        String date = java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME.format(java.time.ZonedDateTime.now());
        return ("From: Alice <alice@example.com>\r\nTo: bob@example.test\r\nSubject: " + subject + "\r\nDate: " + date
            + "\r\nMessage-ID: <" + System.nanoTime() + "@example.com>\r\nMIME-Version: 1.0\r\n"
            + "Content-Type: text/plain; charset=us-ascii\r\n\r\n" + body + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** JUnit 5 extension sharing one fixture per test run. */
    public static final class Extension implements BeforeAllCallback, ParameterResolver {
        private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(RspamdFixture.class);

        @Override
        public void beforeAll(ExtensionContext context) {
            get(context);
        }

        static RspamdFixture get(ExtensionContext context) {
            Prerequisites.require("rspamd"); // before the store, so the one-line failure reaches JUnit as it is
            return context.getRoot().getStore(NS).getOrComputeIfAbsent(RspamdFixture.class, k -> {
                try {
                    return start();
                } catch (IOException e) {
                    throw new IllegalStateException("cannot start rspamd: " + e.getMessage(), e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while starting rspamd", e);
                }
            }, RspamdFixture.class);
        }

        @Override
        public boolean supportsParameter(ParameterContext p, ExtensionContext e) {
            return p.getParameter().getType() == RspamdFixture.class;
        }

        @Override
        public Object resolveParameter(ParameterContext p, ExtensionContext e) {
            return get(e);
        }
    }

}
