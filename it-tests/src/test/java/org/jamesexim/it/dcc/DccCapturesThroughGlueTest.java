package org.jamesexim.it.dcc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import javax.mail.Session;
import javax.mail.internet.AddressException;
import javax.mail.internet.MimeMessage;

import org.apache.commons.configuration2.BaseConfiguration;
import org.apache.james.core.MailAddress;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailContext;
import org.apache.mailet.base.test.FakeMatcherConfig;
import org.jamesexim.dcc.DccSettings;
import org.jamesexim.dcc.sim.DccCaptures;
import org.jamesexim.dcc.sim.DccifdReplay;
import org.jamesexim.mailets.DccService;
import org.jamesexim.matchers.Dcc;
import org.jamesexim.smtp.DccHook;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every reply recorded from a real dccifd 2.3.167 ({@code shared/vectors/dcc-real/}) replayed to the pack's client and
 * glue: {@link DccService} sends the mail of the capture (its sender, recipients, client IP and name, HELO and
 * message) to a replay fake that answers the recorded bytes, {@link DccHook} (defer_ok false, mode per_recipient)
 * answers the SMTP client and leaves on the mail the recipients to deliver to, and the {@link Dcc} matcher, asked
 * afresh, names the recipients not to deliver to ({@code Dcc=discard}) and Exim's overall {@code Dcc=fail}.
 *
 * <p>The expected outcomes come from dccifd(8)'s rule applied to each recorded reply by hand: under an overall
 * {@code A} the recipients marked {@code R} are not delivered (x), the others are (d); {@code R} rejects (550),
 * {@code G} greylists (451 g), {@code T} or no reply defers (451 t) for all (-). For the requests the pack itself sent
 * ({@code dcc-check}), the envelope lines the glue sends must equal the recorded ones.</p>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DccCapturesThroughGlueTest {
    DccifdReplay replay;
    Map<String, DccCaptures.Case> cases = new HashMap<>();
    Map<String, DccService> services = new HashMap<>();

    @BeforeAll
    void load() throws Exception {
        replay = new DccifdReplay();
        for (DccCaptures.Case c : DccCaptures.all()) {
            cases.put(c.name, c);
        }
    }

    @AfterAll
    void stop() throws Exception {
        replay.close();
    }

    DccService service(String options) {
        String o;
        try {
            o = DccSettings.checkOptions(options.trim());
        } catch (IllegalArgumentException e) {
            o = "header"; // body, grey_off: the pack refuses them at configuration time; the reply is replayed all the same
        }
        String opts = o;
        return services.computeIfAbsent(opts, k -> {
            Properties p = new Properties();
            p.setProperty("dccifd_address", replay.address());
            p.setProperty("dccifd_options", k);
            p.setProperty("dccifd_timeout", "5s");
            return new DccService(p);
        });
    }

    @ParameterizedTest(name = "{0}: {1} {2}")
    @CsvSource({
        "plain-u,250,d", "plain-sa-u,250,d", "plain-sa-t,250,d", "crlf-u,250,d", "query-u,250,d",
        "black-u,550,-", "black-sa-u,550,-", "white-u,250,d", "white-sa-u,250,d", "white-rcpt-u,250,d",
        "multi-u,250,ddd", "multi-discard-u,250,xdx", "multi-white-u,250,dd", "bulk-count-u,550,----------",
        "bulk-sa-u,550,-", "noreject-u,250,x", "cksums-u,250,d", "longhdr-u,250,d", "longhdr-sa-u,250,d",
        "override-base-u,250,d", "override-u,250,d", "local-u,250,d", "nullsender-u,250,d", "short-u,250,d",
        "short-sa-u,250,d", "norcpt-u,250,.", "raw-badopt-u,451t,-", "raw-emptyopts-u,250,d", "raw-body-u,250,d",
        "raw-body-crlf-u,250,d", "raw-body-oldhdr-u,250,d", "raw-header-oldhdr-u,250,d", "raw-nullrcpt-u,250,d",
        "raw-bracketvip-u,250,d", "raw-truncated-u,451t,-", "raw-noshut-u,250,d", "raw-client0-u,250,d",
        "raw-crlfenv-u,250,d", "raw-upper-u,250,d", "grey-first-u,451g,-", "grey-multi-first-u,451g,--",
        "grey-off-u,250,d", "grey-sa-u,250,d", "grey-black-u,550,-", "grey-white-u,250,d", "grey-query-u,451g,-",
        "grey-after-u,250,d", "grey-multi-after-u,250,dd", "grey-newrcpt-u,451g,--", "dead-u,250,d",
        "dead-black-u,550,-", "dead-white-u,250,d", "dead-sa-u,250,d", "deadx-u,451t,-", "deadx-sa-u,451t,-",
        "deadgrey-u,250,d", "fold-black-u,550,-", "fold-plain-u,250,d", "fold-bulk-u,550,----------",
        "forced-reject-u,550,---", "ipv6-u,250,d"})
    void everyCaptureGivesItsOutcomePerRecipient(String name, String smtp, String perRecipient) throws Exception {
        DccCaptures.Case c = cases.get(name);
        assertThat(c).as("case %s in index.json", name).isNotNull();
        String expected = perRecipient.equals(".") ? "" : perRecipient;
        assertThat(expected).hasSize(c.recipients().size());
        replay.answer(c.reply);
        DccService dcc = service(c.requestLine(1));

        // the SMTP hook
        FakeMail mail = mailOf(c);
        List<MailAddress> recipients = new ArrayList<>(mail.getRecipients());
        DccHook hook = new DccHook(dcc);
        hook.init(new BaseConfiguration());
        int before = replay.requests().size();
        HookResult r = hook.onMessage(session(c), mail);
        assertThat(replay.requests()).hasSize(before + 1);
        if (c.sentByThePack()) {
            String sent = new String(replay.requests().get(before), StandardCharsets.ISO_8859_1);
            String envelope = c.requestText().substring(0, c.requestText().indexOf("\n\n", c.requestText().indexOf('\n')) + 2);
            assertThat(sent).as("%s: the envelope lines the glue sends", name).startsWith(envelope);
        }
        String code = r.getSmtpRetCode() == null ? "250" : r.getSmtpRetCode();
        String kind = code + (code.equals("451") ? (r.getSmtpDescription().contains("Greylisted") ? "g" : "t") : "");
        assertThat(kind).as("%s: SMTP answer (%s)", name, r.getSmtpDescription()).isEqualTo(smtp);
        List<MailAddress> delivered = new ArrayList<>();
        List<MailAddress> notDelivered = new ArrayList<>();
        for (int i = 0; i < recipients.size(); i++) {
            (expected.charAt(i) == 'd' ? delivered : notDelivered).add(recipients.get(i));
        }
        if (smtp.equals("250")) {
            // the mail goes on (or, with nobody left, is accepted and dropped) with exactly the recipients to deliver to
            assertThat(mail.getRecipients()).as("%s: recipients left on the mail", name).containsExactlyElementsOf(delivered);
        }

        // the matcher, asking afresh: who is not to be delivered to, and Exim's overall fail
        assertThat(matcher("discard").match(mailOf(c))).as("%s: Dcc=discard", name)
            .containsExactlyElementsOf(smtp.equals("550") || smtp.equals("451g") ? recipients : smtp.equals("451t") ? List.of() : notDelivered);
        assertThat(matcher("fail").match(mailOf(c))).as("%s: Dcc=fail (Exim)", name)
            .containsExactlyElementsOf(smtp.equals("550") || smtp.equals("451g") ? recipients : List.of());

        // Exim's overall mode: the per-recipient line is ignored
        DccHook exim = new DccHook(dcc);
        BaseConfiguration overall = new BaseConfiguration();
        overall.addProperty("mode", "overall");
        exim.init(overall);
        FakeMail eximMail = mailOf(c);
        HookResult e = exim.onMessage(session(c), eximMail);
        assertThat(e.getSmtpRetCode() == null ? "250" : e.getSmtpRetCode()).isEqualTo(code);
        if (smtp.equals("250")) {
            assertThat(eximMail.getRecipients()).containsExactlyElementsOf(recipients);
            // the recorded line lets Dcc=discard route what Exim's hook let through
            assertThat(matcher("discard").match(eximMail)).containsExactlyElementsOf(notDelivered);
        }
    }

    Dcc matcher(String condition) throws Exception {
        Dcc m = new Dcc(service("header"));
        m.init(FakeMatcherConfig.builder().matcherName("Dcc").condition(condition).mailetContext(FakeMailContext.defaultContext()).build());
        return m;
    }

    static FakeMail mailOf(DccCaptures.Case c) throws Exception {
        FakeMail.Builder b = FakeMail.builder().name(c.name);
        String sender = c.requestLine(4);
        if (!sender.isEmpty() && !sender.equals("<>")) {
            b.sender(new MailAddress(sender));
        }
        List<MailAddress> rcpts = new ArrayList<>();
        int i = 0;
        for (String r : c.recipients()) {
            i++;
            String a = r.startsWith("<") && r.endsWith(">") ? r.substring(1, r.length() - 1) : r;
            try {
                rcpts.add(new MailAddress(a));
            } catch (AddressException e) {
                rcpts.add(new MailAddress("rcpt" + i + "@example.test")); // SpamAssassin's "unknown", <>: not addresses James can hold
            }
        }
        b.recipients(rcpts);
        b.mimeMessage(new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(c.message())));
        String[] client = client(c);
        b.remoteAddr(client[0]);
        if (client[1] != null) {
            b.remoteHost(client[1]);
        }
        return b.build();
    }

    /** The client IP and name of the capture's line 2 (127.0.0.1 for an empty line or 0.0.0.0). */
    static String[] client(DccCaptures.Case c) {
        String line = c.requestLine(2);
        int cr = line.indexOf('\r');
        String ip = cr < 0 ? line : line.substring(0, cr);
        String name = cr < 0 ? null : line.substring(cr + 1);
        if (ip.isEmpty() || ip.equals("0.0.0.0")) {
            ip = "127.0.0.1";
        }
        return new String[] {ip, name};
    }

    /** An SMTP session that knows only the client's address (and name) and its HELO. */
    static SMTPSession session(DccCaptures.Case c) throws Exception {
        String[] client = client(c);
        InetAddress ip = InetAddress.getByName(client[0]);
        InetSocketAddress remote = new InetSocketAddress(client[1] == null ? ip : InetAddress.getByAddress(client[1], ip.getAddress()), 25);
        String helo = c.requestLine(3);
        // not smtp-hooks' TestSessions: its test jar carries a logging stand-in that must not reach a real James
        return (SMTPSession) java.lang.reflect.Proxy.newProxyInstance(SMTPSession.class.getClassLoader(), new Class<?>[] {SMTPSession.class},
            (p, m, a) -> {
                switch (m.getName()) {
                    case "getRemoteAddress":
                        return remote;
                    case "getAttachment":
                        return java.util.Optional.of(helo);
                    case "getUsername": // an SMTP client of the outside: not authenticated, not allowed to relay (skip)
                        return null;
                    case "isRelayingAllowed":
                        return false;
                    case "toString":
                        return "session of " + c.name;
                    default:
                        throw new UnsupportedOperationException(m.getName());
                }
            });
    }
}
