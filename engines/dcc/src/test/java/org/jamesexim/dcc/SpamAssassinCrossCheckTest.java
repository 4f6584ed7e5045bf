package org.jamesexim.dcc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jamesexim.common.testing.Prerequisites;
import org.jamesexim.dcc.sim.DccifdSimulator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The independent check: SpamAssassin's DCC plugin (Debian {@code spamassassin}, Mail::SpamAssassin::Plugin::DCC)
 * talks to the same dccifd simulator as our client and must read the same verdicts: the same X-DCC header, and
 * DCC_CHECK exactly when our client's header reports bulk counts ({@code many}). It also proves the simulator
 * reads a second client's requests ({@code cksums grey-off }, IP CR name, empty sender) as dccifd would.
 */
class SpamAssassinCrossCheckTest {
    static final String MESSAGE = "Received: from mx.sender.example (mx.sender.example [192.0.2.10])\n\tby mx.example.org; Tue, 1 Jul 2025 10:00:00 +0000\n"
        + "From: Alice <alice@sender.example>\nTo: bob@example.org\nSubject: dcc cross check\nMessage-ID: <x1@sender.example>\n"
        + "Date: Tue, 1 Jul 2025 10:00:00 +0000\n\nHello DCC world, this is the same body for both clients.\n";

    @TempDir
    Path tmp;
    DccifdSimulator sim;
    Path siteConfig;
    static String spamassassin;

    @BeforeAll
    static void spamassassinIsInstalled() {
        spamassassin = Prerequisites.require("spamassassin");
    }

    @BeforeEach
    void start() throws IOException {
        sim = new DccifdSimulator().listenTcp().manyAt(5);
        siteConfig = Files.createDirectories(tmp.resolve("sa"));
        try (var pres = Files.newDirectoryStream(Paths.get("/etc/spamassassin"), "*.pre")) {
            for (Path pre : pres) {
                String text = Files.readString(pre);
                if (pre.getFileName().toString().equals("v310.pre")) {
                    text = text.replace("#loadplugin Mail::SpamAssassin::Plugin::DCC", "loadplugin Mail::SpamAssassin::Plugin::DCC");
                }
                Files.writeString(siteConfig.resolve(pre.getFileName()), text);
            }
        }
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    void configure(String dccifdPath) throws IOException {
        Files.writeString(siteConfig.resolve("local.cf"), "use_dcc 1\ndcc_dccifd_path " + dccifdPath + "\ndcc_timeout 5\n"
            + "score DCC_CHECK 1.0\nskip_rbl_checks 1\ndns_available no\nuse_bayes 0\nuse_razor2 0\nuse_pyzor 0\n");
    }

    /** Runs {@code spamassassin -t -D dcc} and returns {stdout, stderr}. */
    String[] spamassassin(String message) throws Exception {
        Path in = tmp.resolve("msg.eml");
        Files.writeString(in, message);
        Path out = tmp.resolve("out.txt");
        Path err = tmp.resolve("err.txt");
        ProcessBuilder pb = new ProcessBuilder(spamassassin, "-t", "-x", "-D", "dcc", "--siteconfigpath=" + siteConfig);
        pb.environment().put("HOME", Files.createDirectories(tmp.resolve("home")).toString());
        Process p = pb.redirectInput(in.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("spamassassin did not finish within 60 s");
        }
        return new String[] {Files.readString(out), Files.readString(err)};
    }

    static boolean hitsDccCheck(String report) {
        return Pattern.compile("^\\s*[0-9.]+\\s+DCC_CHECK\\b", Pattern.MULTILINE).matcher(report).find();
    }

    /** The header SpamAssassin's plugin extracted (its debug line), LF-folded like ours. */
    static String headerSpamAssassinRead(String debug) {
        Matcher m = Pattern.compile("dcc: dccifd parsed response: (X-DCC[^\\n]*)").matcher(debug);
        return m.find() ? m.group(1) : null;
    }

    DccResult ours() {
        try (DccClient c = new DccClient(DccSettings.builder().address(sim.tcpAddress()).options("header").timeout(Duration.ofSeconds(5)).build())) {
            return c.check(DccRequest.builder().clientIp("192.0.2.10").clientName("mx.sender.example").helo("mx.sender.example")
                .sender("alice@sender.example").recipient("bob@example.org").build(), out -> out.write(MESSAGE.getBytes(StandardCharsets.UTF_8)));
        }
    }

    @Test
    void bulkCountsHitDccCheckAndBothClientsReadTheSameHeader() throws Exception {
        configure("127.0.0.1:" + sim.tcpPort());
        sim.preload("Hello DCC world, this is the same body for both clients.\n", DccifdSimulator.MANY);
        String[] sa = spamassassin(MESSAGE);
        DccResult our = ours();
        assertThat(our.dccHeader()).contains("bulk Body=many Fuz1=many Fuz2=many");
        assertThat(hitsDccCheck(sa[0])).as("SpamAssassin report:\n%s\n%s", sa[0], sa[1]).isTrue();
        String theirs = headerSpamAssassinRead(sa[1]);
        assertThat(theirs).as("SpamAssassin debug:\n%s", sa[1]).isNotNull();
        assertThat(unfold(theirs)).isEqualTo(unfold(our.dccHeader()));
        assertThat(sa[1]).contains("dcc: listed: BODY=999999/999999 FUZ1=999999/999999 FUZ2=999999/999999");

        // what the simulator read from SpamAssassin: its own request format, parsed as dccifd parses it
        DccifdSimulator.Request q = sim.requests().get(0);
        assertThat(q.options).contains("cksums", "grey-off");
        assertThat(q.clientIp).isEqualTo("192.0.2.10");
        assertThat(q.clientName).isEqualTo("mx.sender.example");
        assertThat(q.recipients).containsExactly("unknown");
        assertThat(q.headers).contains("Subject: dcc cross check");
    }

    @Test
    void lowCountsDoNotHitAndTheHeaderIsStillTheSame() throws Exception {
        configure("127.0.0.1:" + sim.tcpPort());
        String[] sa = spamassassin(MESSAGE);
        DccResult our = ours();
        assertThat(our.outcome()).isEqualTo(DccResult.Outcome.ACCEPT);
        assertThat(hitsDccCheck(sa[0])).as("SpamAssassin report:\n%s", sa[0]).isFalse();
        String theirs = headerSpamAssassinRead(sa[1]);
        assertThat(theirs).as("SpamAssassin debug:\n%s", sa[1]).isNotNull();
        // SpamAssassin reported first (Body=1), ours is the second report of the same body (Body=2)
        assertThat(unfold(theirs)).isEqualTo("X-DCC-SIM-Metrics: sim.dcc.test 1201; Body=1 Fuz1=1 Fuz2=1");
        assertThat(unfold(our.dccHeader())).isEqualTo("X-DCC-SIM-Metrics: sim.dcc.test 1201; Body=2 Fuz1=2 Fuz2=2");
    }

    @Test
    void overTheUnixSocketToo() throws Exception {
        File sock = tmp.resolve("dccifd").toFile();
        try (DccifdSimulator u = new DccifdSimulator().listenUnix(sock)) {
            u.preload("Hello DCC world, this is the same body for both clients.\n", DccifdSimulator.MANY);
            configure(sock.getAbsolutePath());
            String[] sa = spamassassin(MESSAGE);
            assertThat(hitsDccCheck(sa[0])).as("SpamAssassin:\n%s\n%s", sa[0], sa[1]).isTrue();
            assertThat(u.requests()).hasSize(1);
        }
    }

    static String unfold(String h) {
        List<String> parts = new ArrayList<>();
        for (String p : h.strip().split("\\s+")) {
            parts.add(p);
        }
        return String.join(" ", parts);
    }
}
