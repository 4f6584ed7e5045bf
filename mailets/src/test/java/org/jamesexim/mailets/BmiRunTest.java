package org.jamesexim.mailets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

import org.apache.james.core.MailAddress;
import org.apache.james.core.builder.MimeMessageBuilder;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailContext;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.jamesexim.bmi.BmiOptin;
import org.jamesexim.bmi.BmiOutcome;
import org.jamesexim.bmi.BmiRouting;
import org.jamesexim.bmi.testing.RspamdFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** BmiRun and BmiAddHeaders on FakeMail, scanning with a real Rspamd. */
@ExtendWith(RspamdFixture.Extension.class)
class BmiRunTest {

    private static BmiRun mailet(FakeMailContext ctx, String... params) throws MessagingException {
        FakeMailetConfig.Builder c = FakeMailetConfig.builder().mailetName("BmiRun").mailetContext(ctx);
        for (int i = 0; i < params.length; i += 2) {
            c.setProperty(params[i], params[i + 1]);
        }
        BmiRun m = new BmiRun();
        m.init(c.build());
        return m;
    }

    private static FakeMail mail(String body, String... rcpts) throws Exception {
        MimeMessage msg = new MimeMessage(javax.mail.Session.getInstance(new java.util.Properties()),
            new java.io.ByteArrayInputStream(RspamdFixture.message("hello", body)));
        return FakeMail.builder().name("m1").sender("alice@example.com").recipients(rcpts).mimeMessage(msg)
            .remoteAddr("192.0.2.10").remoteHost("mail.example.com")
            .attribute(new Attribute(Mail.SMTP_HELO, AttributeValue.of("mail.example.com"))).build();
    }

    private static FakeMail threeProfiles(String body) throws Exception {
        FakeMail m = mail(body, "plain@example.test", "strict@example.test", "lenient@example.test");
        BmiAttributes.setOptins(m, Map.of("strict@example.test", BmiOptin.parse("strict"), "LENIENT@example.test", BmiOptin.parse("lenient")));
        return m;
    }

    @Test
    void eachRecipientIsRoutedByItsProfilesVerdict(RspamdFixture rspamd) throws Exception {
        FakeMailContext ctx = FakeMailContext.defaultContext();
        BmiRun run = mailet(ctx, "endpoint", rspamd.endpoint(), "rule_ids", "BMI_TEST_MARKER=5");
        FakeMail m = threeProfiles("hi\r\n" + RspamdFixture.MARKER);
        run.service(m);
        run.destroy();

        assertThat(BmiAttributes.verdicts(m).verdicts()).hasSize(3);
        BmiRouting plain = BmiAttributes.routing(m, new MailAddress("plain@example.test"));
        assertThat(plain.deliverAlternate()).isTrue();
        assertThat(plain.altLocation()).isEqualTo("Junk");
        assertThat(BmiAttributes.routing(m, new MailAddress("Strict@Example.test")).dontDeliver()).isTrue();
        assertThat(BmiAttributes.routing(m, new MailAddress("lenient@example.test")).deliverDefault()).isTrue();
        assertThat(BmiAttributes.routing(m, new MailAddress("lenient@example.test")).verdict()).isPresent();
        // mixed verdicts and no processor: nothing is bound, the mail stays, no copies
        assertThat(m.getAttribute(BmiAttributes.BMI_INHERITED_VERDICT)).isEmpty();
        assertThat(m.getState()).isNull();
        assertThat(ctx.getSentMails()).isEmpty();
    }

    @Test
    void withProcessorTheMailIsSplitPerVerdictAndEachCopyInherits(RspamdFixture rspamd) throws Exception {
        FakeMailContext ctx = FakeMailContext.defaultContext();
        BmiRun run = mailet(ctx, "endpoint", rspamd.endpoint(), "processor", "transport");
        FakeMail m = threeProfiles(RspamdFixture.MARKER);
        run.service(m);
        run.destroy();

        assertThat(m.getState()).isEqualTo("transport");
        assertThat(m.getRecipients()).containsExactly(new MailAddress("plain@example.test"));
        assertThat(ctx.getSentMails()).hasSize(2).allSatisfy(s -> assertThat(s.getState()).isEqualTo("transport"));
        MailAddress strict = new MailAddress("strict@example.test");
        FakeMailContext.SentMail strictCopy = ctx.getSentMails().stream()
            .filter(s -> s.getRecipients().contains(strict)).findFirst().orElseThrow();
        assertThat(strictCopy.getRecipients()).hasSize(1);
        // an alias produced later from strict@ inherits strict@'s verdict
        FakeMail alias = FakeMail.builder().name("a").recipients("alias-target@example.test")
            .attributes(strictCopy.getAttributes().values()).build();
        assertThat(BmiAttributes.routing(alias, new MailAddress("alias-target@example.test")).dontDeliver()).isTrue();
        // without inheritance the alias target would be in no verdict
        assertThat(BmiAttributes.verdicts(alias).forAddress("alias-target@example.test")).isEmpty();
        // the original copy inherits plain@'s verdict the same way
        assertThat(BmiAttributes.routing(m, new MailAddress("someone-else@example.test")).deliverAlternate()).isTrue();
    }

    @Test
    void bmiDeliverIsRecordedPerRecipientAndEachCopyHoldsOnlyItsOwn(RspamdFixture rspamd) throws Exception {
        // no processor: one mail, all three recipients, strict@'s "reject" is 0
        FakeMailContext ctx = FakeMailContext.defaultContext();
        BmiRun run = mailet(ctx, "endpoint", rspamd.endpoint());
        FakeMail whole = threeProfiles(RspamdFixture.MARKER);
        run.service(whole);
        assertThat(BmiAttributes.deliver(whole))
            .containsExactly(Map.entry("plain@example.test", 1), Map.entry("strict@example.test", 0), Map.entry("lenient@example.test", 1));
        run.destroy();

        // with processor: each copy tells only its own recipients' value
        FakeMailContext split = FakeMailContext.defaultContext();
        BmiRun splitting = mailet(split, "endpoint", rspamd.endpoint(), "processor", "transport");
        FakeMail m = threeProfiles(RspamdFixture.MARKER);
        splitting.service(m);
        splitting.destroy();
        assertThat(BmiAttributes.deliver(m)).containsExactly(Map.entry("plain@example.test", 1));
        for (FakeMailContext.SentMail copy : split.getSentMails()) {
            FakeMail asMail = FakeMail.builder().name("c").recipients(new java.util.ArrayList<>(copy.getRecipients())).attributes(copy.getAttributes().values()).build();
            String only = copy.getRecipients().iterator().next().asString();
            assertThat(BmiAttributes.deliver(asMail)).containsOnlyKeys(only)
                .containsEntry(only, only.startsWith("strict") ? 0 : 1);
        }
    }

    /**
     * James's RecipientRewriteTable (RecipientRewriteTableProcessor.forwardToRemoteAddress) sends a forward to a
     * remote address as {@code mail.duplicate()} with the remote recipients, through {@code MailetContext.sendMail}:
     * the copy keeps the attributes and starts again in root, where BmiRun sees it a second time.
     */
    @Test
    void aForwardedCopyBackInRootKeepsTheVerdictItInherited(RspamdFixture rspamd) throws Exception {
        FakeMailContext ctx = FakeMailContext.defaultContext();
        BmiRun run = mailet(ctx, "endpoint", rspamd.endpoint(), "processor", "transport");
        FakeMail m = threeProfiles(RspamdFixture.MARKER);
        run.service(m);
        MailAddress strict = new MailAddress("strict@example.test");
        FakeMailContext.SentMail strictCopy = ctx.getSentMails().stream()
            .filter(s -> s.getRecipients().contains(strict)).findFirst().orElseThrow();
        int sentBefore = ctx.getSentMails().size();

        FakeMail plainForward = FakeMail.builder().name("f1").sender("alice@example.com").recipients("outside@remote.example").mimeMessage(m.getMessage())
            .attributes(m.attributes().collect(java.util.stream.Collectors.toList())).build();
        FakeMail strictForward = FakeMail.builder().name("f2").sender("alice@example.com").recipients("outside@remote.example").mimeMessage(m.getMessage())
            .attributes(strictCopy.getAttributes().values()).build();
        run.service(plainForward);
        run.service(strictForward);
        run.destroy();

        MailAddress outside = new MailAddress("outside@remote.example");
        assertThat(BmiAttributes.routing(plainForward, outside).deliverAlternate()).isTrue();
        assertThat(BmiAttributes.deliver(plainForward)).containsExactly(Map.entry("outside@remote.example", 1));
        assertThat(BmiAttributes.routing(strictForward, outside).dontDeliver()).isTrue();
        assertThat(BmiAttributes.deliver(strictForward)).containsExactly(Map.entry("outside@remote.example", 0));
        assertThat(plainForward.getState()).isEqualTo("transport");
        assertThat(ctx.getSentMails()).hasSize(sentBefore);
    }

    /**
     * James's DSNBounce also copies the attributes (MailImpl.duplicateWithoutMessage) and sends the bounce, null
     * sender, to the original sender through root: a bounce is a new message and inherits no verdict.
     */
    @Test
    void aBounceOfAScannedCopyInheritsNoVerdict(RspamdFixture rspamd) throws Exception {
        FakeMailContext ctx = FakeMailContext.defaultContext();
        BmiRun run = mailet(ctx, "endpoint", rspamd.endpoint(), "processor", "transport");
        FakeMail m = mail(RspamdFixture.MARKER, "plain@example.test");
        run.service(m);
        assertThat(BmiAttributes.routing(m, new MailAddress("plain@example.test")).deliverAlternate()).isTrue();

        FakeMail bounce = FakeMail.builder().name("b").sender(org.apache.james.core.MaybeSender.nullSender()).recipients("alice@example.com")
            .mimeMessage(m.getMessage()).attributes(m.attributes().collect(java.util.stream.Collectors.toList())).build();
        run.service(bounce);
        run.destroy();
        MailAddress alice = new MailAddress("alice@example.com");
        assertThat(BmiAttributes.routing(bounce, alice).verdict()).isEmpty();
        assertThat(BmiAttributes.routing(bounce, alice).deliverDefault()).isTrue();
        assertThat(BmiAttributes.deliver(bounce)).containsExactly(Map.entry("alice@example.com", 1));
    }

    @Test
    void cleanMailSingleVerdictIsBound(RspamdFixture rspamd) throws Exception {
        FakeMailContext ctx = FakeMailContext.defaultContext();
        BmiRun run = mailet(ctx, "endpoint", rspamd.endpoint());
        FakeMail m = mail("just a friendly note", "a@example.test", "b@example.test");
        run.service(m);
        run.destroy();
        assertThat(BmiAttributes.verdicts(m).verdicts()).hasSize(1);
        assertThat(BmiAttributes.verdicts(m).verdicts().get(0).outcome()).isEqualTo(BmiOutcome.DELIVER_DEFAULT);
        assertThat(m.getAttribute(BmiAttributes.BMI_INHERITED_VERDICT)).isPresent();
        assertThat(BmiAttributes.routing(m, new MailAddress("child@example.test")).verdict()).isPresent();
    }

    @Test
    void failOpenDeliversNormallyAndRecordsTheError() throws Exception {
        FakeMailContext ctx = FakeMailContext.defaultContext();
        int closed = RspamdFixture.freePort();
        BmiRun run = mailet(ctx, "endpoint", "127.0.0.1 " + closed, "processor", "transport");
        FakeMail m = mail(RspamdFixture.MARKER, "a@example.test", "b@example.test");
        run.service(m);
        run.destroy();
        assertThat(m.getAttribute(BmiAttributes.BMI_VERDICTS)).isEmpty();
        assertThat(m.getAttribute(BmiAttributes.BMI_ERROR)).map(a -> (String) a.getValue().value()).get().asString()
            .contains("127.0.0.1:" + closed);
        assertThat(m.getState()).isEqualTo("transport");
        assertThat(m.getRecipients()).hasSize(2);
        BmiRouting r = BmiAttributes.routing(m, new MailAddress("a@example.test"));
        assertThat(r.deliverDefault()).isTrue();
        assertThat(r.base64Verdict()).isEmpty();
    }

    @Test
    void failClosedRequeuesWithDelayThenGoesToTheErrorProcessor() throws Exception {
        FakeMailContext ctx = FakeMailContext.defaultContext();
        BmiRun run = mailet(ctx, "endpoint", "127.0.0.1 " + RspamdFixture.freePort(), "on_error", "fail_closed",
            "retry_delay", "90s", "retry_max", "2", "error_processor", "bmi-failed");
        FakeMail m = mail("x", "a@example.test");
        run.service(m);
        assertThat(m.getState()).isEqualTo(Mail.GHOST);
        assertThat(ctx.getSentMails()).hasSize(1);
        FakeMailContext.SentMail retry = ctx.getSentMails().get(0);
        assertThat(retry.getState()).isEqualTo(Mail.DEFAULT);
        assertThat(retry.getDelay()).hasValueSatisfying(d -> {
            assertThat(d.getTimeUnit().toSeconds(d.getDuration())).isEqualTo(90);
        });
        assertThat(retry.getRecipients()).containsExactly(new MailAddress("a@example.test"));
        assertThat(retry.getAttributes().get(BmiAttributes.BMI_RETRIES).getValue().value()).isEqualTo(1);

        FakeMail last = mail("x", "a@example.test");
        last.setAttribute(new Attribute(BmiAttributes.BMI_RETRIES, AttributeValue.of(2)));
        run.service(last);
        run.destroy();
        assertThat(last.getState()).isEqualTo("bmi-failed");
        assertThat(last.getErrorMessage()).startsWith("bmi scan failed after 2 retries");
        assertThat(ctx.getSentMails()).hasSize(1);
    }

    @Test
    void badParametersAreRefusedAtInitByName() {
        FakeMailContext ctx = FakeMailContext.defaultContext();
        assertThatThrownBy(() -> mailet(ctx, "endpoint", "nowhere")).hasMessageStartingWith("endpoint: bad value 'nowhere'");
        assertThatThrownBy(() -> mailet(ctx, "timeout", "soon")).hasMessageStartingWith("timeout: bad value 'soon'");
        assertThatThrownBy(() -> mailet(ctx, "connect_timeout", "0s")).hasMessageStartingWith("connect_timeout:");
        assertThatThrownBy(() -> mailet(ctx, "actions", "reject = bounce")).hasMessageStartingWith("actions: bad value");
        assertThatThrownBy(() -> mailet(ctx, "on_error", "maybe")).hasMessageStartingWith("on_error: bad value 'maybe'");
        assertThatThrownBy(() -> mailet(ctx, "rule_ids", "GTUBE")).hasMessageStartingWith("rule_ids:");
        assertThatThrownBy(() -> mailet(ctx, "retry_max", "-1")).hasMessageStartingWith("retry_max:");
        assertThatThrownBy(() -> mailet(ctx, "path", "checkv2")).hasMessageStartingWith("path:");
        assertThatThrownBy(() -> mailet(ctx, "scan_timeout", "0s")).hasMessageStartingWith("scan_timeout:");
        assertThatThrownBy(() -> mailet(ctx, "strip_headers", "X-Ok, Bad:Name")).hasMessageStartingWith("strip_headers:");
    }

    /**
     * A verdict header the sender wrote is removed when the mail arrives, whether the scan works or not and with no
     * BmiAddHeaders anywhere. Before: BmiRun left it, so a configuration without BmiAddHeaders on that path (or a
     * failed scan before it) delivered the sender's own "verdict".
     */
    @Test
    void forgedVerdictHeadersAreRemovedOnArrivalEvenWhenTheScanFails() throws Exception {
        FakeMailContext ctx = FakeMailContext.defaultContext();
        BmiRun run = mailet(ctx, "endpoint", "127.0.0.1 " + RspamdFixture.freePort());
        FakeMail m = mail("x", "a@example.test");
        m.getMessage().addHeader("X-Brightmail-Verdict", "Zm9yZ2Vk");
        m.getMessage().addHeader("X-Brightmail-Tracker", "Zm9yZ2Vk");
        run.service(m);
        run.destroy();
        assertThat(m.getAttribute(BmiAttributes.BMI_ERROR)).isPresent();
        assertThat(m.getMessage().getHeader("X-Brightmail-Verdict")).isNull();
        assertThat(m.getMessage().getHeader("X-Brightmail-Tracker")).isNull();
    }

    @Test
    void headersCarryTheVerdictAndForgedOnesAreRemoved(RspamdFixture rspamd) throws Exception {
        FakeMailContext ctx = FakeMailContext.defaultContext();
        BmiRun run = mailet(ctx, "endpoint", rspamd.endpoint());
        BmiAddHeaders headers = new BmiAddHeaders();
        headers.init(FakeMailetConfig.builder().mailetName("BmiAddHeaders").build());

        FakeMail same = mail(RspamdFixture.MARKER, "a@example.test", "b@example.test");
        same.getMessage().addHeader("X-Brightmail-Verdict", "forged");
        run.service(same);
        headers.service(same);
        String verdict = BmiAttributes.routing(same, new MailAddress("a@example.test")).base64Verdict();
        assertThat(same.getMessage().getHeader("X-Brightmail-Verdict")).containsExactly(BmiAddHeaders.fold(verdict));
        // the header names no recipient (a Bcc recipient must not be told to the others, nor they to it)
        assertThat(new String(java.util.Base64.getMimeDecoder().decode(same.getMessage().getHeader("X-Brightmail-Verdict")[0]),
            java.nio.charset.StandardCharsets.UTF_8)).doesNotContain("a@example.test", "b@example.test", "rcpt");
        assertThat(same.getMessage().getHeader("X-Brightmail-Verdict")[0].split("\r\n")).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(78));
        String tracker = same.getMessage().getHeader("X-Brightmail-Tracker")[0];
        assertThat(new String(java.util.Base64.getMimeDecoder().decode(tracker), java.nio.charset.StandardCharsets.UTF_8)).contains("BMI_TEST_MARKER");

        FakeMail mixed = threeProfiles(RspamdFixture.MARKER);
        run.service(mixed);
        headers.service(mixed);
        run.destroy();
        assertThat(mixed.getMessage().getHeader("X-Brightmail-Verdict")).isNull();
        assertThat(mixed.getPerRecipientSpecificHeaders().getHeadersForRecipient(new MailAddress("strict@example.test")))
            .extracting(h -> h.getName() + ":" + h.getValue())
            .contains("X-Brightmail-Verdict:" + BmiAddHeaders.fold(BmiAttributes.routing(mixed, new MailAddress("strict@example.test")).base64Verdict()));
        assertThat(mixed.getPerRecipientSpecificHeaders().getRecipientsWithSpecificHeaders()).hasSize(3);
    }

    @Test
    void noScanMeansNoHeaders() throws Exception {
        BmiAddHeaders headers = new BmiAddHeaders();
        headers.init(FakeMailetConfig.builder().mailetName("BmiAddHeaders").build());
        FakeMail m = FakeMail.builder().name("n").recipients("a@example.test")
            .mimeMessage(MimeMessageBuilder.mimeMessageBuilder().setSubject("s").setText("t")).build();
        headers.service(m);
        assertThat(m.getMessage().getHeader("X-Brightmail-Verdict")).isNull();
        assertThat(m.getPerRecipientSpecificHeaders().getRecipientsWithSpecificHeaders()).isEmpty();
        assertThat(List.of(BmiAttributes.routing(m, new MailAddress("a@example.test")).deliver())).containsExactly(1);
    }
}
