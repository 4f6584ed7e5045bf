package org.jamesexim.queuefile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

class EximHeaderFileTest {
    /** The -H Debian's Exim 4.96 wrote (shared/docs/queuefile-spool.md, section 2). */
    static final String REAL_H = "1xWH8b-00051i-2t-H\n"
            + "root 0 0\n"
            + "<alice@sender.example>\n"
            + "1795629033 0\n"
            + "-received_time_usec .896036\n"
            + "-received_time_complete 1795629033.940437\n"
            + "--helo_name client.example\n"
            + "--host_address [192.0.2.10]:42424\n"
            + "--interface_address [127.0.0.1]:12625\n"
            + "-ident root\n"
            + "-received_protocol esmtp\n"
            + "-aclm _scan 5\n"
            + "clean\n"
            + "-body_linecount 3\n"
            + "-max_received_linelength 40\n"
            + "-deliver_firsttime\n"
            + "-tls_resumption A\n"
            + "-dsn_envid env-123\n"
            + "-dsn_ret 2\n"
            + "XX\n"
            + "2\n"
            + "bob@test.example rfc822;bob@orig.example 23,12  0,-1#3\n"
            + "carol@test.example\n"
            + "\n"
            + "199P Received: from [192.0.2.10] (helo=client.example ident=root)\n"
            + "\tby mx.test.example with esmtp (Exim 4.96)\n"
            + "\t(envelope-from <alice@sender.example>)\n"
            + "\tid 1xWH8b-00051i-2t;\n"
            + "\tWed, 25 Nov 2026 17:50:33 +0000\n"
            + "035F From: Alice <alice@sender.example>\n"
            + "041T To: bob@test.example, carol@test.example\n"
            + "020  Subject: spool test\n"
            + "032I Message-ID: <t1@sender.example>\n";

    @Test
    void parsesTheRealDebianFileAndWritesItBackByteForByte() throws Exception {
        byte[] bytes = REAL_H.getBytes(StandardCharsets.ISO_8859_1);
        EximHeaderFile h = EximHeaderFile.parse(bytes, "1xWH8b-00051i-2t");

        assertThat(h.id()).isEqualTo("1xWH8b-00051i-2t");
        assertThat(h.login()).isEqualTo("root");
        assertThat(h.sender()).isEqualTo("alice@sender.example");
        assertThat(h.receivedTime()).isEqualTo(1795629033L);
        assertThat(h.recipients()).hasSize(2);
        EximHeaderFile.Recipient bob = h.recipients().get(0);
        assertThat(bob.address()).isEqualTo("bob@test.example");
        assertThat(bob.orcpt()).isEqualTo("rfc822;bob@orig.example");
        assertThat(bob.dsnFlags()).isEqualTo(12);
        assertThat(bob.errorsTo()).isNull();
        assertThat(bob.pno()).isEqualTo(-1);
        assertThat(h.recipients().get(1).address()).isEqualTo("carol@test.example");
        assertThat(h.option("dsn_envid").value()).isEqualTo("env-123");
        assertThat(h.option("dsn_ret").value()).isEqualTo("2");
        assertThat(h.option("helo_name").tainted()).isTrue();
        assertThat(h.option("ident").tainted()).isFalse();
        EximHeaderFile.Option acl = h.option("aclm");
        assertThat(acl.aclName()).isEqualTo("_scan");
        assertThat(acl.aclValue()).isEqualTo("clean");
        assertThat(h.headers()).extracting(EximHeaderFile.Header::flag).containsExactly('P', 'F', 'T', ' ', 'I');
        assertThat(h.headers().get(0).text()).hasSize(199).endsWith("+0000\n");
        assertThat(h.toBytes()).isEqualTo(bytes);
    }

    @Test
    void theIdEncodesSecondsPidAndFraction() {
        assertThat(EximMessageIds.decode62("1xWH8b")).isEqualTo(1795629033L);
        assertThat(EximMessageIds.decode62("00051i")).isEqualTo(19326L);
        assertThat(EximMessageIds.decode62("2t")).isEqualTo(179L);
        assertThat(EximMessageIds.base62(1795629033L, 6)).isEqualTo("1xWH8b");
    }

    @Test
    void headerLengthIsCountedInBytesAndGrowsToFourDigits() throws Exception {
        String cafe = EximHeaderFile.bytes("Subject: café\n");
        String longText = "X-Long: " + "a".repeat(1039) + "\n";
        EximHeaderFile h = new EximHeaderFile("1xWH8b-00051i-2t", "root", 0, 0, "a@b", 1, 0, List.of(), List.of(),
                List.of(EximHeaderFile.Recipient.of("c@d", null, 0, null)),
                List.of(new EximHeaderFile.Header(' ', cafe), new EximHeaderFile.Header(' ', longText)));
        String out = new String(h.toBytes(), StandardCharsets.ISO_8859_1);
        assertThat(out).contains("015  Subject: caf").contains("1048  X-Long: aaa");
        assertThat(EximHeaderFile.parse(h.toBytes(), null).headers().get(1).text()).isEqualTo(longText);
    }

    @Test
    void aWrongHeaderLengthIsAFormatError() {
        String bad = REAL_H.replace("020  Subject", "021  Subject");
        assertThatThrownBy(() -> EximHeaderFile.parse(bad.getBytes(StandardCharsets.ISO_8859_1), "1xWH8b-00051i-2t"))
                .isInstanceOf(SpoolFormatException.class).hasMessageContaining("header length 21");
    }

    @Test
    void errorsToLengthsAreValidatedNotSilentlyMisread() throws Exception {
        String ok = REAL_H.replace("carol@test.example\n\n", "erin@test.example  0,0 frank@test.example 18,-1#3\n\n");
        EximHeaderFile h = EximHeaderFile.parse(ok.getBytes(StandardCharsets.ISO_8859_1), null);
        assertThat(h.recipients().get(1).address()).isEqualTo("erin@test.example");
        assertThat(h.recipients().get(1).errorsTo()).isEqualTo("frank@test.example");
        assertThat(h.toBytes()).isEqualTo(ok.getBytes(StandardCharsets.ISO_8859_1));

        String bad = REAL_H.replace("carol@test.example\n\n", "erin@test.example  0,0 frank@test.example 17,-1#3\n\n");
        assertThatThrownBy(() -> EximHeaderFile.parse(bad.getBytes(StandardCharsets.ISO_8859_1), null))
                .isInstanceOf(SpoolFormatException.class).hasMessageContaining("errors_to length 17");
    }

    @Test
    void truncatedFilesAndWrongIdsAreRefused() {
        byte[] all = REAL_H.getBytes(StandardCharsets.ISO_8859_1);
        for (int cut : new int[] {5, 40, 300, 420}) {
            byte[] part = java.util.Arrays.copyOf(all, cut);
            assertThatThrownBy(() -> EximHeaderFile.parse(part, null)).isInstanceOf(SpoolFormatException.class);
        }
        assertThatThrownBy(() -> EximHeaderFile.parse(all, "1xWH8b-00051i-2u"))
                .isInstanceOf(SpoolFormatException.class).hasMessageContaining("id line names 1xWH8b-00051i-2t");
    }

    @Test
    void nonRecipientTreeIsReadInPreorder() throws Exception {
        String withTree = REAL_H.replace("XX\n2\n", "YY bob@test.example\nNN aaa@test.example\nNN zed@test.example\n2\n");
        EximHeaderFile h = EximHeaderFile.parse(withTree.getBytes(StandardCharsets.ISO_8859_1), null);
        assertThat(h.nonRecipients()).containsExactly("bob@test.example", "aaa@test.example", "zed@test.example");
        assertThat(EximSpoolCodec.pendingRecipients(h)).extracting(EximHeaderFile.Recipient::address).containsExactly("carol@test.example");
        assertThat(h.toBytes()).isEqualTo(withTree.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void generatedIdsAreWellFormedAndUnique() {
        EximMessageIds shortIds = new EximMessageIds(EximMessageIds.Length.SHORT);
        EximMessageIds longIds = new EximMessageIds(EximMessageIds.Length.LONG);
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i < 5000; i++) {
            String s = shortIds.next();
            assertThat(s).matches("[0-9A-Za-z]{6}-[0-9A-Za-z]{6}-[0-9A-Za-z]{2}");
            assertThat(seen.add(s)).isTrue();
        }
        assertThat(longIds.next()).matches("[0-9A-Za-z]{6}-[0-9A-Za-z]{11}-[0-9A-Za-z]{4}");
        assertThat(EximMessageIds.isValid("../../etc/passwd")).isFalse();
    }
}
