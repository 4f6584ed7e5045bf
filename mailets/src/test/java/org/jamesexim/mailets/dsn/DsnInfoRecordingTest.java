package org.jamesexim.mailets.dsn;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DsnInfoRecordingTest {
    @Test
    void authArgumentsAndContinuationLinesAreNeverKept() {
        DsnInfoRecording r = new DsnInfoRecording();
        r.command("AUTH PLAIN AGRlbW8Ac2VjcmV0");
        assertThat(r.lastCommand()).isEqualTo("AUTH");
        r.command("c2VjcmV0"); // a SASL continuation line: not a command we keep
        assertThat(r.lastCommand()).isEqualTo("AUTH");
        r.command("MAIL FROM:<a@b> SIZE=10");
        assertThat(r.lastCommand()).isEqualTo("MAIL FROM:<a@b> SIZE=10");
        r.command(".");
        assertThat(r.lastCommand()).isEqualTo("end of data");
    }

    @Test
    void theFirstReplyIsTheGreetingAndTheHeloResponseIsTheLastOne() {
        DsnInfoRecording r = new DsnInfoRecording();
        r.reply("220 mx ESMTP\n");
        r.reply("250-mx hello\n250 STARTTLS\n");
        r.heloResponse("250-mx hello\n250 STARTTLS\n");
        r.reply("220 go ahead\n");
        r.reply("250-mx hello again\n250 8BITMIME\n");
        r.heloResponse("250-mx hello again\n250 8BITMIME\n"); // EHLO after STARTTLS replaces it, as in Exim
        assertThat(r.greeting()).isEqualTo("220 mx ESMTP\n");
        assertThat(r.heloResponse()).isEqualTo("250-mx hello again\n250 8BITMIME\n");
        assertThat(r.lastReply()).isEqualTo("250-mx hello again\n250 8BITMIME\n");
    }
}
