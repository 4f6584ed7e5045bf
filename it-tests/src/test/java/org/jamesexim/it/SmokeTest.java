package org.jamesexim.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The foundation's proof: a real James 3.8.1 booted from james-config/ delivers a mail sent over SMTP to a local
 * mailbox, after our SMTP hook (PackReceivedHook), our matcher (PackHookSeen) and our mailet (AddPackHeader) ran.
 */
class SmokeTest {
    private static JamesHarness james;

    @BeforeAll
    static void boot() {
        james = JamesHarness.builder().start();
    }

    @AfterAll
    static void stop() {
        james.close();
    }

    @Test
    void mailOverSmtpReachesTheMailboxThroughHookMatcherAndMailet() throws Exception {
        SmtpClient.Reply reply = james.send("someone@example.net", List.of(JamesHarness.DEMO_USER),
            "From: someone@example.net\r\nTo: demo@example.test\r\nSubject: smoke\r\n\r\nhello from the smoke test\r\n");
        assertThat(reply.code).isEqualTo(250);

        List<String> inbox = james.awaitMailbox(JamesHarness.DEMO_USER, JamesHarness.DEMO_PASSWORD, 1, Duration.ofSeconds(20));
        String message = inbox.get(0);
        // the hook stored the EHLO name, the matcher matched on it, the mailet wrote it
        assertThat(message).contains("X-Jexim-Received: helo=client.example.net");
        assertThat(message).contains("Subject: smoke").contains("hello from the smoke test");
    }

    @Test
    void unknownLocalUserIsRefusedAtRcptAndNothingIsQueued() throws Exception {
        SmtpClient.Reply reply = james.send("someone@example.net", List.of("nobody@example.test"),
            "Subject: lost-for-nobody\r\n\r\nfor nobody\r\n");
        assertThat(reply.code).isEqualTo(550);
        assertThat(james.awaitMailbox(JamesHarness.DEMO_USER, JamesHarness.DEMO_PASSWORD, 0, Duration.ofSeconds(1)))
            .noneMatch(m -> m.contains("lost-for-nobody"));
    }

    @Test
    void listenersAreOnFreePortsNotTheSampleOnes() {
        assertThat(List.of(james.smtpPort(), james.imapPort(), james.webAdminPort()))
            .doesNotContain(2525, 1143, 8000)
            .allSatisfy(p -> assertThat(p).isPositive());
    }
}
