package org.jamesexim.queuefile;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real Exim 4.96 (Debian) reads the pairs we write, and we read the pairs it writes. */
class EximInteropTest {
    private static final String NODE = "node-1";
    EximFixture exim;

    @TempDir
    Path tmp;

    @BeforeEach
    void start() throws Exception {
        exim = new EximFixture();
    }

    @AfterEach
    void stop() throws Exception {
        exim.close();
    }

    @Test
    void eximListsShowsAndDeliversAPairWeWrote() throws Exception {
        SpoolEnvelope env = SpoolEnvelope.builder()
                .sender("frank@test.example")
                .addRecipient(new SpoolRecipient("bob@test.example", Set.of("FAILURE"), "rfc822;bob@orig.example", null))
                .addRecipient("carol@test.example")
                .remoteAddr("192.0.2.10").heloName("client.example").authUser("frank")
                .receivedTime(Instant.now())
                .dsnEnvid("env-jexim-1").dsnRet("HDRS")
                .attribute("jexim.acl_m_scan", "{\"serializer\":\"StringSerializer\",\"value\":\"clean\"}")
                .build();
        byte[] raw = ("From: Frank <frank@test.example>\r\nTo: bob@test.example, carol@test.example\r\nSubject: from James\r\n"
                + "Message-ID: <jexim-1@test.example>\r\nDate: Wed, 25 Nov 2026 17:50:33 +0000\r\n\r\n"
                + "first body line\r\n.dot line\r\nlast body line\r\n").getBytes(StandardCharsets.UTF_8);
        SpoolDirectory sd = SpoolDirectory.open(exim.input, SpoolFormat.EXIM);
        String id = sd.write(new SpooledMessage(null, env, raw));
        exim.handOver(exim.input.resolve(id + "-H"));
        exim.handOver(exim.input.resolve(id + "-D"));
        EximHeaderFile h = sd.readEximHeader(id);
        long bodyBytes = Files.size(exim.input.resolve(id + "-D")) - (id.length() + 3);

        EximFixture.Run bp = exim.exim(null, "-bp");
        assertThat(bp.exit).as(bp.toString()).isZero();
        assertThat(bp.out).as(bp.toString()).contains(id).contains("<frank@test.example>")
                .contains("bob@test.example").contains("carol@test.example").doesNotContain("spool read error").doesNotContain("format error");
        long expectedSize = h.eximListedSize(bodyBytes);
        assertThat(bp.out).as(bp.toString()).containsPattern("\\s" + expectedSize + " " + id.replace("-", "\\-"));

        EximFixture.Run mvh = exim.exim(null, "-Mvh", id);
        assertThat(mvh.exit).as(mvh.toString()).isZero();
        assertThat(mvh.out).contains("<frank@test.example>").contains("bob@test.example rfc822;bob@orig.example 23,8  0,-1#3")
                .contains("carol@test.example").contains("-aclm _scan 5").contains("Subject: from James").contains("--auth_id frank");
        EximFixture.Run mvb = exim.exim(null, "-Mvb", id);
        assertThat(mvb.out).as(mvb.toString()).contains("first body line\n.dot line\nlast body line\n");

        EximFixture.Run deliver = exim.exim(null, "-M", id);
        assertThat(deliver.exit).as(deliver + "\n" + exim.mainlog()).isZero();
        String bob = Files.readString(exim.mail.resolve("bob"), StandardCharsets.ISO_8859_1);
        String carol = Files.readString(exim.mail.resolve("carol"), StandardCharsets.ISO_8859_1);
        for (String box : List.of(bob, carol)) {
            assertThat(box).contains("Return-path: <frank@test.example>").contains("Subject: from James")
                    .contains("\nfirst body line\n.dot line\nlast body line\n");
        }
        assertThat(exim.mainlog()).contains(id + " => bob <bob@test.example>").contains(id + " => carol <carol@test.example>")
                .contains(id + " Completed");
    }

    @Test
    void aPairEximWroteIsRequeuedWithItsEnvelope() throws Exception {
        String smtp = "EHLO client.example\r\n"
                + "MAIL FROM:<alice@sender.example> ENVID=env-123 RET=HDRS\r\n"
                + "RCPT TO:<bob@test.example> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;bob@orig.example\r\n"
                + "RCPT TO:<carol@test.example>\r\n"
                + "DATA\r\n"
                + "From: Alice <alice@sender.example>\r\nTo: bob@test.example, carol@test.example\r\nSubject: from Exim\r\n"
                + "Message-ID: <t1@sender.example>\r\n\r\nbody one\r\n..dot-stuffed line\r\nbody three\r\n.\r\nQUIT\r\n";
        String id = exim.queueOverSmtp(smtp);
        // the hand-off Exim's queuefile transport does (link mode): both files appear in the incoming directory
        Path incoming = Files.createDirectories(tmp.resolve("incoming"));
        Files.copy(exim.input.resolve(id + "-D"), incoming.resolve(id + "-D"));
        Files.copy(exim.input.resolve(id + "-H"), incoming.resolve(id + "-H"));

        RequeuerTest.ListSink sink = new RequeuerTest.ListSink();
        // the envelope Exim wrote (client address, ACL variables) is believed only in a directory the operator trusts
        Requeuer.Result res = Requeuer.create(incoming, NODE, SpoolFormat.EXIM, sink, RequeueSettings.builder().trustEnvelope(true).build()).runOnce();
        assertThat(res.requeued()).as(res.toString()).containsExactly(id);
        SpooledMessage m = sink.held.get("queuefile-" + id);
        SpoolEnvelope e = m.envelope();
        assertThat(e.sender()).isEqualTo("alice@sender.example");
        assertThat(e.recipients()).containsExactly(
                new SpoolRecipient("bob@test.example", Set.of("SUCCESS", "FAILURE"), "rfc822;bob@orig.example", null),
                SpoolRecipient.of("carol@test.example"));
        assertThat(e.heloName()).isEqualTo("client.example");
        assertThat(e.remoteAddr()).isEqualTo("192.0.2.10");
        assertThat(e.remotePort()).isEqualTo(42424);
        assertThat(e.dsnEnvid()).isEqualTo("env-123");
        assertThat(e.dsnRet()).isEqualTo("HDRS");
        assertThat(e.attributes()).containsEntry("jexim.acl_m_scan", "{\"serializer\":\"StringSerializer\",\"value\":\"clean\"}");
        String content = new String(m.content(), StandardCharsets.ISO_8859_1);
        assertThat(content).startsWith("Received: from [192.0.2.10] (helo=client.example ident=root)\r\n\tby mx.test.example with esmtp")
                .contains("\r\nSubject: from Exim\r\n")
                .endsWith("\r\n\r\nbody one\r\n.dot-stuffed line\r\nbody three\r\n");
        assertThat(content.replace("\r\n", "")).doesNotContain("\n");
    }

    @Test
    void aMessageEximFrozeIsHeldUntilEximThawsItThenRequeuedOnce() throws Exception {
        byte[] msg = "Subject: frozen\n\nhold me\n".getBytes(StandardCharsets.US_ASCII);
        EximFixture.Run bm = exim.exim(msg, "-odq", "-f", "frank@test.example", "-bm", "dave@test.example");
        assertThat(bm.exit).as(bm.toString()).isZero();
        String id = exim.queuedId();
        EximFixture.Run freeze = exim.exim(null, "-Mf", id);
        assertThat(freeze.exit).as(freeze.toString()).isZero();
        assertThat(Files.readString(exim.input.resolve(id + "-H"), StandardCharsets.ISO_8859_1)).contains("\n-frozen ");
        Path incoming = Files.createDirectories(tmp.resolve("incoming"));
        Files.copy(exim.input.resolve(id + "-D"), incoming.resolve(id + "-D"));
        Files.copy(exim.input.resolve(id + "-H"), incoming.resolve(id + "-H"));

        RequeuerTest.ListSink sink = new RequeuerTest.ListSink();
        Requeuer r = Requeuer.create(incoming, NODE, SpoolFormat.EXIM, sink, RequeueSettings.builder().build());
        Requeuer.Result first = r.runOnce();
        assertThat(first.requeued()).as(first.toString()).isEmpty();
        assertThat(first.failed()).as(first.toString()).isEmpty();
        assertThat(first.waiting()).as(first.toString()).containsOnlyKeys(id);
        assertThat(first.waiting().get(id)).contains("-frozen");
        assertThat(incoming.resolve(id + "-H")).exists();
        assertThat(incoming.resolve(id + "-D")).exists();
        Requeuer.Result second = r.runOnce();
        assertThat(second.requeued()).as(second.toString()).isEmpty();
        assertThat(second.waiting()).as("a hold is reported once").isEmpty();
        assertThat(sink.enqueued).isEmpty();

        EximFixture.Run thaw = exim.exim(null, "-Mt", id);
        assertThat(thaw.exit).as(thaw.toString()).isZero();
        String thawed = Files.readString(exim.input.resolve(id + "-H"), StandardCharsets.ISO_8859_1);
        assertThat(thawed).doesNotContain("\n-frozen ").contains("\n-manual_thaw\n");
        Files.copy(exim.input.resolve(id + "-H"), incoming.resolve(id + "-H"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Requeuer.Result third = r.runOnce();
        assertThat(third.requeued()).as(third.toString()).containsExactly(id);
        assertThat(r.runOnce().requeued()).isEmpty();
        assertThat(sink.enqueued).containsExactly("queuefile-" + id);
        assertThat(new String(sink.held.get("queuefile-" + id).content(), StandardCharsets.ISO_8859_1)).endsWith("\r\n\r\nhold me\r\n");
    }

    @Test
    void aPairWeRewroteFromEximIsStillEximsMessage() throws Exception {
        byte[] msg = "Subject: rewrite\n\nhello\n".getBytes(StandardCharsets.US_ASCII);
        EximFixture.Run bm = exim.exim(msg, "-odq", "-f", "frank@test.example", "-bm", "dave@test.example", "erin@test.example");
        assertThat(bm.exit).as(bm.toString()).isZero();
        String id = exim.queuedId();
        byte[] original = Files.readAllBytes(exim.input.resolve(id + "-H"));
        EximHeaderFile h = EximHeaderFile.parse(original, id);
        assertThat(h.toBytes()).isEqualTo(original);
        assertThat(h.sender()).isEqualTo("frank@test.example");
        assertThat(h.recipients()).extracting(EximHeaderFile.Recipient::address).containsExactly("dave@test.example", "erin@test.example");
    }
}
