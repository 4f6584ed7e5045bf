package org.jamesexim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.jamesexim.dovecot.testing.RealDovecot;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code dovecot-auth} against a real Dovecot started from a temp dir. */
class DovecotAuthCommandTest {
    private static RealDovecot dovecot;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeAll
    static void start() throws Exception {
        dovecot = RealDovecot.start();
    }

    @AfterAll
    static void stop() {
        dovecot.close();
    }

    private int run(String stdin, String... args) {
        return Main.run(args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
            new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void listsMechanisms() {
        assertThat(run("", "dovecot-auth", "--server-socket", dovecot.unixSocket())).isZero();
        assertThat(out()).contains("mechanisms: PLAIN LOGIN");
    }

    @Test
    void goodBadAndTemporary() {
        assertThat(run(RealDovecot.PASSWORD + "\n", "dovecot-auth", "--server-socket", dovecot.inetSocket(),
            "--user", "Alice", "--mechanism", "login", "--rip", "192.0.2.31")).isZero();
        assertThat(out()).contains("OK user=alice");
        assertThat(run("wrong-pw\n", "dovecot-auth", "--server-socket", dovecot.inetSocket(), "--user", "alice",
            "--rip", "192.0.2.32")).isEqualTo(1);
        assertThat(out()).contains("FAIL user=alice").doesNotContain("wrong-pw");
        assertThat(run(RealDovecot.PASSWORD + "\n", "dovecot-auth", "--server-socket", dovecot.inetSocket(), "--user",
            "tempfail1", "--rip", "192.0.2.33")).isEqualTo(DovecotAuthCommand.EX_TEMPFAIL);
        assertThat(out()).contains("TEMPFAIL user=tempfail1 code=temp_fail");
    }

    @Test
    void unreachableIsTemporaryAndUsageErrorsAre2() {
        assertThat(run("", "dovecot-auth", "--server-socket", "/nonexistent/auth-client")).isEqualTo(DovecotAuthCommand.EX_TEMPFAIL);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("does not exist");
        assertThat(run("", "dovecot-auth")).isEqualTo(2);
        assertThat(run("", "dovecot-auth", "--server-socket", dovecot.inetSocket(), "--user", "alice")).isEqualTo(2);
    }
}
