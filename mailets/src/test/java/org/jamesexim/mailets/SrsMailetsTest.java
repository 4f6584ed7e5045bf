package org.jamesexim.mailets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;

import javax.mail.MessagingException;

import org.apache.james.core.Domain;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.server.core.MailImpl;
import org.apache.mailet.Mail;
import org.apache.mailet.MailetContext;
import org.apache.mailet.base.test.FakeMailContext;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.jamesexim.srs.SrsConfig;
import org.jamesexim.srs.SrsEngine;
import org.junit.jupiter.api.Test;

class SrsMailetsTest {
    static final String SECRET = "tops3cr3t";
    final FakeMailContext fake = FakeMailContext.builder().postmaster(address("postmaster@example.test")).build();
    /** The fake context, with example.test as our (local) domain. */
    final MailetContext context = (MailetContext) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {MailetContext.class},
        (proxy, method, args) -> {
            if (method.getName().equals("isLocalServer")) {
                return ((Domain) args[0]).asString().equalsIgnoreCase("example.test");
            }
            return method.invoke(fake, args);
        });

    static MailAddress address(String a) {
        try {
            return new MailAddress(a);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    static Mail mail(String sender, String... recipients) throws MessagingException {
        MailImpl.Builder b = MailImpl.builder().name("m" + System.nanoTime());
        if (sender == null) {
            b.sender(MaybeSender.nullSender());
        } else {
            b.sender(sender);
        }
        for (String r : recipients) {
            b.addRecipient(r);
        }
        javax.mail.internet.MimeMessage msg = new javax.mail.internet.MimeMessage(javax.mail.Session.getInstance(new java.util.Properties()));
        msg.setSubject("t");
        msg.setText("body");
        return b.mimeMessage(msg).build();
    }

    SrsForward forward(String... params) throws MessagingException {
        FakeMailetConfig.Builder c = FakeMailetConfig.builder().mailetName("SrsForward").mailetContext(context);
        for (int i = 0; i < params.length; i += 2) {
            c.setProperty(params[i], params[i + 1]);
        }
        SrsForward m = new SrsForward();
        m.init(c.build());
        return m;
    }

    SrsReverse reverse(String... params) throws MessagingException {
        FakeMailetConfig.Builder c = FakeMailetConfig.builder().mailetName("SrsReverse").mailetContext(context);
        for (int i = 0; i < params.length; i += 2) {
            c.setProperty(params[i], params[i + 1]);
        }
        SrsReverse m = new SrsReverse();
        m.init(c.build());
        return m;
    }

    @Test
    void forwardRewritesRemoteSendersIntoThePostmasterDomain() throws Exception {
        Mail m = mail("alice@origin.example", "friend@remote.example");
        forward("secrets", SECRET, "hashlength", "4").service(m);
        String s = m.getMaybeSender().asString();
        assertThat(s).matches("SRS0=[A-Za-z0-9+/]{4}=[A-Z2-7]{2}=origin\\.example=alice@example\\.test");
        assertThat(m.getAttribute(SrsForward.SRS_ORIG_SENDER).map(a -> (Object) a.getValue().value())).contains("alice@origin.example");
        // the engine agrees it is a valid address for the original sender
        SrsEngine e = new SrsEngine(SrsConfig.builder().secrets(SECRET).hashLength(4).build());
        assertThat(e.reverse(s).recipient()).contains("alice@origin.example");
    }

    @Test
    void forwardLeavesNullAndLocalSendersAloneUnlessAlwaysRewrite() throws Exception {
        Mail bounce = mail(null, "friend@remote.example");
        forward("secrets", SECRET).service(bounce);
        assertThat(bounce.hasSender()).isFalse();
        Mail local = mail("demo@example.test", "friend@remote.example");
        forward("secrets", SECRET, "alias", "fwd.example.net").service(local);
        assertThat(local.getMaybeSender().asString()).isEqualTo("demo@example.test");
        forward("secrets", SECRET, "alias", "fwd.example.net", "alwaysRewrite", "true").service(local);
        assertThat(local.getMaybeSender().asString()).startsWith("SRS0=").endsWith("=example.test=demo@fwd.example.net");
    }

    @Test
    void forwardLeavesTooLongSendersUnrewritten() throws Exception {
        String longSender = "a-very-long-local-part-of-fifty-characters-exactly@origin.example";
        Mail m = mail(longSender, "friend@remote.example");
        forward("secrets", SECRET).service(m);
        assertThat(m.getMaybeSender().asString()).isEqualTo(longSender);
        assertThat(m.getAttribute(SrsForward.SRS_ORIG_SENDER)).isEmpty();
    }

    @Test
    void badParametersFailInitNamingThem() {
        assertThatThrownBy(() -> forward()).hasMessageContaining("secrets");
        assertThatThrownBy(() -> forward("secrets", SECRET, "hashlength", "six")).hasMessageContaining("hashlength");
        assertThatThrownBy(() -> forward("secrets", SECRET, "separator", "/")).hasMessageContaining("separator");
        assertThatThrownBy(() -> forward("secrets", SECRET, "alias", "not a domain")).hasMessageContaining("alias");
        assertThatThrownBy(() -> forward("secrets", SECRET, "dbinsert", "INSERT")).hasMessageContaining("dburl");
        assertThatThrownBy(() -> forward("srs_config", "s3cret:x")).hasMessageContaining("maxage").satisfies(t -> assertThat(t.getMessage()).doesNotContain("s3cret"));
        assertThatThrownBy(() -> reverse("secrets", SECRET, "reverseandforward", "maybe")).hasMessageContaining("reverseandforward");
    }

    @Test
    void reverseSendsAValidBounceBackAndKeepsTheOthers() throws Exception {
        Mail fwd = mail("alice@origin.example", "friend@remote.example");
        forward("secrets", SECRET).service(fwd);
        String srs = fwd.getMaybeSender().asString();
        Mail bounce = mail(null, srs, "demo@example.test");
        reverse("secrets", SECRET).service(bounce);
        assertThat(fake.getSentMails()).hasSize(1);
        FakeMailContext.SentMail sent = fake.getSentMails().get(0);
        assertThat(sent.getRecipients()).containsExactly(address("alice@origin.example"));
        assertThat(sent.getAttributes().get(SrsReverse.SRS_STATUS).getValue().value()).isEqualTo("valid");
        assertThat(sent.getAttributes().get(SrsReverse.SRS_ORIG_RECIPIENT).getValue().value()).isEqualTo(srs);
        assertThat(sent.getAttributes().get(SrsReverse.SRS_RECIPIENT).getValue().value()).isEqualTo("alice@origin.example");
        assertThat(bounce.getRecipients()).containsExactly(address("demo@example.test"));
        assertThat(bounce.getState()).isNotEqualTo(Mail.GHOST);
    }

    @Test
    void reverseRefusesForgedAndIgnoresForeignDomains() throws Exception {
        String forged = "SRS0=AAAA=NR=origin.example=alice@example.test";
        Mail bounce = mail(null, forged);
        reverse("secrets", SECRET, "hashlength", "4").service(bounce);
        assertThat(fake.getSentMails()).isEmpty();
        assertThat(bounce.getRecipients()).containsExactly(address(forged));
        assertThat(bounce.getAttribute(SrsReverse.SRS_STATUS).map(a -> (Object) a.getValue().value())).contains("bad hash");
        // a valid SRS address, but of a domain that is not ours: not touched
        String valid = new SrsEngine(SrsConfig.builder().secrets(SECRET).build()).forward("alice@origin.example", "other.example").address();
        Mail other = mail(null, valid);
        reverse("secrets", SECRET).service(other);
        assertThat(fake.getSentMails()).isEmpty();
        assertThat(other.getAttribute(SrsReverse.SRS_STATUS)).isEmpty();
    }

    @Test
    void reverseAndForwardRewritesANonNullSender() throws Exception {
        String srs = new SrsEngine(SrsConfig.builder().secrets(SECRET).build()).forward("alice@origin.example", "example.test").address();
        Mail reply = mail("robot@remote.example", srs);
        reverse("secrets", SECRET, "reverseandforward", "true").service(reply);
        FakeMailContext.SentMail sent = fake.getSentMails().get(0);
        assertThat(sent.getRecipients()).containsExactly(address("alice@origin.example"));
        assertThat(sent.getSender().asString()).startsWith("SRS0=").endsWith("=remote.example=robot@example.test");
        assertThat(reply.getState()).isEqualTo(Mail.GHOST);
    }

    @Test
    void bouncesOnlyLeavesMailWithASenderAlone() throws Exception {
        String srs = new SrsEngine(SrsConfig.builder().secrets(SECRET).build()).forward("alice@origin.example", "example.test").address();
        Mail reply = mail("robot@remote.example", srs);
        reverse("secrets", SECRET, "bouncesOnly", "true").service(reply);
        assertThat(fake.getSentMails()).isEmpty();
        assertThat(reply.getRecipients()).containsExactly(address(srs));
        Mail bounce = mail(null, srs);
        reverse("secrets", SECRET, "bouncesOnly", "true").service(bounce);
        assertThat(fake.getSentMails()).hasSize(1);
    }

    @Test
    void databaseModeThroughTheMailetParameters() throws Exception {
        String url = "jdbc:h2:mem:srsglue" + System.nanoTime() + ";DB_CLOSE_DELAY=-1";
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(url); java.sql.Statement st = c.createStatement()) {
            st.execute(org.jamesexim.srs.JdbcSrsDatabase.DEFAULT_CREATE);
        }
        String sender = "a.very.long.local.part.that.will.never.fit.into.sixty.four.octets@origin.example";
        Mail m = mail(sender, "friend@remote.example");
        forward("secrets", SECRET, "dburl", url, "dbmode", "toolong").service(m);
        String srs = m.getMaybeSender().asString();
        assertThat(srs).matches("SRS0=[A-Za-z0-9+/]{6}=[A-Z2-7]{2}=[A-Za-z0-9+/]{16}@example\\.test");
        assertThat(m.getAttribute(SrsForward.SRS_DB_ADDRESS).map(a -> (Object) a.getValue().value())).contains(sender);
        Mail bounce = mail(null, srs);
        reverse("secrets", SECRET, "dburl", url).service(bounce);
        FakeMailContext.SentMail sent = fake.getSentMails().get(0);
        assertThat(sent.getRecipients()).containsExactly(address(sender));
        assertThat(sent.getAttributes().get(SrsReverse.SRS_DB_KEY).getValue().value()).isEqualTo(srs.substring(srs.lastIndexOf('=') + 1, srs.indexOf('@')));
        // a database that is not there: the sender stays as it was, nothing is thrown
        Mail down = mail("bob@origin.example", "friend@remote.example");
        forward("secrets", SECRET, "dburl", "jdbc:h2:mem:nosuchtable" + System.nanoTime(), "dbtimeout", "2").service(down);
        assertThat(down.getMaybeSender().asString()).isEqualTo("bob@origin.example");
        assertThatThrownBy(() -> forward("secrets", SECRET, "dburl", url, "dbdriver", "org.example.NoSuchDriver"))
            .hasMessageContaining("dbdriver");
    }

    @Test
    void secretsFileHoldsTheSecretsOneALineAndItsTextNeverShowsInErrors(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path file = dir.resolve("srs-secrets");
        java.nio.file.Files.writeString(file, "# rotate: the first line signs\n" + SECRET + "\n\nold-one\n");
        Mail fromFile = mail("alice@origin.example", "friend@remote.example");
        forward("secretsFile", file.toString(), "alias", "example.test").service(fromFile);
        Mail inline = mail("alice@origin.example", "friend@remote.example");
        forward("secrets", SECRET + ":old-one", "alias", "example.test").service(inline);
        assertThat(fromFile.getMaybeSender().asString()).startsWith("SRS0=").isEqualTo(inline.getMaybeSender().asString());

        assertThatThrownBy(() -> forward("secrets", SECRET, "secretsFile", file.toString())).hasMessageContaining("both set");
        java.nio.file.Path empty = java.nio.file.Files.writeString(dir.resolve("empty"), "# nothing yet\n");
        assertThatThrownBy(() -> forward("secretsFile", empty.toString())).hasMessageContaining("holds no secret");
        assertThatThrownBy(() -> forward("secretsFile", dir.resolve("missing").toString())).hasMessageContaining("cannot read")
            .hasMessageNotContaining(SECRET);
        // without James's FileSystem (as here) a file:// URL cannot be resolved: said so at init
        assertThatThrownBy(() -> reverse("secretsFile", "file://conf/srs-secrets")).hasMessageContaining("FileSystem");
    }
}
