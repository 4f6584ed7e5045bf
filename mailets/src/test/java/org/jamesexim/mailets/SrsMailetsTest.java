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
    /** Generated for each run, as a server's own secret would be (published examples are refused at init). */
    static final String SECRET = fresh();
    static final String OLD = fresh();

    static String fresh() {
        byte[] b = new byte[24];
        new java.security.SecureRandom().nextBytes(b);
        return java.util.Base64.getEncoder().encodeToString(b);
    }
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
        assertThat(m.getAttribute(SrsAttributes.SRS_ORIG_SENDER).map(a -> (Object) a.getValue().value())).contains("alice@origin.example");
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
        assertThat(m.getAttribute(SrsAttributes.SRS_ORIG_SENDER)).isEmpty();
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
        assertThat(sent.getAttributes().get(SrsAttributes.SRS_STATUS).getValue().value()).isEqualTo("valid");
        assertThat(sent.getAttributes().get(SrsAttributes.SRS_ORIG_RECIPIENT).getValue().value()).isEqualTo(srs);
        assertThat(sent.getAttributes().get(SrsAttributes.SRS_RECIPIENT).getValue().value()).isEqualTo("alice@origin.example");
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
        assertThat(bounce.getAttribute(SrsAttributes.SRS_STATUS).map(a -> (Object) a.getValue().value())).contains("bad hash");
        // a valid SRS address, but of a domain that is not ours: not touched
        String valid = new SrsEngine(SrsConfig.builder().secrets(SECRET).build()).forward("alice@origin.example", "other.example").address();
        Mail other = mail(null, valid);
        reverse("secrets", SECRET).service(other);
        assertThat(fake.getSentMails()).isEmpty();
        assertThat(other.getAttribute(SrsAttributes.SRS_STATUS)).isEmpty();
    }

    @Test
    void reverseAndForwardRewritesANonNullSender() throws Exception {
        String srs = new SrsEngine(SrsConfig.builder().secrets(SECRET).build()).forward("alice@origin.example", "example.test").address();
        Mail reply = mail("robot@remote.example", srs);
        reverse("secrets", SECRET, "reverseandforward", "true", "bouncesOnly", "false").service(reply);
        FakeMailContext.SentMail sent = fake.getSentMails().get(0);
        assertThat(sent.getRecipients()).containsExactly(address("alice@origin.example"));
        assertThat(sent.getSender().asString()).startsWith("SRS0=").endsWith("=remote.example=robot@example.test");
        assertThat(reply.getState()).isEqualTo(Mail.GHOST);
    }

    @Test
    void byDefaultOnlyBouncesAreReversedMailWithASenderIsLeftAlone() throws Exception {
        // before: bouncesOnly was false by default, so anyone could send any mail through a valid SRS address
        String srs = new SrsEngine(SrsConfig.builder().secrets(SECRET).build()).forward("alice@origin.example", "example.test").address();
        Mail reply = mail("robot@remote.example", srs);
        reverse("secrets", SECRET).service(reply);
        assertThat(fake.getSentMails()).isEmpty();
        assertThat(reply.getRecipients()).containsExactly(address(srs));
        Mail bounce = mail(null, srs);
        reverse("secrets", SECRET).service(bounce);
        assertThat(fake.getSentMails()).hasSize(1);
        Mail allowed = mail("robot@remote.example", srs);
        reverse("secrets", SECRET, "bouncesOnly", "false").service(allowed);
        assertThat(fake.getSentMails()).hasSize(2);
        assertThatThrownBy(() -> reverse("secrets", SECRET, "reverseandforward", "true")).hasMessageContaining("reverseandforward")
            .hasMessageContaining("bouncesOnly");
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
        assertThat(m.getAttribute(SrsAttributes.SRS_DB_ADDRESS).map(a -> (Object) a.getValue().value())).contains(sender);
        Mail bounce = mail(null, srs);
        reverse("secrets", SECRET, "dburl", url).service(bounce);
        FakeMailContext.SentMail sent = fake.getSentMails().get(0);
        assertThat(sent.getRecipients()).containsExactly(address(sender));
        assertThat(sent.getAttributes().get(SrsAttributes.SRS_DB_KEY).getValue().value()).isEqualTo(srs.substring(srs.lastIndexOf('=') + 1, srs.indexOf('@')));
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
        java.nio.file.Files.writeString(file, "# rotate: the first line signs\n" + SECRET + "\n\n" + OLD + "\n");
        java.nio.file.Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        Mail fromFile = mail("alice@origin.example", "friend@remote.example");
        forward("secretsFile", file.toString(), "alias", "example.test").service(fromFile);
        Mail inline = mail("alice@origin.example", "friend@remote.example");
        forward("secrets", SECRET + ":" + OLD, "alias", "example.test").service(inline);
        assertThat(fromFile.getMaybeSender().asString()).startsWith("SRS0=").isEqualTo(inline.getMaybeSender().asString());

        assertThatThrownBy(() -> forward("secrets", SECRET, "secretsFile", file.toString())).hasMessageContaining("more than one of secrets, secretsFile");
        java.nio.file.Path empty = java.nio.file.Files.writeString(dir.resolve("empty"), "# nothing yet\n");
        java.nio.file.Files.setPosixFilePermissions(empty, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        assertThatThrownBy(() -> forward("secretsFile", empty.toString())).hasMessageContaining("holds no secret");
        assertThatThrownBy(() -> forward("secretsFile", dir.resolve("missing").toString())).hasMessageContaining("cannot read")
            .hasMessageNotContaining(SECRET);
        // without James's FileSystem (as here) a file:// URL cannot be resolved: said so at init
        assertThatThrownBy(() -> reverse("secretsFile", "file://conf/srs-secrets")).hasMessageContaining("FileSystem");
    }

    // ------------------------------------------------------------------------------------------ on a public MX

    @Test
    void aQuotedSenderIsForwardedWithAValidSrsAddressAndItsBounceComesBack() throws Exception {
        // before: SRS0=...=origin.example="john doe"@example.test, MailAddress threw, the mail went to the error processor
        Mail m = mail("\"john doe\"@origin.example", "friend@remote.example");
        forward("secrets", SECRET, "hashlength", "4").service(m);
        String srs = m.getMaybeSender().asString();
        assertThat(srs).matches("\"SRS0=[A-Za-z0-9+/]{4}=[A-Z2-7]{2}=origin\\.example=john doe\"@example\\.test");
        assertThat(m.getAttribute(SrsAttributes.SRS_ORIG_SENDER).map(a -> (Object) a.getValue().value())).contains("\"john doe\"@origin.example");
        // the bounce, to the quoted address as a remote MTA sends it (and upper-cased): back to the quoted sender
        Mail bounce = mail(null, srs.toUpperCase(java.util.Locale.ROOT).replace("EXAMPLE.TEST", "example.test"));
        reverse("secrets", SECRET, "hashlength", "4").service(bounce);
        assertThat(fake.getSentMails()).hasSize(1);
        assertThat(fake.getSentMails().get(0).getRecipients()).containsExactly(address("\"JOHN DOE\"@ORIGIN.EXAMPLE"));
        assertThat(bounce.getState()).isEqualTo(Mail.GHOST);
    }

    @Test
    void oddSendersJamesAcceptsAreRewrittenOrLeftAsTheyWereNeverThrown() throws Exception {
        java.util.List<String> odd = java.util.List.of("\"a@b\"@origin.example", "user@[192.0.2.1]", "a+b=c@origin.example",
            "\"x\\\"y\"@origin.example", "\"tab\there\"@origin.example", "SRS0=abcd=NR=other.example=bob@origin.example",
            "x".repeat(60) + "@origin.example", "\"" + "q ".repeat(30) + "\"@origin.example", "srs1=x=y@origin.example");
        SrsForward f = forward("secrets", SECRET);
        SrsReverse r = reverse("secrets", SECRET);
        for (String sender : odd) {
            Mail m = mail(sender, "friend@remote.example");
            String before = m.getMaybeSender().asString();
            f.service(m);
            String after = m.getMaybeSender().asString();
            assertThat(address(after)).as(sender).isNotNull();
            if (!after.equals(before)) {
                Mail bounce = mail(null, after);
                int sent = fake.getSentMails().size();
                r.service(bounce);
                assertThat(fake.getSentMails()).as("bounce to " + after).hasSize(sent + 1);
                assertThat(fake.getSentMails().get(sent).getRecipients()).as(after).hasSize(1);
            }
        }
    }

    @Test
    void publishedOrShortSecretsAreRefusedAtInitNamingTheParameterNeverTheSecret() {
        assertThatThrownBy(() -> forward("secrets", "change-me-new:change-me-old")).hasMessageStartingWith("SrsForward: secrets: secret 1 of 2")
            .hasMessageContaining("example published").hasMessageNotContaining("change-me-new");
        assertThatThrownBy(() -> reverse("secrets", SECRET + ":short")).hasMessageContaining("secret 2 of 2 is 5 octets long")
            .hasMessageNotContaining("short").hasMessageNotContaining(SECRET);
        assertThatThrownBy(() -> reverse("secrets", SECRET, "eximSecret", "old-exim-secret")).hasMessageContaining("eximSecret: secret 1 of 1")
            .hasMessageNotContaining("old-exim-secret");
        assertThatThrownBy(() -> forward("srs_config", "tops3cr3t:21:4")).hasMessageContaining("srs_config").hasMessageNotContaining("tops3cr3t");
        assertThatThrownBy(() -> forward("secrets", SECRET, "srs_config", "change-me-too-but-long-enough:21:4"))
            .hasMessageContaining("secrets and srs_config").hasMessageNotContaining("change-me-too");
    }

    @Test
    void secretsPropertyNamesASystemPropertyHoldingTheSecrets() throws Exception {
        String name = "jexim.test.srs.secrets." + System.nanoTime();
        assertThatThrownBy(() -> forward("secretsProperty", name)).hasMessageContaining("secretsProperty: the system property " + name + " is not set");
        System.setProperty(name, SECRET + ":" + OLD);
        try {
            Mail viaProperty = mail("alice@origin.example", "friend@remote.example");
            forward("secretsProperty", name).service(viaProperty);
            Mail inline = mail("alice@origin.example", "friend@remote.example");
            forward("secrets", SECRET + ":" + OLD).service(inline);
            assertThat(viaProperty.getMaybeSender().asString()).startsWith("SRS0=").isEqualTo(inline.getMaybeSender().asString());
            assertThatThrownBy(() -> forward("secretsProperty", name, "secrets", SECRET)).hasMessageContaining("more than one");
            String exim = "jexim.test.srs.exim." + System.nanoTime();
            System.setProperty(exim, "change-me-exim-secret-of-length");
            assertThatThrownBy(() -> reverse("secrets", SECRET, "eximSecretProperty", exim)).hasMessageContaining("eximSecretProperty: secret 1 of 1");
            System.clearProperty(exim);
        } finally {
            System.clearProperty(name);
        }
    }

    @Test
    void aSecretsFileOthersCanReadIsRefused(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path file = dir.resolve("srs-secrets");
        java.nio.file.Files.writeString(file, SECRET + "\n");
        java.nio.file.Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> forward("secretsFile", file.toString())).hasMessageContaining("secretsFile: " + file + " has mode rw-r--r--")
            .hasMessageNotContaining(SECRET);
        java.nio.file.Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        assertThat(forward("secretsFile", file.toString()).alias()).isEqualTo("example.test");
    }

    @Test
    void aDatabaseThatCannotBeAskedDefersTheBounceInsteadOfLosingIt() throws Exception {
        String url = "jdbc:h2:mem:srsdefer" + System.nanoTime() + ";DB_CLOSE_DELAY=-1";
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(url); java.sql.Statement st = c.createStatement()) {
            st.execute(org.jamesexim.srs.JdbcSrsDatabase.DEFAULT_CREATE);
        }
        Mail fwd = mail("oscar@origin.example", "friend@remote.example");
        forward("secrets", SECRET, "dburl", url).service(fwd);
        String srs = fwd.getMaybeSender().asString();
        assertThat(srs).matches("SRS0=[A-Za-z0-9+/]{6}=[A-Z2-7]{2}=[A-Z2-7]{16}@example\\.test");
        // the database is gone (a table that is not there, as good as a server that is down)
        String down = "jdbc:h2:mem:srsdown" + System.nanoTime();
        SrsReverse r = reverse("secrets", SECRET, "dburl", down, "dbtimeout", "2", "deferDelay", "60", "deferRetries", "1");
        Mail bounce = mail(null, srs, "demo@example.test");
        bounce.setState("root");
        r.service(bounce);
        // before: the SRS recipient stayed on the mail with srs_status defer, went on to transport, was refused as an unknown user
        assertThat(bounce.getRecipients()).containsExactly(address("demo@example.test"));
        FakeMailContext.SentMail later = fake.getSentMails().get(0);
        assertThat(later.getRecipients()).containsExactly(address(srs));
        assertThat(later.getState()).isEqualTo("root");
        assertThat(later.getDelay()).contains(new FakeMailContext.Delay(60, java.util.concurrent.TimeUnit.SECONDS));
        assertThat(later.getAttributes().get(SrsAttributes.SRS_STATUS).getValue().value()).isEqualTo("defer");
        assertThat(later.getAttributes().get(SrsAttributes.SRS_DEFER_COUNT).getValue().value()).isEqualTo(1);
        // the retry: still down, and deferRetries 1 used up: kept in the error processor
        Mail retry = mail(null, srs);
        retry.setState("root");
        retry.setAttribute(new org.apache.mailet.Attribute(SrsAttributes.SRS_DEFER_COUNT, org.apache.mailet.AttributeValue.of(1)));
        r.service(retry);
        FakeMailContext.SentMail last = fake.getSentMails().get(1);
        assertThat(last.getState()).isEqualTo(Mail.ERROR);
        assertThat(last.getRecipients()).containsExactly(address(srs));
        assertThat(retry.getState()).isEqualTo(Mail.GHOST);
        // the database back: the bounce goes through
        Mail back = mail(null, srs);
        reverse("secrets", SECRET, "dburl", url).service(back);
        assertThat(fake.getSentMails().get(2).getRecipients()).containsExactly(address("oscar@origin.example"));
    }

    @Test
    void attributesNeverCarryOverlongOutsideText() throws Exception {
        String longSrs = "SRS0=" + "A".repeat(600) + "=NR=origin.example=alice@example.test";
        Mail bounce = mail(null, longSrs);
        reverse("secrets", SECRET).service(bounce);
        assertThat(bounce.getRecipients()).containsExactly(address(longSrs));
        assertThat(bounce.getAttribute(SrsAttributes.SRS_STATUS).map(a -> (Object) a.getValue().value())).contains("bad hash");
        assertThat(bounce.getAttribute(SrsAttributes.SRS_ORIG_RECIPIENT)).isEmpty();
    }

    @Test
    void logTextIsOneLineCutAndWithoutSecrets() {
        SrsSettings s = SrsSettings.read(n -> n.equals("secrets") ? SECRET : null);
        assertThat(s.safe("a\r\nb\u0000c\u2028d\u202ee\\f " + SECRET)).isEqualTo("a\\r\\nb\\x00c\\u2028d\\u202ee\\\\f <hidden>");
        assertThat(s.safe("x".repeat(1000))).isEqualTo("x".repeat(256) + "...(744 more)");
    }
}
