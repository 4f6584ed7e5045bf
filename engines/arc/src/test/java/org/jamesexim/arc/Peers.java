package org.jamesexim.arc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.jamesexim.common.testing.Prerequisites;

/**
 * The real ARC implementations installed by {@code .ci/install.d/30-arc.sh}, driven through the harness scripts
 * in {@code src/test/peers}: dkimpy (Debian python3-dkim), Mail::DKIM (Debian libmail-dkim-perl) and mailauth
 * (npm). A missing peer fails the test with one line naming the install step ({@code .ci/prerequisites}).
 */
enum Peers {
    DKIMPY("dkimpy", "dkimpy_arc.py"),
    MAIL_DKIM("mail-dkim", "maildkim_arc.pl"),
    MAILAUTH("mailauth", "mailauth_arc.js");

    /** The name in {@code .ci/prerequisites}: its check prints the interpreter (for mailauth: the npm package). */
    private final String prerequisite;
    private final String script;

    Peers(String prerequisite, String script) {
        this.prerequisite = prerequisite;
        this.script = script;
    }

    static Path dir() {
        return Paths.get("src/test/peers").toAbsolutePath();
    }

    /** Fails with one line naming the install step when the peer is not installed; returns its interpreter. */
    String requireInstalled() {
        String interpreter = Prerequisites.require(prerequisite);
        return this == MAILAUTH ? Prerequisites.require("node") : interpreter;
    }

    static final class Result {
        final int code;
        final byte[] out;
        final String err;

        Result(int code, byte[] out, String err) {
            this.code = code;
            this.out = out;
            this.err = err;
        }
    }

    /** The peer's verdict: state (pass/fail/none), its reason text, and (mailauth only) the newest AMS result. */
    String[] verify(byte[] message, Path dns) {
        Result r = run(cmd("verify", dns.toString()), message);
        assertThat(r.code).as(name() + " verify failed: " + r.err).isZero();
        try {
            JsonNode j = new ObjectMapper().readTree(r.out);
            return new String[] {j.get("state").asText(), j.get("reason").asText(), j.path("ams").asText("")};
        } catch (IOException e) {
            throw new AssertionError(name() + " printed no JSON: " + new String(r.out, StandardCharsets.UTF_8), e);
        }
    }

    /** The message sealed by the peer (cv from our A-R's arc= result, as the peers do). */
    byte[] seal(byte[] message, Path dns, String domain, String selector, Path key, String srvId) {
        Result r = run(cmd("seal", dns.toString(), domain, selector, key.toString(), srvId), message);
        assertThat(r.code).as(name() + " seal failed: " + r.err).isZero();
        assertThat(new String(r.out, StandardCharsets.ISO_8859_1)).as(name() + " did not seal").startsWith("ARC-Seal:");
        return r.out;
    }

    List<String> cmd(String... args) {
        List<String> c = new ArrayList<>();
        c.add(requireInstalled());
        c.add(dir().resolve(script).toString());
        c.addAll(Arrays.asList(args));
        return c;
    }

    static Result run(List<String> command, byte[] stdin) {
        try {
            ProcessBuilder pb = new ProcessBuilder(command).directory(dir().toFile());
            Process p = pb.start();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            Thread t = new Thread(() -> copy(p.getErrorStream(), err));
            t.start();
            try (OutputStream os = p.getOutputStream()) {
                os.write(stdin);
            }
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("timeout: " + command);
            }
            t.join(5000);
            return new Result(p.exitValue(), out, err.toString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AssertionError("cannot run " + command + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static void copy(InputStream in, ByteArrayOutputStream out) {
        try {
            in.transferTo(out);
        } catch (IOException ignored) {
            // the process ended
        }
    }

    static Path writeDns(Path dir, Map<String, String> records) throws IOException {
        Path p = dir.resolve("dns.json");
        Files.write(p, new ObjectMapper().writeValueAsBytes(records));
        return p;
    }
}
