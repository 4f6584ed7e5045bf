package org.jamesexim.srs;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.jamesexim.common.testing.Prerequisites;

/**
 * A real PostgreSQL (Debian's postgresql package) started by the test in a temporary directory on
 * 127.0.0.1 and a free port, and stopped afterwards. Runs initdb/postgres as the user {@code postgres} when the
 * test runs as root (PostgreSQL refuses root).
 */
final class PostgresServer implements AutoCloseable {
    private final Path dir;
    private final int port;
    private final String bin;
    private final boolean asPostgres;

    private PostgresServer(Path dir, int port, String bin, boolean asPostgres) {
        this.dir = dir;
        this.port = port;
        this.bin = bin;
        this.asPostgres = asPostgres;
    }

    static PostgresServer start() throws Exception {
        String bin = Prerequisites.require("postgresql"); // the bin directory holding initdb and pg_ctl
        boolean root = "root".equals(System.getProperty("user.name"));
        Path dir = Files.createTempDirectory("jexim-srs-pg");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        PostgresServer pg = new PostgresServer(dir, port, bin, root);
        if (root) {
            run(List.of("chown", "postgres", dir.toString()));
            run(List.of("chmod", "700", dir.toString()));
        }
        pg.pgRun(bin + "/initdb", "-D", dir.resolve("data").toString(), "-A", "trust", "-U", "jexim", "--no-sync", "-E", "UTF8");
        pg.pgRun(bin + "/pg_ctl", "-D", dir.resolve("data").toString(), "-l", dir.resolve("log").toString(), "-w", "-t", "60",
            "-o", "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off", "start");
        return pg;
    }

    String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres?connectTimeout=5&socketTimeout=10";
    }

    private void pgRun(String... cmd) throws Exception {
        List<String> c = new ArrayList<>();
        if (asPostgres) {
            c.add("runuser");
            c.add("-u");
            c.add("postgres");
            c.add("--");
        }
        c.addAll(List.of(cmd));
        run(c);
    }

    private static void run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("timed out: " + cmd);
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException("failed (" + p.exitValue() + "): " + cmd + "\n" + out);
        }
    }

    @Override
    public void close() throws Exception {
        try {
            pgRun(bin + "/pg_ctl", "-D", dir.resolve("data").toString(), "-m", "immediate", "-w", "stop");
        } finally {
            try (Stream<Path> s = Files.walk(dir)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // best effort
            }
        }
    }
}
