package org.jamesexim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.jamesexim.common.testing.RsaTestKey;

class ArcCommandsTest {
    @TempDir
    static Path dir;
    static Path key;
    static Path dns;
    static final String MSG = "Authentication-Results: mx.cli.example; spf=pass smtp.mailfrom=a@b.example\n"
            + "From: a@b.example\nTo: c@d.example\nSubject: cli\n\nhello\n";

    @BeforeAll
    static void keys() throws Exception {
        RsaTestKey kp = RsaTestKey.generate(2048);
        // a private key only its owner can read, as ArcSeal and arc-seal require
        key = kp.writePem(dir.resolve("k.pem"));
        dns = dir.resolve("dns.json");
        Files.writeString(dns, "{\"cli._domainkey.cli.example\": \"v=DKIM1; k=rsa; p="
                + kp.publicKeyBase64() + "\"}");
    }

    static final class Run {
        int code;
        String out;
        String err;
    }

    static Run run(String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Run r = new Run();
        r.code = Main.run(args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.ISO_8859_1)),
                new PrintStream(out, true, StandardCharsets.ISO_8859_1), new PrintStream(err, true, StandardCharsets.UTF_8));
        r.out = out.toString(StandardCharsets.ISO_8859_1);
        r.err = err.toString(StandardCharsets.UTF_8);
        return r;
    }

    @Test
    void sealThenVerify() throws Exception {
        Run seal = run(MSG, "arc-seal", "--domain", "cli.example", "--selector", "cli", "--key", key.toString(),
                "--authserv-id", "mx.cli.example", "--timestamps", "--expire", "+3600", "--now", "1764000000");
        assertThat(seal.code).as(seal.err).isZero();
        assertThat(seal.out).startsWith("ARC-Seal: ").contains("t=1764000000").contains("x=1764003600")
                .endsWith(MSG).doesNotContain("\r");
        Run verify = run(seal.out, "arc-verify", "--dns", dns.toString(), "--now", "1764000100");
        assertThat(verify.code).as(verify.err).isZero();
        JsonNode j = new ObjectMapper().readTree(verify.out);
        assertThat(j.get("state").asText()).isEqualTo("pass");
        assertThat(j.get("reason").asText()).isEmpty();
        assertThat(j.get("domains").get(0).asText()).isEqualTo("cli.example");
        assertThat(j.get("oldest_pass").asInt()).isEqualTo(1);
        // after x=, the same message fails
        JsonNode late = new ObjectMapper().readTree(run(seal.out, "arc-verify", "--dns", dns.toString(), "--now", "1764009999").out);
        assertThat(late.get("state").asText()).isEqualTo("fail");
        assertThat(late.get("reason").asText()).contains("expired");
        // a message without ARC
        assertThat(new ObjectMapper().readTree(run(MSG, "arc-verify", "--dns", dns.toString()).out).get("state").asText())
                .isEqualTo("none");
    }

    @Test
    void usageErrors() throws Exception {
        Run missing = run(MSG, "arc-seal", "--selector", "cli", "--key", key.toString(), "--authserv-id", "mx.cli.example");
        assertThat(missing.code).isEqualTo(2);
        assertThat(missing.err).contains("--domain is required");
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "[1,2]");
        Run badDns = run(MSG, "arc-verify", "--dns", bad.toString());
        assertThat(badDns.code).isEqualTo(2);
        assertThat(badDns.err).contains("JSON object");
        Run badKey = run(MSG, "arc-seal", "--domain", "cli.example", "--selector", "cli", "--key", dns.toString(),
                "--authserv-id", "mx.cli.example");
        assertThat(badKey.code).isEqualTo(2);
        assertThat(badKey.err).contains("--key").doesNotContain("DKIM1");
    }
}
