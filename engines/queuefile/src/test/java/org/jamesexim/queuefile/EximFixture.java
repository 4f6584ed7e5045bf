package org.jamesexim.queuefile;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.jamesexim.common.testing.Prerequisites;

/**
 * A real Exim (Debian exim4-daemon-light) with its own configuration and spool in a temporary directory.
 * No daemon is started: every call is one {@code exim4 -C <conf> ...} command. Runs as root (as CI does).
 */
public final class EximFixture implements AutoCloseable {
    public static final String EXIM_USER = "Debian-exim";

    /** The tests' Exim: the one .ci/install.d/80-queuefile.sh unpacks into /opt/jexim-exim4 (it coexists with postfix). */
    private final String binary;

    public final Path base;
    public final Path conf;
    public final Path spool;
    public final Path input;
    public final Path mail;

    /** The result of one Exim command. */
    public static final class Run {
        public final int exit;
        public final String out;

        Run(int exit, String out) {
            this.exit = exit;
            this.out = out;
        }

        @Override
        public String toString() {
            return "exit " + exit + ":\n" + out;
        }
    }

    public EximFixture() throws IOException {
        binary = Prerequisites.require("exim4");
        if (!"root".equals(System.getProperty("user.name"))) {
            throw new IllegalStateException("the Exim interoperability tests run Exim with -C and must run as root (as CI does)");
        }
        base = Files.createTempDirectory("jexim-exim");
        Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxr-xr-x"));
        spool = base.resolve("spool");
        input = spool.resolve("input");
        mail = base.resolve("mail");
        Files.createDirectories(input);
        Files.createDirectories(spool.resolve("log"));
        Files.createDirectories(mail);
        for (Path p : List.of(spool, input, spool.resolve("log"), mail)) {
            own(p);
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-x---"));
        }
        Files.setPosixFilePermissions(spool, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(mail, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path users = base.resolve("users");
        Files.writeString(users, "alice: alice\nbob: bob\ncarol: carol\ndave: dave\nerin: erin\nfrank: frank\n");
        conf = base.resolve("exim.conf");
        Files.writeString(conf, String.join("\n",
                "primary_hostname = mx.test.example",
                "qualify_domain = test.example",
                "spool_directory = " + spool,
                "log_file_path = " + spool + "/log/%slog",
                "trusted_users = root",
                "keep_environment =",
                "queue_only = true",
                "dsn_advertise_hosts = *",
                "host_lookup =",
                "rfc1413_hosts =",
                "acl_smtp_rcpt = acl_rcpt",
                "acl_smtp_data = acl_data",
                "begin acl",
                "acl_rcpt:",
                "  accept",
                "acl_data:",
                "  accept set acl_m_scan = clean",
                "begin routers",
                "local:",
                "  driver = accept",
                "  local_parts = lsearch;" + users,
                "  transport = local_file",
                "begin transports",
                "local_file:",
                "  driver = appendfile",
                "  file = " + mail + "/${local_part_data}",
                "  user = " + EXIM_USER,
                "  envelope_to_add",
                "  return_path_add",
                "begin retry",
                "* * F,1h,5m",
                ""));
    }

    static void own(Path p) throws IOException {
        UserPrincipalLookupService l = p.getFileSystem().getUserPrincipalLookupService();
        PosixFileAttributeView v = Files.getFileAttributeView(p, PosixFileAttributeView.class);
        v.setOwner(l.lookupPrincipalByName(EXIM_USER));
        GroupPrincipal g = l.lookupPrincipalByGroupName(EXIM_USER);
        v.setGroup(g);
    }

    /** What an operator (or MailScanner) does when placing files into Exim's spool: Exim's owner, mode 0640. */
    public void handOver(Path file) throws IOException {
        own(file);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
    }

    public Run exim(byte[] stdin, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(binary);
        cmd.add("-C");
        cmd.add(conf.toString());
        cmd.addAll(Arrays.asList(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try (OutputStream os = p.getOutputStream()) {
            if (stdin != null) {
                os.write(stdin);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream is = p.getInputStream()) {
            is.transferTo(out);
        }
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("exim " + String.join(" ", args) + " did not finish within 30 s");
        }
        return new Run(p.exitValue(), out.toString(StandardCharsets.ISO_8859_1));
    }

    /**
     * Feeds an SMTP dialogue to {@code exim -odq -bs} (client 192.0.2.10 port 42424), so Exim queues the message
     * without delivering it, and returns the id of the one message now in the spool's input directory.
     */
    public String queueOverSmtp(String dialogue) throws IOException, InterruptedException {
        Run bs = exim(dialogue.getBytes(StandardCharsets.US_ASCII), "-odq", "-bs", "-oMa", "192.0.2.10.42424");
        if (!bs.out.contains("250 OK id=")) {
            throw new AssertionError("Exim did not queue the message: " + bs);
        }
        return queuedId();
    }

    /** The id of the one message in the spool's input directory (its {@code -H} file name without {@code -H}). */
    public String queuedId() throws IOException {
        List<String> headers;
        try (java.util.stream.Stream<Path> s = Files.list(input)) {
            headers = s.map(f -> f.getFileName().toString()).filter(n -> n.endsWith("-H")).collect(java.util.stream.Collectors.toList());
        }
        if (headers.size() != 1) {
            throw new AssertionError("expected exactly one -H file in " + input + ", found " + headers);
        }
        return headers.get(0).substring(0, headers.get(0).length() - 2);
    }

    public String mainlog() throws IOException {
        Path log = spool.resolve("log").resolve("mainlog");
        return Files.exists(log) ? Files.readString(log, StandardCharsets.ISO_8859_1) : "";
    }

    public String paniclog() throws IOException {
        Path log = spool.resolve("log").resolve("paniclog");
        return Files.exists(log) ? Files.readString(log, StandardCharsets.ISO_8859_1) : "";
    }

    @Override
    public void close() throws IOException {
        try (var s = Files.walk(base)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
