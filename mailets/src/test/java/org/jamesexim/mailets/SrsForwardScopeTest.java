package org.jamesexim.mailets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;

import javax.mail.MessagingException;

import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SrsForward with several alias domains ({@code alias} {@code $original_domain}), sender domains never rewritten
 * ({@code excludeDomains}, {@code excludeDomainsFile}) and {@code scope} {@code forwarded}; SrsReverse recording the
 * original recipient's domain it reads.
 */
class SrsForwardScopeTest {
    final SrsMailetsTest base = new SrsMailetsTest();

    @TempDir
    Path dir;

    SrsForward forward(String... params) throws MessagingException {
        FakeMailetConfig.Builder c = FakeMailetConfig.builder().mailetName("SrsForward").mailetContext(base.context);
        c.setProperty("secrets", SrsMailetsTest.SECRET);
        for (int i = 0; i < params.length; i += 2) {
            c.setProperty(params[i], params[i + 1]);
        }
        SrsForward m = new SrsForward();
        m.init(c.build());
        return m;
    }

    static Mail forwarded(String sender, String originalDomain) throws MessagingException {
        Mail m = SrsMailetsTest.mail(sender, "friend@remote.example");
        m.setAttribute(Mail.SENT_BY_MAILET_ATTRIBUTE);
        if (originalDomain != null) {
            m.setAttribute(new Attribute(SrsAttributes.ORIGINAL_DOMAIN, AttributeValue.of(originalDomain)));
        }
        return m;
    }

    static String domainOf(Mail m) {
        String s = m.getMaybeSender().asString();
        return s.substring(s.lastIndexOf('@') + 1);
    }

    @Test
    void theAliasIsTheOriginalRecipientsDomainWhenItIsOneOfTheAliasDomains() throws Exception {
        SrsForward f = forward("alias", "$original_domain", "aliasDomains", "first.test, second.test");
        for (String[] c : new String[][] {{"second.test", "second.test"}, {"FIRST.test", "first.test"}, {null, "first.test"},
            {"other.test", "first.test"}, {"*.second.test", "first.test"}}) {
            Mail m = forwarded("alice@origin.example", c[0]);
            f.service(m);
            assertThat(m.getMaybeSender().asString()).as(String.valueOf(c[0])).startsWith("SRS0=");
            assertThat(domainOf(m)).as(String.valueOf(c[0])).isEqualTo(c[1]);
        }
        // ${original_domain} is the same; without aliasDomains, a local domain (example.test here) is allowed
        SrsForward local = forward("alias", "${original_domain}");
        Mail m = forwarded("alice@origin.example", "example.test");
        local.service(m);
        assertThat(domainOf(m)).isEqualTo("example.test");
        Mail notLocal = forwarded("alice@origin.example", "elsewhere.test");
        local.service(notLocal);
        assertThat(domainOf(notLocal)).isEqualTo("example.test"); // the postmaster's
    }

    /** Exim's expanded {@code srs_alias}: the alias looked up from the original recipient's domain, in a file. */
    @Test
    void theAliasIsLookedUpFromTheOriginalRecipientsDomainAndUsedOnlyWhenItIsOurs() throws Exception {
        Path table = Files.writeString(dir.resolve("srs-alias-by-domain"),
            "# recipient domain: the alias its forwards are made in\nfirst.test: second.test\n*.hosted.test: second.test\n"
                + "third.test: elsewhere.example\n");
        SrsForward f = forward("alias", "first.test", "aliasDomains", "first.test, second.test, third.test", "aliasLookup", table.toString());
        for (String[] c : new String[][] {{"first.test", "second.test"}, {"a.hosted.test", "second.test"},
            {"third.test", "first.test"}, // the table names a domain that is not ours: bounces would not come back
            {"second.test", "first.test"}, {null, "first.test"}}) {
            Mail m = forwarded("alice@origin.example", c[0]);
            f.service(m);
            assertThat(m.getMaybeSender().asString()).as(String.valueOf(c[0])).startsWith("SRS0=");
            assertThat(domainOf(m)).as(String.valueOf(c[0])).isEqualTo(c[1]);
        }
        f.destroy();
        Path bad = Files.writeString(dir.resolve("bad-alias"), "first.test: not a domain!\n");
        assertThatThrownBy(() -> forward("aliasLookup", bad.toString())).isInstanceOf(MessagingException.class)
            .hasMessageContaining("aliasLookup").hasMessageContaining("line 1");
    }

    /** From a JDBC query: a row gives the alias; a failed query leaves the alias as without the lookup, mail goes on. */
    @Test
    void aFailedAliasQueryFallsBackAndTheMailGoesOn() throws Exception {
        String url = "jdbc:h2:mem:srsalias" + System.nanoTime() + ";DB_CLOSE_DELAY=-1";
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(url); java.sql.Statement st = c.createStatement()) {
            st.execute("CREATE TABLE srs_alias (domain VARCHAR(255) PRIMARY KEY, alias VARCHAR(255))");
            st.execute("INSERT INTO srs_alias VALUES ('first.test', 'second.test')");
        }
        SrsForward f = forward("alias", "$original_domain", "aliasDomains", "first.test, second.test", "aliasLookup", url,
            "aliasLookupQuery", "SELECT alias FROM srs_alias WHERE domain = $key");
        Mail m = forwarded("alice@origin.example", "first.test");
        f.service(m);
        assertThat(domainOf(m)).isEqualTo("second.test");
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(url); java.sql.Statement st = c.createStatement()) {
            st.execute("DROP TABLE srs_alias");
        }
        Mail down = forwarded("alice@origin.example", "first.test");
        f.service(down);
        assertThat(down.getMaybeSender().asString()).startsWith("SRS0=");
        assertThat(domainOf(down)).as("$original_domain, as without the lookup").isEqualTo("first.test");
        f.destroy();
    }

    @Test
    void excludedSenderDomainsAreNeverRewritten() throws Exception {
        Path file = Files.writeString(dir.resolve("exclude"), "# SPF allows us\nspf-ok.example\n*.hosted.example\n");
        SrsForward f = forward("excludeDomains", "kept.example", "excludeDomainsFile", file.toString());
        for (String s : new String[] {"bob@kept.example", "bob@SPF-OK.example", "bob@a.hosted.example"}) {
            Mail m = forwarded(s, null);
            f.service(m);
            assertThat(m.getMaybeSender().asString()).isEqualToIgnoringCase(s); // James lower-cases the domain
            assertThat(m.getAttribute(SrsAttributes.SRS_ORIG_SENDER)).isEmpty();
        }
        Mail m = forwarded("bob@hosted.example", null);
        f.service(m);
        assertThat(m.getMaybeSender().asString()).startsWith("SRS0=");
        assertThatThrownBy(() -> forward("excludeDomains", "not a domain")).hasMessageContaining("excludeDomains").hasMessageContaining("not a domain");
        assertThatThrownBy(() -> forward("excludeDomainsFile", dir.resolve("missing").toString())).hasMessageContaining("excludeDomainsFile");
    }

    @Test
    void scopeForwardedLeavesAuthenticatedUsersOwnMailAlone() throws Exception {
        SrsForward all = forward();
        SrsForward onlyForwarded = forward("scope", "forwarded");
        Mail own = SrsMailetsTest.mail("alice@gmail.example", "friend@remote.example");
        own.setAttribute(new Attribute(Mail.SMTP_AUTH_USER, AttributeValue.of("alice@example.test")));
        Mail ownCopy = own.duplicate();
        onlyForwarded.service(own);
        assertThat(own.getMaybeSender().asString()).isEqualTo("alice@gmail.example");
        all.service(ownCopy);
        assertThat(ownCopy.getMaybeSender().asString()).startsWith("SRS0=");

        Mail trusted = SrsMailetsTest.mail("carol@origin.example", "friend@remote.example"); // relayed for authorizedAddresses
        onlyForwarded.service(trusted);
        assertThat(trusted.getMaybeSender().asString()).isEqualTo("carol@origin.example");

        Mail fwd = forwarded("carol@origin.example", "example.test");
        onlyForwarded.service(fwd);
        assertThat(fwd.getMaybeSender().asString()).startsWith("SRS0=").endsWith("=origin.example=carol@example.test");

        Mail authForwarded = forwarded("alice@gmail.example", "example.test");
        authForwarded.setAttribute(new Attribute(Mail.SMTP_AUTH_USER, AttributeValue.of("alice@example.test")));
        onlyForwarded.service(authForwarded);
        assertThat(authForwarded.getMaybeSender().asString()).isEqualTo("alice@gmail.example");
        assertThatThrownBy(() -> forward("scope", "some")).hasMessageContaining("scope");
    }

    @Test
    void srsReverseRecordsTheOriginalRecipientsDomainOnce() throws Exception {
        SrsReverse r = base.reverse("secrets", SrsMailetsTest.SECRET);
        Mail m = SrsMailetsTest.mail("alice@origin.example", "friend@remote.example", "Alias@EXAMPLE.test");
        r.service(m);
        assertThat(m.getAttribute(SrsAttributes.ORIGINAL_DOMAIN).map(a -> (Object) a.getValue().value())).contains("example.test");
        Mail copy = m.duplicate();
        copy.setRecipients(java.util.List.of(SrsMailetsTest.address("friend@remote.example")));
        copy.setAttribute(new Attribute(SrsAttributes.ORIGINAL_DOMAIN, AttributeValue.of("first.test")));
        r.service(copy);
        assertThat(copy.getAttribute(SrsAttributes.ORIGINAL_DOMAIN).map(a -> (Object) a.getValue().value())).contains("first.test");
        Mail outgoing = SrsMailetsTest.mail("demo@example.test", "friend@remote.example");
        r.service(outgoing);
        assertThat(outgoing.getAttribute(SrsAttributes.ORIGINAL_DOMAIN)).isEmpty();
    }
}
