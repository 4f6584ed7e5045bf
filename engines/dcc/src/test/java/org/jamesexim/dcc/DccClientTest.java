package org.jamesexim.dcc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.jamesexim.dcc.DccResult.Outcome;
import org.jamesexim.dcc.sim.DccifdSimulator;
import org.jamesexim.dcc.sim.DccifdSimulator.Fault;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The client against the dccifd simulator, over both socket kinds. */
class DccClientTest {
    static final String MESSAGE = "From: Alice <alice@sender.example>\r\nTo: bob@example.org\r\nSubject: dcc test\r\n"
        + "Message-ID: <t1@sender.example>\r\n\r\nHello DCC world, a test message.\r\n.leading dot line\r\n";

    @TempDir
    Path tmp;
    DccifdSimulator sim;
    DccClient client;

    @BeforeEach
    void start() throws IOException {
        sim = new DccifdSimulator().listenTcp();
    }

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        sim.close();
    }

    DccClient tcpClient(String options, Duration timeout) {
        client = new DccClient(DccSettings.builder().address(sim.tcpAddress()).options(options).timeout(timeout).build());
        return client;
    }

    DccClient tcpClient() {
        return tcpClient("header", Duration.ofSeconds(5));
    }

    static DccRequest request() {
        return DccRequest.builder().clientIp("192.0.2.10").clientName("mx.sender.example").helo("mx.sender.example")
            .sender("alice@sender.example").recipient("bob@example.org").recipient("carol@example.org").build();
    }

    static DccClient.MessageSource text(String s) {
        return out -> out.write(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void sendsTheRequestBytesDccifdReads() {
        DccResult r = tcpClient().check(request(), text(MESSAGE));
        assertThat(r.outcome()).isEqualTo(Outcome.ACCEPT);
        DccifdSimulator.Request q = sim.lastRequest();
        assertThat(q.rawText()).isEqualTo("header\n192.0.2.10\rmx.sender.example\nmx.sender.example\nalice@sender.example\n"
            + "bob@example.org\ncarol@example.org\n\n" + MESSAGE);
        assertThat(q.clientIp).isEqualTo("192.0.2.10");
        assertThat(q.clientName).isEqualTo("mx.sender.example");
        assertThat(q.helo).isEqualTo("mx.sender.example");
        assertThat(q.recipients).containsExactly("bob@example.org", "carol@example.org");
        assertThat(q.messageLength).isEqualTo(MESSAGE.length());
    }

    @Test
    void nullSenderLocalSubmissionAndOptionsVerbatim() {
        DccRequest req = DccRequest.builder().helo("client.example").sender(null).recipient("bob@example.org").build();
        tcpClient("header grey-off", Duration.ofSeconds(5)).check(req, text(MESSAGE));
        assertThat(sim.lastRequest().rawText()).startsWith("header grey-off\n127.0.0.1\nclient.example\n<>\nbob@example.org\n\n");
        assertThat(sim.lastRequest().options).containsExactly("header", "grey-off");
        assertThat(sim.lastRequest().sender).isEqualTo("<>");
    }

    @Test
    void overrideIpIsSentOnLine2AndBadOverridesAreRefused() {
        DccRequest req = DccRequest.builder().clientIp("198.51.100.7").helo("h").sender("a@b.example").recipient("c@d.example").build();
        tcpClient().check(req, text(MESSAGE));
        assertThat(sim.lastRequest().clientLine).isEqualTo("198.51.100.7");
        assertThat(DccRequest.builder().clientIp("[2001:db8::1]").build().clientIp()).isEqualTo("2001:db8::1");
        // RFC 5952, as the dcc-check CLI and other clients send it (dcc-real ipv6-u), whatever form Java gives
        assertThat(DccRequest.builder().clientIp("2001:db8:0:0:0:0:0:25").build().clientIp()).isEqualTo("2001:db8::25");
        assertThat(DccRequest.builder().clientIp("2001:DB8:0:0:1:0:0:1").build().clientIp()).isEqualTo("2001:db8::1:0:0:1");
        assertThat(DccRequest.builder().clientIp("::1").build().clientIp()).isEqualTo("::1");
        assertThat(DccRequest.builder().clientIp("fe80:0:0:0:0:0:0:0").build().clientIp()).isEqualTo("fe80::");
        assertThatThrownBy(() -> DccRequest.builder().clientIp("198.51.100.7\nx")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DccRequest.builder().clientIp("mx.example.org")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DccRequest.builder().clientIp("256.1.1.1")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void lineBreaksInsideFieldsCannotInjectLines() {
        DccRequest req = DccRequest.builder().clientIp("192.0.2.1").helo("evil\nrcpt@x\n").sender("a@b.example\r\n")
            .recipient("c@d.example").build();
        tcpClient().check(req, text(MESSAGE));
        DccifdSimulator.Request q = sim.lastRequest();
        assertThat(q.helo).isEqualTo("evil rcpt@x ");
        assertThat(q.recipients).containsExactly("c@d.example");
        assertThatThrownBy(() -> DccRequest.builder().recipient(" ")).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @CsvSource({"A,ACCEPT,A", "S,ACCEPT,A", "R,FAIL,R", "G,FAIL,G", "T,DEFER,T", "X,DEFER,T"})
    void resultMappingAsExim(char reply, Outcome outcome, String dccResult) {
        sim.force(reply);
        DccResult r = tcpClient().check(request(), text(MESSAGE));
        assertThat(r.outcome()).isEqualTo(outcome);
        assertThat(r.dccResult()).isEqualTo(dccResult);
        assertThat(r.reply()).isEqualTo(reply);
        if (reply == 'X') {
            assertThat(r.detail()).isEqualTo("unknown DCC response: 'X'");
        }
        if (reply == 'R') {
            assertThat(r.detail()).isEqualTo("rejected by DCC");
            assertThat(r.recipientResults()).isEqualTo("RR");
        }
    }

    @Test
    void deferOkTurnsEveryDeferIntoFailAndLeavesTheRest() throws IOException {
        sim.force('T');
        DccResult t = tcpClient().check(request(), text(MESSAGE));
        assertThat(t.outcome(true)).isEqualTo(Outcome.FAIL);
        assertThat(t.outcome(false)).isEqualTo(Outcome.DEFER);
        sim.force('R');
        assertThat(client.check(request(), text(MESSAGE)).outcome(true)).isEqualTo(Outcome.FAIL);
        sim.force('A');
        assertThat(client.check(request(), text(MESSAGE)).outcome(true)).isEqualTo(Outcome.ACCEPT);
        sim.force(null).fault(Fault.CLOSE);
        DccResult closed = client.check(request(), text(MESSAGE));
        assertThat(closed.outcome(true)).isEqualTo(Outcome.FAIL);
        assertThat(closed.dccResult()).isEmpty();
        assertThat(closed.detail()).isEqualTo("dccifd closed the connection without a reply");
    }

    @Test
    void refusedConnectionDefersFast() throws IOException {
        int port;
        try (java.net.ServerSocket ss = new java.net.ServerSocket(0)) {
            port = ss.getLocalPort();
        }
        try (DccClient c = new DccClient(DccSettings.builder().address("127.0.0.1 " + port).build())) {
            long t0 = System.nanoTime();
            DccResult r = c.check(request(), text(MESSAGE));
            assertThat(r.outcome()).isEqualTo(Outcome.DEFER);
            assertThat(r.dccResult()).isEmpty();
            assertThat(r.detail()).startsWith("cannot connect to dccifd at 127.0.0.1:" + port);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(2));
        }
    }

    @Test
    void missingSocketFileAndUnresolvableHostDefer() {
        try (DccClient c = new DccClient(DccSettings.builder().address(tmp.resolve("nothing").toString()).build())) {
            DccResult r = c.check(request(), text(MESSAGE));
            assertThat(r.outcome()).isEqualTo(Outcome.DEFER);
            assertThat(r.detail()).contains("does not exist");
        }
        try (DccClient c = new DccClient(DccSettings.builder().address("no-such-host.invalid 10045").build())) {
            assertThat(c.check(request(), text(MESSAGE)).outcome()).isEqualTo(Outcome.DEFER);
        }
        assertThatThrownBy(() -> DccSettings.builder().address("127.0.0.1")).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("dccifd_address");
    }

    @Test
    void dccHeaderIsTheHeaderPlusLfAndLongFoldedHeadersStayWhole() {
        DccResult r = tcpClient().check(request(), text(MESSAGE));
        // two recipients: the count grows by two (dccifd counts per recipient)
        assertThat(r.dccHeader()).isEqualTo("X-DCC-SIM-Metrics: sim.dcc.test 1201; Body=2 Fuz1=2 Fuz2=2\n");
        assertThat(r.headerName()).isEqualTo("X-DCC-SIM-Metrics");
        assertThat(r.headerValue()).isEqualTo("sim.dcc.test 1201; Body=2 Fuz1=2 Fuz2=2");
        String folded = "X-DCC-EATSPAM-Metrics: a-very-long-client-host-name.mail-relay.example.org 1201; bulk Body=many Fuz1=many\n"
            + "\tFuz2=many rep=97%";
        sim.headerText(folded);
        DccResult f = client.check(request(), text(MESSAGE));
        assertThat(folded.length()).isGreaterThan(120);
        assertThat(f.dccHeader()).isEqualTo(folded + "\n");
        assertThat(f.headerValue()).endsWith("Fuz1=many\r\n\tFuz2=many rep=97%");
        sim.headerText("Something-Else: x");
        assertThat(client.check(request(), text(MESSAGE)).dccHeader()).isEmpty();
    }

    @Test
    void bulkCountsGrowWithReportsAndReachTheRejectThreshold() {
        // counts grow by one per recipient (dcc-real multi-u: a new body to three recipients shows Body=3)
        sim.rejectAt(5);
        tcpClient();
        assertThat(client.check(request(), text(MESSAGE)).dccHeader()).contains("; Body=2 Fuz1=2 Fuz2=2");
        assertThat(client.check(request(), text(MESSAGE)).outcome()).isEqualTo(Outcome.ACCEPT);
        DccResult third = client.check(request(), text(MESSAGE));
        assertThat(third.outcome()).isEqualTo(Outcome.FAIL);
        assertThat(third.dccResult()).isEqualTo("R");
        assertThat(third.recipientResults()).isEqualTo("RR");
        assertThat(third.dccHeader()).contains("; bulk Body=6 Fuz1=6 Fuz2=6");
    }

    @Test
    void greylistFirstTryThenAccepted() {
        sim.greylist(true, Duration.ZERO);
        DccResult first = tcpClient().check(request(), text(MESSAGE));
        assertThat(first.dccResult()).isEqualTo("G");
        assertThat(first.outcome()).isEqualTo(Outcome.FAIL);
        assertThat(first.recipientResults()).isEqualTo("GG");
        DccResult retry = client.check(request(), text(MESSAGE));
        assertThat(retry.dccResult()).isEqualTo("A");
        assertThat(retry.recipientResults()).isEqualTo("AA");
    }

    /** The real shape (dcc-real multi-discard-u): mixed per-recipient answers come under an overall A. */
    @Test
    void perRecipientAnswersFollowRequestOrder() {
        sim.blacklistSender("alice@sender.example").whitelistRecipient("bob@example.org");
        DccResult r = tcpClient().check(request(), text(MESSAGE));
        assertThat(r.dccResult()).isEqualTo("A");
        assertThat(r.outcome()).isEqualTo(Outcome.ACCEPT);
        assertThat(r.recipientResults()).isEqualTo("AR");
        DccDecision d = DccDecision.of(r, 2, DccDecision.Mode.PER_RECIPIENT, false);
        assertThat(d.recipients()).containsExactly(DccDecision.Action.DELIVER, DccDecision.Action.DISCARD);
        assertThat(DccDecision.of(r, 2, DccDecision.Mode.OVERALL, false).deliversToAll()).isTrue();
    }

    @Test
    void cksumsGivesHeaderAndChecksumTable() {
        DccResult r = tcpClient("cksums", Duration.ofSeconds(5)).check(request(), text(MESSAGE));
        assertThat(r.dccHeader()).startsWith("X-DCC-SIM-Metrics:");
        assertThat(r.checksums()).startsWith("                            reported: 2               checksum  server\n");
        assertThat(r.checksums()).contains("\n                     Body: ");
    }

    @Test
    void noHeaderOptionNoHeader() {
        DccResult r = tcpClient("query", Duration.ofSeconds(5)).check(request(), text(MESSAGE));
        assertThat(r.outcome()).isEqualTo(Outcome.ACCEPT);
        assertThat(r.dccHeader()).isEmpty();
    }

    @Test
    void replySplitAcrossWritesParsesTheSame() {
        sim.fault(Fault.SPLIT, Duration.ofMillis(800));
        DccResult r = tcpClient().check(request(), text(MESSAGE));
        assertThat(r.dccResult()).isEqualTo("A");
        assertThat(r.recipientResults()).isEqualTo("AA");
        assertThat(r.dccHeader()).startsWith("X-DCC-SIM-Metrics:");
    }

    @Test
    void garbageDefersWithUnknownResponse() {
        sim.fault(Fault.GARBAGE);
        DccResult r = tcpClient().check(request(), text(MESSAGE));
        assertThat(r.outcome()).isEqualTo(Outcome.DEFER);
        assertThat(r.dccResult()).isEqualTo("T");
        assertThat(r.detail()).isEqualTo("unknown DCC response: 'HELLO garbage'");
    }

    @Test
    void slowDccifdDefersWithinTheTimeout() {
        sim.fault(Fault.SLOW, Duration.ofSeconds(4));
        long t0 = System.nanoTime();
        DccResult r = tcpClient("header", Duration.ofMillis(600)).check(request(), text(MESSAGE));
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        assertThat(r.outcome()).isEqualTo(Outcome.DEFER);
        assertThat(r.outcome(true)).isEqualTo(Outcome.FAIL);
        assertThat(r.detail()).contains("600 ms");
        assertThat(took).isBetween(Duration.ofMillis(550), Duration.ofMillis(2500));
    }

    /** A real dccifd answers in 0.4 s with a live server (dcc-real); the one deadline must leave room for it. */
    @Test
    void aRealLatencyFitsTheDeadlineAndASmallerDeadlineDefers() {
        sim.latency(DccifdSimulator.REAL_LATENCY);
        long t0 = System.nanoTime();
        DccResult r = tcpClient("header", Duration.ofSeconds(1)).check(request(), text(MESSAGE));
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        assertThat(r.outcome()).isEqualTo(Outcome.ACCEPT);
        assertThat(took).isBetween(Duration.ofMillis(390), Duration.ofMillis(1000));
        client.close();
        t0 = System.nanoTime();
        DccResult late = tcpClient("header", Duration.ofMillis(250)).check(request(), text(MESSAGE));
        took = Duration.ofNanos(System.nanoTime() - t0);
        assertThat(late.outcome()).isEqualTo(Outcome.DEFER);
        assertThat(late.detail()).contains("250 ms");
        assertThat(took).isLessThan(Duration.ofMillis(390));
        assertThat(DccSettings.DEFAULT_TIMEOUT).isGreaterThan(DccifdSimulator.REAL_LATENCY.multipliedBy(10));
    }

    @Test
    void aPeerThatStopsReadingCannotHangTheWriter() {
        sim.fault(Fault.STALL, Duration.ofSeconds(10));
        long t0 = System.nanoTime();
        DccResult r = tcpClient("header", Duration.ofMillis(800)).check(request(), generated(64L << 20));
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        assertThat(r.outcome()).isEqualTo(Outcome.DEFER);
        assertThat(r.detail()).contains("timed out after 800 ms");
        assertThat(took).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void unixSocketWorksLikeTcp() throws IOException {
        File sock = tmp.resolve("dccifd").toFile();
        try (DccifdSimulator u = new DccifdSimulator().listenUnix(sock).force('G');
             DccClient c = new DccClient(DccSettings.builder().address(sock.getAbsolutePath()).build())) {
            DccResult r = c.check(request(), text(MESSAGE));
            assertThat(r.dccResult()).isEqualTo("G");
            assertThat(r.recipientResults()).isEqualTo("GG");
            assertThat(u.lastRequest().rawText()).startsWith("header\n192.0.2.10\rmx.sender.example\n");
        }
    }

    @Test
    void hugeMessageIsStreamedWholeWithASmallHeap() throws Exception {
        long size = 256L << 20; // 256 MiB through a 96 MiB heap (surefire argLine)
        DccClient.MessageSource source = generated(size);
        DccResult r = tcpClient("header", Duration.ofSeconds(60)).check(request(), source);
        assertThat(r.outcome()).isEqualTo(Outcome.ACCEPT);
        DccifdSimulator.Request q = sim.lastRequest();
        assertThat(q.messageLength).isEqualTo(size);
        assertThat(q.messageSha256).isEqualTo(sha256Of(generated(size)));
    }

    @Test
    void manyThreadsShareOneClient() throws Exception {
        tcpClient();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        List<Future<DccResult>> fs = new ArrayList<>();
        for (int i = 0; i < 320; i++) {
            int n = i;
            fs.add(pool.submit(() -> client.check(DccRequest.builder().clientIp("192.0.2." + (n % 250 + 1)).helo("h")
                .sender("s" + n + "@x.example").recipient("r@y.example").build(), text(MESSAGE + n))));
        }
        for (Future<DccResult> f : fs) {
            assertThat(f.get(30, TimeUnit.SECONDS).outcome()).isEqualTo(Outcome.ACCEPT);
        }
        pool.shutdown();
        assertThat(sim.requests()).hasSize(320);
        assertThat(sim.connections()).isEqualTo(320);
    }

    @Test
    void optionsAreCheckedAtConfigurationTime() {
        assertThat(DccSettings.checkOptions("Header GREY-OFF  log")).isEqualTo("Header GREY-OFF  log");
        assertThatThrownBy(() -> DccSettings.checkOptions("header grey_off")).hasMessageContaining("'grey_off'");
        assertThatThrownBy(() -> DccSettings.checkOptions("body")).hasMessageContaining("'body' is not supported");
        assertThatThrownBy(() -> DccSettings.checkOptions("header\nx")).hasMessageContaining("one line");
    }

    @Test
    void simulatorClosesWithoutReplyOnWhatDccifdRefuses() throws IOException {
        // written by hand, since the client never sends these
        for (String bad : new String[] {"header grey_off\n1.2.3.4\nh\ns\nr\n\nX: y\n\nb\n", "header\n1.2.3.4\nh\n"}) {
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", sim.tcpPort())) {
                s.getOutputStream().write(bad.getBytes(StandardCharsets.US_ASCII));
                s.shutdownOutput();
                assertThat(s.getInputStream().readAllBytes()).isEmpty();
            }
        }
        assertThat(sim.requests()).extracting(q -> q.closedBecause)
            .containsExactly("unrecognized option value: \"grey_off\"", "truncated request");
    }

    /** A message of {@code size} bytes made on the fly: never held in memory. */
    static DccClient.MessageSource generated(long size) {
        return out -> {
            byte[] head = "Subject: big\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
            out.write(head);
            byte[] line = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefghijklmnopq\r\n"
                .getBytes(StandardCharsets.US_ASCII);
            long left = size - head.length;
            byte[] block = new byte[64 * 1024];
            for (int i = 0; i < block.length; i++) {
                block[i] = line[i % line.length];
            }
            while (left > 0) {
                int n = (int) Math.min(block.length, left);
                out.write(block, 0, n);
                left -= n;
            }
        };
    }

    static String sha256Of(DccClient.MessageSource source) throws Exception {
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        source.writeTo(new OutputStream() {
            @Override
            public void write(int b) {
                d.update((byte) b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                d.update(b, off, len);
            }
        });
        StringBuilder sb = new StringBuilder();
        for (byte x : d.digest()) {
            sb.append(String.format("%02x", x));
        }
        return sb.toString();
    }

    static String read(Path p) throws IOException {
        return Files.readString(p);
    }
}
