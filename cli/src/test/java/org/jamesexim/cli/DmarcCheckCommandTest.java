package org.jamesexim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.jamesexim.arc.ArcSealResult;
import org.jamesexim.arc.ArcSealer;
import org.jamesexim.arc.ArcState;
import org.jamesexim.arc.MailMessage;
import org.jamesexim.arc.SigningKey;
import org.jamesexim.common.testing.RsaTestKey;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DmarcCheckCommandTest {
    @TempDir
    static Path dir;
    static Path dns;
    static RsaTestKey lists;

    @BeforeAll
    static void dnsFile() throws Exception {
        lists = RsaTestKey.generate(2048);
        dns = dir.resolve("dns.json");
        Files.writeString(dns, new ObjectMapper().writeValueAsString(java.util.Map.of(
                "_dmarc.origin.test", "v=DMARC1; p=reject; sp=quarantine",
                "arc._domainkey.lists.example", lists.dkimRecord())));
    }

    static int code;

    static JsonNode run(String stdin, String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        code = Main.run(args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.ISO_8859_1)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
        return new ObjectMapper().readTree(out.toByteArray());
    }

    @Test
    void givenInputsAndTheSubdomainPolicy() throws Exception {
        JsonNode pass = run("", "dmarc-check", "--dns", dns.toString(), "--from", "alice@origin.test",
                "--spf", "pass:bounces.origin.test");
        assertThat(pass.get("result").asText()).isEqualTo("pass");
        JsonNode sub = run("", "dmarc-check", "--dns", dns.toString(), "--from", "alice@news.origin.test",
                "--dkim", "other.example:pass");
        assertThat(sub.get("result").asText()).isEqualTo("fail");
        assertThat(sub.get("policy").asText()).isEqualTo("quarantine");
        assertThat(sub.get("policy_domain").asText()).isEqualTo("origin.test");
        assertThat(sub.get("auth_result").asText()).isEqualTo("dmarc=fail (p=reject sp=quarantine dis=quarantine) "
                + "header.from=news.origin.test");
    }

    @Test
    void theMessagesFromAndItsArcChainForTheOverride() throws Exception {
        String m = "From: Alice <alice@origin.test>\r\nTo: list@lists.example\r\nSubject: [list] hi\r\n\r\nhi\r\n";
        ArcSealResult r = ArcSealer.builder().authservId("mx.lists.example").domain("lists.example").selector("arc")
                .key(SigningKey.parse(lists.pem(), "test")).build()
                .seal(MailMessage.parse(m.getBytes(StandardCharsets.US_ASCII)), ArcState.NONE, List.of("dkim=pass header.d=origin.test"),
                        System.currentTimeMillis() / 1000L);
        String sealed = new String(r.applyTo(MailMessage.parse(m.getBytes(StandardCharsets.US_ASCII))), StandardCharsets.US_ASCII);
        JsonNode plain = run(sealed, "dmarc-check", "--dns", dns.toString(), "--dkim", "origin.test:fail");
        assertThat(plain.get("disposition").asText()).isEqualTo("reject");
        JsonNode over = run(sealed, "dmarc-check", "--dns", dns.toString(), "--dkim", "origin.test:fail",
                "--trusted-sealers", "lists.example", "--arc-override");
        assertThat(over.get("result").asText()).isEqualTo("fail");
        assertThat(over.get("override").asText()).isEqualTo("arc");
        assertThat(over.get("disposition").asText()).isEqualTo("none");
        JsonNode untrusted = run(sealed, "dmarc-check", "--dns", dns.toString(), "--trusted-sealers", "other.example",
                "--arc-override");
        assertThat(untrusted.get("disposition").asText()).isEqualTo("reject");
    }
}
