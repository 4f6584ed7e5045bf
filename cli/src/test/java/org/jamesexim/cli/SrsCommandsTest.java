package org.jamesexim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SrsCommandsTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        out.reset();
        err.reset();
        return Main.run(args, new ByteArrayInputStream(new byte[0]),
            new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String lastLine() {
        String[] lines = out.toString(StandardCharsets.UTF_8).split("\n");
        return lines[lines.length - 1];
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void forwardPrintsTheMailSrsAddress() {
        assertThat(run("srs-forward", "--secret", "tops3cr3t", "--hashlength", "4", "--alias", "fwd.example.net",
            "--now-day", "19889", "alice@example.com")).isZero();
        assertThat(lastLine()).isEqualTo("SRS0=tBcR=NR=example.com=alice@fwd.example.net");
        assertThat(run("srs-forward", "--secret=tops3cr3t", "--hashlength=4", "--separator", "+", "--alias", "postmaster@fwd.example.net",
            "--now-day", "19889", "alice@example.com")).isZero();
        assertThat(lastLine()).isEqualTo("SRS0+tBcR=NR=example.com=alice@fwd.example.net");
        assertThat(run("srs-forward", "--secret", "n3wS3cret", "--secret", "0ldS3cret", "--hashlength", "4", "--alias", "fwd.example.net",
            "--now-day", "19889", "carol@example.org")).isZero();
        assertThat(lastLine()).isEqualTo("SRS0=YEKn=NR=example.org=carol@fwd.example.net");
    }

    /** postsrsd 2.4.0's answers (shared/vectors/srs/postsrsd-2.4.0.json): base64url on request, both read back. */
    @Test
    void postsrsd2Base64Url() {
        assertThat(run("srs-forward", "--secret", "tops3cr3t", "--hashlength", "4", "--alias", "fwd.example.net", "--now-day", "20789",
            "--hash-alphabet", "base64url", "alice12@origin.example")).isZero();
        assertThat(lastLine()).isEqualTo("SRS0=J_yw=JV=origin.example=alice12@fwd.example.net");
        assertThat(run("srs-forward", "--secret", "tops3cr3t", "--hashlength", "4", "--alias", "fwd.example.net", "--now-day", "20789",
            "alice12@origin.example")).isZero();
        assertThat(lastLine()).isEqualTo("SRS0=J/yw=JV=origin.example=alice12@fwd.example.net");
        for (String a : new String[] {"SRS0=J_yw=JV=origin.example=alice12@fwd.example.net", "SRS0=J/yw=JV=origin.example=alice12@fwd.example.net"}) {
            assertThat(run("srs-reverse", "--secret", "tops3cr3t", "--hashlength", "4", "--now-day", "20789", a)).isZero();
            assertThat(lastLine()).isEqualTo("alice12@origin.example");
        }
        assertThat(run("srs-forward", "--secret", "s", "--alias", "fwd.example.net", "--hash-alphabet", "base32", "a@b.example")).isEqualTo(2);
        assertThat(err()).contains("hashAlphabet must be base64 or base64url");
    }

    /** --format exim answers as Exim's inbound_srs: the quoted form srs_encode writes is no (docs/srs.md); unquoted, yes. */
    @Test
    void eximFormatQuotedLocalPartIsNoAsInExim() {
        assertThat(run("srs-forward", "--secret", "tops3cr3t", "--format", "exim", "--alias", "fwd.example.net", "--now-day", "19889",
            "\"john doe\"@example.com")).isZero();
        assertThat(lastLine()).isEqualTo("\"SRS0=521d=nr=example.com=john doe\"@fwd.example.net");
        assertThat(run("srs-reverse", "--secret", "tops3cr3t", "--format", "exim", "--now-day", "19889",
            "\"SRS0=521d=nr=example.com=john doe\"@fwd.example.net")).isEqualTo(1);
        assertThat(run("srs-reverse", "--secret", "tops3cr3t", "--format", "exim", "--now-day", "19889",
            "SRS0=521d=nr=example.com=john doe@fwd.example.net")).isZero();
        assertThat(lastLine()).isEqualTo("\"john doe\"@example.com");
    }

    @Test
    void forwardOwnDomainNeedsAlwaysRewrite() {
        assertThat(run("srs-forward", "--secret", "s", "--alias", "fwd.example.net", "bob@fwd.example.net")).isZero();
        assertThat(lastLine()).isEqualTo("bob@fwd.example.net");
        assertThat(err()).contains("--always-rewrite");
        assertThat(run("srs-forward", "--secret", "s", "--alias", "fwd.example.net", "--always-rewrite", "bob@fwd.example.net")).isZero();
        assertThat(lastLine()).startsWith("SRS0=").endsWith("=fwd.example.net=bob@fwd.example.net");
    }

    @Test
    void reverseChecksHashAndAge() {
        assertThat(run("srs-reverse", "--secret", "tops3cr3t", "--hashlength", "4", "--maxage", "21", "--now-day", "19889",
            "SRS0=DuvB=M4=example.com=alice@fwd.example.net")).isZero();
        assertThat(lastLine()).isEqualTo("alice@example.com");
        assertThat(run("srs-reverse", "--secret", "tops3cr3t", "--hashlength", "4", "--maxage", "21", "--now-day", "19889",
            "SRS0=dQRu=M3=example.com=alice@fwd.example.net")).isEqualTo(1);
        assertThat(err()).contains("expired").contains("Invalid timestamp");
        assertThat(run("srs-reverse", "--secret", "tops3cr3t", "--hashlength", "4", "--maxage", "31", "--now-day", "19889",
            "SRS0=dQRu=M3=example.com=alice@fwd.example.net")).isZero();
        assertThat(run("srs-reverse", "--secret", "wrong", "--hashlength", "4", "--now-day", "19889",
            "SRS0=tBcR=NR=example.com=alice@fwd.example.net")).isEqualTo(1);
        assertThat(err()).contains("bad hash");
        assertThat(run("srs-reverse", "--secret", "wrong", "alice@example.com")).isEqualTo(1);
        assertThat(err()).contains("not SRS");
        assertThat(run("srs-reverse", "--secret", "tops3cr3t", "--hashlength", "8", "--hashmin", "4", "--now-day", "19889",
            "SRS0=tBcR=NR=example.com=alice@fwd.example.net")).isZero();
    }

    @Test
    void eximNativeFormat() {
        assertThat(run("srs-forward", "--format", "exim", "--secret", "tops3cr3t", "--alias", "fwd.example.net", "--now-day", "19889",
            "alice@example.com")).isZero();
        assertThat(lastLine()).isEqualTo("SRS0=4df1=nr=example.com=alice@fwd.example.net");
        assertThat(run("srs-reverse", "--format", "exim", "--secret", "tops3cr3t", "--now-day", "19899",
            "SRS0=57d4=nr=example.com=bob@fwd.example.net")).isZero();
        assertThat(lastLine()).isEqualTo("bob@example.com");
        assertThat(run("srs-reverse", "--format", "exim", "--secret", "tops3cr3t", "--now-day", "19889",
            "SRS0=4DF1=nr=example.com=alice@fwd.example.net")).isEqualTo(1);
    }

    /** The secrets from a file, as the mailets' secretsFile: not in the process list; a file others may read is refused. */
    @Test
    void secretsFromAFileOnlyItsOwnerCanRead(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("srs-secrets");
        Files.writeString(file, "# the first signs\nn3wS3cret\n0ldS3cret\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        assertThat(run("srs-forward", "--secret", "n3wS3cret", "--secret", "0ldS3cret", "--hashlength", "4", "--alias", "fwd.example.net",
            "--now-day", "19889", "alice@example.com")).isZero();
        String fromArgv = lastLine();
        assertThat(run("srs-forward", "--secrets-file", file.toString(), "--hashlength", "4", "--alias", "fwd.example.net",
            "--now-day", "19889", "alice@example.com")).isZero();
        assertThat(lastLine()).isEqualTo(fromArgv);
        // an address signed with the old (second) secret still reverses
        assertThat(run("srs-forward", "--secret", "0ldS3cret", "--hashlength", "4", "--alias", "fwd.example.net",
            "--now-day", "19889", "bob@example.com")).isZero();
        String old = lastLine();
        assertThat(run("srs-reverse", "--secrets-file", file.toString(), "--hashlength", "4", "--now-day", "19890", old)).isZero();
        assertThat(lastLine()).isEqualTo("bob@example.com");

        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        assertThat(run("srs-reverse", "--secrets-file", file.toString(), "--hashlength", "4", old)).isEqualTo(2);
        assertThat(err()).contains("--secrets-file").doesNotContain("S3cret");
        assertThat(run("srs-reverse", "--secrets-file", dir.resolve("none").toString(), old)).isEqualTo(2);
        assertThat(err()).contains("--secrets-file");
        assertThat(run("srs-reverse", "--secrets-file", file.toString(), "--secret", "x", old)).isEqualTo(2);
        assertThat(err()).contains("give the secrets once");
    }

    @Test
    void usageErrorsAreClear() {
        assertThat(run("srs-forward", "--secret", "s", "alice@example.com")).isEqualTo(2);
        assertThat(err()).startsWith("srs-forward: --alias");
        assertThat(run("srs-forward", "--alias", "x", "alice@example.com")).isEqualTo(2);
        assertThat(err()).contains("give the secrets once: --secrets-file FILE");
        assertThat(run("srs-reverse", "--secret", "s")).isEqualTo(2);
        assertThat(err()).contains("address is missing");
        assertThat(run("srs-forward", "--secret", "s", "--alias", "x", "--hashlength", "40", "a@b")).isEqualTo(2);
        assertThat(err()).contains("hashlength");
        assertThat(run("srs-forward", "--secret", "s", "--alias", "x", "--separator", "/", "a@b")).isEqualTo(2);
        assertThat(err()).contains("separator");
        assertThat(run("srs-forward", "--secret", "s", "--alias", "x", "--format", "postfix", "a@b")).isEqualTo(2);
        assertThat(run("srs-forward", "--secret", "s", "--alias", "x", "noatsign")).isEqualTo(1);
        assertThat(err()).contains("contains no @");
        assertThat(err()).doesNotContain("s3cr");
    }
}
