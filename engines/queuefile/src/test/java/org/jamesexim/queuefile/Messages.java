package org.jamesexim.queuefile;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Set;

/** Test messages. */
final class Messages {
    private Messages() {
    }

    static byte[] raw(String subject, String body) {
        String m = "Received: from client.example ([192.0.2.10])\r\n\tby james.example.test with SMTP;\r\n\tWed, 25 Nov 2026 17:50:33 +0000\r\n"
                + "From: Alice <alice@sender.example>\r\n"
                + "To: bob@test.example, carol@test.example\r\n"
                + "Subject: " + subject + "\r\n"
                + "Message-ID: <" + Math.abs(subject.hashCode()) + "@sender.example>\r\n"
                + "MIME-Version: 1.0\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\n"
                + "\r\n"
                + body;
        return m.getBytes(StandardCharsets.UTF_8);
    }

    static SpoolEnvelope envelope() {
        return SpoolEnvelope.builder()
                .name("Mail1732-abc")
                .sender("alice@sender.example")
                .addRecipient(new SpoolRecipient("bob@test.example", Set.of("SUCCESS", "FAILURE"), "rfc822;bob@orig.example", null))
                .addRecipient("carol@test.example")
                .state("root")
                .errorMessage("none yet")
                .remoteAddr("192.0.2.10")
                .remoteHost("client.example")
                .heloName("client.example")
                .authUser("alice")
                .receivedTime(Instant.parse("2026-11-25T17:50:33.896036Z"))
                .dsnEnvid("env-123")
                .dsnRet("HDRS")
                .addPerRecipientHeader("bob@test.example", new SpoolHeader("X-For-Bob", "yes"))
                .attribute("jexim.acl_m_scan", "{\"serializer\":\"StringSerializer\",\"value\":\"clean\"}")
                .attribute("org.example.count", "{\"serializer\":\"IntSerializer\",\"value\":42}")
                .unrepresentedAttribute("org.example.opaque")
                .build();
    }
}
