package org.jamesexim.it.bmi;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.james.core.MailAddress;
import org.apache.james.mailrepository.api.MailKey;
import org.apache.james.mailrepository.api.MailRepositoryUrl;
import org.apache.james.utils.DataProbeImpl;
import org.apache.james.utils.MailRepositoryProbeImpl;
import org.jamesexim.bmi.BmiOutcome;
import org.jamesexim.bmi.BmiVerdict;
import org.jamesexim.bmi.testing.RspamdFixture;
import org.apache.mailet.Mail;
import org.jamesexim.it.CaptureSmtpServer;
import org.jamesexim.it.ImapReader;
import org.jamesexim.it.JamesHarness;
import org.jamesexim.it.SmtpClient;
import org.jamesexim.mailets.BmiAttributes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * BMI in a real James 3.8.1 with a real Rspamd: the sample configuration of james-config/ (mailetcontainer.xml with
 * BmiOptinLookup, BmiRun, BmiDontDeliver, BmiAddHeaders, BmiDeliverAlternate/BmiToAltLocation) with only the Rspamd
 * endpoint changed and an opt-in file, mail sent over SMTP and read back over IMAP.
 */
class BmiEndToEndTest {
    static final String OPTINS = "strict@example.test: strict\nlenient@example.test: lenient\nteam@example.test: lenient\n"
        + "fwd@example.test: lenient\n";
    static final MailRepositoryUrl DONT_DELIVER = MailRepositoryUrl.from("memory://var/mail/bmi-dont-deliver/");
    /** Where this test's BmiDeliver=0 (added before the sample's BmiDontDeliver, passThrough) keeps a copy. */
    static final MailRepositoryUrl DELIVER_0 = MailRepositoryUrl.from("memory://var/mail/bmi-deliver-0/");
    static final String DONT_DELIVER_MAILET = "<mailet match=\"org.jamesexim.matchers.BmiDontDeliver\" class=\"ToRepository\">";

    private static RspamdFixture rspamd;
    private static JamesHarness james;
    private static CaptureSmtpServer remote;

    /** The sample mailetcontainer.xml with BmiRun pointed at {@code endpoint} (and optional extra BmiRun parameters). */
    static String sampleMailetContainer(String endpoint, String extraBmiRunParams) throws IOException {
        String xml = Files.readString(JamesHarness.defaultConfigDir().resolve("mailetcontainer.xml"));
        assertThat(xml).contains("<endpoint>127.0.0.1 11333</endpoint>");
        xml = xml.replace("<endpoint>127.0.0.1 11333</endpoint>", "<endpoint>" + endpoint + "</endpoint>" + extraBmiRunParams);
        return xml;
    }

    @BeforeAll
    static void boot() throws Exception {
        rspamd = RspamdFixture.start();
        remote = new CaptureSmtpServer();
        // the sample's relay processor, delivering to this test's SMTP listener instead of the remote domain's MX
        String relay = "<bounceProcessor>bounces</bounceProcessor>";
        String xml = sampleMailetContainer(rspamd.endpoint(), "");
        assertThat(xml).contains(relay);
        assertThat(xml).contains(DONT_DELIVER_MAILET);
        xml = xml.replace(DONT_DELIVER_MAILET, "<mailet match=\"org.jamesexim.matchers.BmiDeliver=0\" class=\"ToRepository\"><repositoryPath>"
            + DELIVER_0.asString() + "</repositoryPath><passThrough>true</passThrough></mailet>" + DONT_DELIVER_MAILET);
        james = JamesHarness.builder()
            .config("mailetcontainer.xml", xml.replace(relay, relay + "<gateway>127.0.0.1</gateway><gatewayPort>" + remote.port() + "</gatewayPort>"))
            .config("bmi_optin.txt", OPTINS)
            .start();
        james.addUser("strict@example.test", "secret");
        james.addUser("lenient@example.test", "secret");
        james.addUser("quiet@example.test", "secret");
        james.server().getProbe(DataProbeImpl.class).addAddressMapping("team", "example.test", JamesHarness.DEMO_USER);
        // fwd@ (lenient profile) forwards to a remote address: James's RecipientRewriteTable sends that as a new mail
        james.server().getProbe(DataProbeImpl.class).addAddressMapping("fwd", "example.test", "outside@remote.example");
    }

    @AfterAll
    static void stop() throws IOException {
        if (james != null) {
            james.close();
        }
        if (remote != null) {
            remote.close();
        }
        if (rspamd != null) {
            rspamd.close();
        }
    }

    /** A message whose To: lists the envelope recipients (else Rspamd adds FORGED_RECIPIENTS and R_UNDISC_RCPT). */
    static String message(List<String> to, String subject, String body) {
        return "From: Alice <alice@example.com>\r\nTo: " + String.join(", ", to) + "\r\nSubject: " + subject + "\r\nDate: "
            + DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now()) + "\r\nMessage-ID: <" + System.nanoTime()
            + "@example.com>\r\n\r\n" + body + "\r\n";
    }

    /** Messages of a folder whose text contains {@code marker}, waiting up to {@code timeout} for at least {@code count}. */
    static List<String> await(JamesHarness james, String user, String password, String folder, String marker, int count, Duration timeout)
        throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<String> found = new ArrayList<>();
            try (ImapReader imap = ImapReader.login("127.0.0.1", james.imapPort(), user, password)) {
                for (String m : imap.messages(folder)) {
                    if (m.contains(marker)) {
                        found.add(m);
                    }
                }
            } catch (IOException folderMissingOrNotYet) {
                // e.g. Junk not created yet: keep waiting
            }
            if (found.size() >= count || System.nanoTime() > deadline) {
                return found;
            }
            Thread.sleep(100);
        }
    }

    /** The X-Brightmail-Verdict of a message (unfolded, header form: no recipients). */
    static BmiVerdict verdictHeader(String message) {
        Matcher m = Pattern.compile("(?m)^X-Brightmail-Verdict: (\\S+(?:\\r?\\n[ \\t]+\\S+)*)").matcher(message);
        assertThat(m.find()).as("X-Brightmail-Verdict in\n" + message).isTrue();
        String base64 = m.group(1).replaceAll("\\s", "");
        assertThat(new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8)).as("the verdict header names no recipient")
            .doesNotContain("@", "rcpt");
        return BmiVerdict.decodeHeader(base64);
    }

    @Test
    void oneMessageThreeProfilesInboxJunkAndNotDelivered() throws Exception {
        String subject = "three-profiles-" + System.nanoTime();
        long keptBefore = james.server().getProbe(MailRepositoryProbeImpl.class).getRepositoryMailCount(DONT_DELIVER);
        SmtpClient.Reply reply = james.send("alice@example.com",
            List.of(JamesHarness.DEMO_USER, "strict@example.test", "lenient@example.test"),
            message(List.of(JamesHarness.DEMO_USER, "strict@example.test", "lenient@example.test"), subject, "Hello all\r\n" + RspamdFixture.MARKER));
        assertThat(reply.code).isEqualTo(250);

        // demo has no profile: default thresholds, "add header" -> alternate location Junk
        List<String> junk = await(james, JamesHarness.DEMO_USER, JamesHarness.DEMO_PASSWORD, "Junk", subject, 1, Duration.ofSeconds(20));
        assertThat(junk).hasSize(1);
        BmiVerdict demo = verdictHeader(junk.get(0));
        assertThat(demo.outcome()).isEqualTo(BmiOutcome.DELIVER_ALTERNATE);
        assertThat(demo.action()).isEqualTo("add header");
        Matcher tracker = Pattern.compile("(?m)^X-Brightmail-Tracker: (\\S+(?:\\r?\\n[ \\t]+\\S+)*)").matcher(junk.get(0));
        assertThat(tracker.find()).isTrue();
        assertThat(new String(Base64.getMimeDecoder().decode(tracker.group(1)), StandardCharsets.UTF_8)).contains("BMI_TEST_MARKER");

        // lenient profile: "no action" -> INBOX, with its own verdict
        List<String> lenientInbox = await(james, "lenient@example.test", "secret", "INBOX", subject, 1, Duration.ofSeconds(20));
        assertThat(lenientInbox).hasSize(1);
        BmiVerdict lenient = verdictHeader(lenientInbox.get(0));
        assertThat(lenient.outcome()).isEqualTo(BmiOutcome.DELIVER_DEFAULT);
        assertThat(lenient.profile()).isEqualTo("lenient");
        assertThat(lenient.rules()).contains("BMI_TEST_MARKER");

        // strict profile: "reject" -> not delivered, kept in the bmi-dont-deliver repository
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (james.server().getProbe(MailRepositoryProbeImpl.class).getRepositoryMailCount(DONT_DELIVER) == keptBefore
            && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(james.server().getProbe(MailRepositoryProbeImpl.class).getRepositoryMailCount(DONT_DELIVER)).isEqualTo(keptBefore + 1);
        // $bmi_deliver: BmiDeliver=0 picked strict@ alone, whose copy records 0 for strict@ and no other recipient
        Mail zero = null;
        MailRepositoryProbeImpl repos = james.server().getProbe(MailRepositoryProbeImpl.class);
        for (MailKey key : repos.listMailKeys(DELIVER_0)) {
            Mail kept = repos.getMail(DELIVER_0, key);
            if (kept.getMessage().getSubject().equals(subject)) {
                zero = kept;
            }
        }
        assertThat(zero).as("the copy BmiDeliver=0 kept").isNotNull();
        assertThat(zero.getRecipients()).extracting(MailAddress::asString).containsExactly("strict@example.test");
        assertThat(BmiAttributes.deliver(zero)).containsExactly(Map.entry("strict@example.test", 0));
        assertThat(await(james, "strict@example.test", "secret", "INBOX", subject, 1, Duration.ofSeconds(1))).isEmpty();
        assertThat(await(james, "strict@example.test", "secret", "Junk", subject, 1, Duration.ofMillis(200))).isEmpty();
        // and demo got it only in Junk, not in the INBOX
        assertThat(await(james, JamesHarness.DEMO_USER, JamesHarness.DEMO_PASSWORD, "INBOX", subject, 1, Duration.ofMillis(200))).isEmpty();
    }

    @Test
    void cleanMessageGoesToInboxWithItsVerdict() throws Exception {
        String subject = "clean-" + System.nanoTime();
        assertThat(james.send("alice@example.com", List.of(JamesHarness.DEMO_USER),
            message(List.of(JamesHarness.DEMO_USER), subject, "Lunch at noon?")).code).isEqualTo(250);
        List<String> inbox = await(james, JamesHarness.DEMO_USER, JamesHarness.DEMO_PASSWORD, "INBOX", subject, 1, Duration.ofSeconds(20));
        assertThat(inbox).hasSize(1);
        BmiVerdict clean = verdictHeader(inbox.get(0));
        assertThat(clean.action()).isEqualTo("no action");
    }

    @Test
    void aliasInheritsTheVerdictOfTheAddressItCameFrom() throws Exception {
        // team@ (lenient profile) is an alias of demo@ (no profile). The same spammy message sent to both:
        // the copy for team@ keeps the lenient verdict after the rewrite to demo@ -> INBOX; demo@'s own -> Junk.
        String subject = "alias-" + System.nanoTime();
        assertThat(james.send("alice@example.com", List.of("team@example.test", JamesHarness.DEMO_USER),
            message(List.of("team@example.test", JamesHarness.DEMO_USER), subject, RspamdFixture.MARKER)).code).isEqualTo(250);
        List<String> inbox = await(james, JamesHarness.DEMO_USER, JamesHarness.DEMO_PASSWORD, "INBOX", subject, 1, Duration.ofSeconds(20));
        List<String> junk = await(james, JamesHarness.DEMO_USER, JamesHarness.DEMO_PASSWORD, "Junk", subject, 1, Duration.ofSeconds(20));
        assertThat(inbox).hasSize(1);
        assertThat(junk).hasSize(1);
        assertThat(verdictHeader(inbox.get(0)).profile()).isEqualTo("lenient");
        assertThat(verdictHeader(junk.get(0)).profile()).isEmpty();
    }

    /**
     * A forward to a remote address: James's RecipientRewriteTable sends it as {@code mail.duplicate()} (attributes
     * kept) to root, where BmiRun sees it again. The relayed copy carries the verdict of fwd@ (lenient profile); without
     * inheritance it would have no verdict and so no X-Brightmail-Verdict header.
     */
    @Test
    void remoteForwardInheritsTheVerdictOfTheAddressItCameFrom() throws Exception {
        String subject = "forward-" + System.nanoTime();
        assertThat(james.send("alice@example.com", List.of("fwd@example.test"),
            message(List.of("fwd@example.test"), subject, RspamdFixture.MARKER)).code).isEqualTo(250);
        CaptureSmtpServer.Received out = remote.await(r -> r.data.contains(subject), Duration.ofSeconds(60));
        assertThat(out.rcptTo).containsExactly("outside@remote.example");
        BmiVerdict forwarded = verdictHeader(out.data);
        assertThat(forwarded.profile()).isEqualTo("lenient");
        assertThat(forwarded.outcome()).isEqualTo(BmiOutcome.DELIVER_DEFAULT);
        assertThat(forwarded.rules()).contains("BMI_TEST_MARKER");
    }

    @Test
    void forgedVerdictHeadersFromTheSenderAreReplaced() throws Exception {
        String subject = "forged-" + System.nanoTime();
        assertThat(james.send("alice@example.com", List.of("lenient@example.test"),
            "X-Brightmail-Verdict: Zm9yZ2Vk\r\n" + message(List.of("lenient@example.test"), subject, "hello")).code).isEqualTo(250);
        List<String> inbox = await(james, "lenient@example.test", "secret", "INBOX", subject, 1, Duration.ofSeconds(20));
        assertThat(inbox).hasSize(1);
        assertThat(inbox.get(0)).doesNotContain("Zm9yZ2Vk");
        assertThat(verdictHeader(inbox.get(0)).profile()).isEqualTo("lenient");
    }

    private static String inboxOrJunk(String user, String password, String subject) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            for (String folder : List.of("INBOX", "Junk")) {
                List<String> found = await(james, user, password, folder, subject, 1, Duration.ZERO);
                if (!found.isEmpty()) {
                    return found.get(0);
                }
            }
            assertThat(System.nanoTime()).as("a copy for " + user).isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    /**
     * Bcc stays blind: one message to demo@ (in To:), a Bcc recipient on another domain (relayed by the sample's
     * relay processor) and a local Bcc recipient, all three in one verdict group. Before: the verdict header (added
     * in transport, before the relay decision) listed every recipient of the group, so the relayed copy named the
     * local Bcc recipient and demo@'s copy named the external one.
     */
    @Test
    void aBccRecipientIsNamedInNoCopy() throws Exception {
        String subject = "bcc-" + System.nanoTime();
        assertThat(james.send("alice@example.com", List.of(JamesHarness.DEMO_USER, "hidden@remote.example", "quiet@example.test"),
            message(List.of(JamesHarness.DEMO_USER), subject, "See you at noon")).code).isEqualTo(250);

        CaptureSmtpServer.Received out = remote.await(r -> r.data.contains(subject), Duration.ofSeconds(60));
        assertThat(out.rcptTo).containsExactly("hidden@remote.example");
        assertThat(out.data).contains("X-Brightmail-Verdict").doesNotContain("quiet@example.test");
        BmiVerdict relayed = verdictHeader(out.data);

        String demo = inboxOrJunk(JamesHarness.DEMO_USER, JamesHarness.DEMO_PASSWORD, subject);
        String quiet = inboxOrJunk("quiet@example.test", "secret", subject);
        for (String local : List.of(demo, quiet)) {
            assertThat(local).doesNotContain("hidden@remote.example");
            assertThat(verdictHeader(local).headerBase64()).isEqualTo(relayed.headerBase64());
        }
        assertThat(demo).doesNotContain("quiet@example.test");
    }
}
