package org.jamesexim.mailets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Map;

import org.apache.james.core.builder.MimeMessageBuilder;
import org.apache.mailet.AttributeName;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.jamesexim.bmi.BmiOptin;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** BMI opt-in from a database (H2): profiles found, none, and a failed lookup that leaves the mail going on. */
public class BmiOptinLookupJdbcTest {
    private static final String PASSWORD = "Optin-Db-Pass-77";

    private String url;
    private BmiOptinLookup mailet;

    /** An H2 function that answers after {@code ms} (a database that hangs). */
    public static String slow(String key, int ms) throws InterruptedException {
        Thread.sleep(ms);
        return "strict";
    }

    @BeforeEach
    void database() throws Exception {
        url = "jdbc:h2:mem:bmioptin" + System.nanoTime() + ";DB_CLOSE_DELAY=-1";
        try (Connection c = DriverManager.getConnection(url, "sa", PASSWORD); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE bmi_optin(address VARCHAR(300) PRIMARY KEY, profile VARCHAR(300))");
            s.execute("INSERT INTO bmi_optin VALUES ('strict@example.test', 'strict'), ('both@example.test', 'strict:nolinks'),"
                + " ('null@example.test', NULL), ('short@example.test', 'x'), ('bad@example.test', 'has blank')");
            s.execute("CREATE ALIAS SLOW FOR 'org.jamesexim.mailets.BmiOptinLookupJdbcTest.slow'");
        }
    }

    @AfterEach
    void stop() {
        if (mailet != null) {
            mailet.destroy();
        }
    }

    private BmiOptinLookup start(String lookupUrl, String query, String... more) throws Exception {
        FakeMailetConfig.Builder b = FakeMailetConfig.builder().mailetName("BmiOptinLookup").setProperty("optinLookup", lookupUrl)
            .setProperty("optinLookupQuery", query).setProperty("optinLookupUser", "sa").setProperty("optinLookupPassword", PASSWORD);
        for (int i = 0; i < more.length; i += 2) {
            b.setProperty(more[i], more[i + 1]);
        }
        mailet = new BmiOptinLookup(null);
        mailet.init(b.build());
        return mailet;
    }

    private static FakeMail mail(String... recipients) throws Exception {
        return FakeMail.builder().name("m1").recipients(recipients).state(Mail.DEFAULT)
            .mimeMessage(MimeMessageBuilder.mimeMessageBuilder().setText("t")).build();
    }

    private static String error(Mail mail) {
        return mail.getAttribute(BmiOptinLookup.BMI_OPTIN_ERROR).map(a -> String.valueOf(a.getValue().value())).orElse(null);
    }

    @Test
    void storesTheProfilesTheQueryFindsAndNoneForNoRowNullShortOrBadValues() throws Exception {
        BmiOptinLookup m = start(url, "SELECT profile FROM bmi_optin WHERE address = $key");
        FakeMail mail = mail("STRICT@example.test", "both@example.test", "null@example.test", "short@example.test", "bad@example.test",
            "none@example.test");
        m.service(mail);
        Map<String, BmiOptin> optins = BmiAttributes.optins(mail);
        assertThat(optins).containsOnlyKeys("strict@example.test", "both@example.test");
        assertThat(optins.get("both@example.test").options()).containsExactly("strict", "nolinks");
        assertThat(error(mail)).as("nothing failed").isNull();
        assertThat(mail.getRecipients()).hasSize(6);
    }

    @Test
    void aKeyThatLooksLikeSqlFindsNothing() throws Exception {
        BmiOptinLookup m = start(url, "SELECT profile FROM bmi_optin WHERE address = $key");
        FakeMail mail = mail("\"' OR 1=1 --\"@example.test");
        m.service(mail);
        assertThat(BmiAttributes.optins(mail)).isNullOrEmpty();
        assertThat(error(mail)).isNull();
    }

    @Test
    void aDatabaseThatIsDownLeavesTheRecipientsWithoutOptinAndTheMailGoingOn() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        BmiOptinLookup m = start("jdbc:h2:tcp://127.0.0.1:" + closed + "/mem:none;PASSWORD=" + PASSWORD,
            "SELECT profile FROM bmi_optin WHERE address = $key");
        FakeMail mail = mail("strict@example.test", "both@example.test");
        m.service(mail);
        assertThat(mail.getState()).as("not sent elsewhere, not ghosted").isEqualTo(Mail.DEFAULT);
        assertThat(mail.getRecipients()).hasSize(2);
        assertThat(BmiAttributes.optins(mail)).isNullOrEmpty();
        assertThat(error(mail)).isNotNull().contains("optinLookup jdbc:h2:tcp://127.0.0.1:" + closed + "/mem:none").doesNotContain(PASSWORD);
    }

    @Test
    void aQueryThatHangsPastTheDeadlineIsATemporaryFailureForThatMailOnly() throws Exception {
        BmiOptinLookup m = start(url, "SELECT SLOW($key, 30000)", "optinLookupTimeout", "1s", "optinLookupDeadline", "1s");
        FakeMail mail = mail("strict@example.test", "both@example.test", "none@example.test");
        m.service(mail);
        assertThat(mail.getState()).isEqualTo(Mail.DEFAULT);
        assertThat(BmiAttributes.optins(mail)).isNullOrEmpty();
        assertThat(error(mail)).contains("gave no answer within").doesNotContain(PASSWORD);
    }

    @Test
    void badDatabaseParametersStopInitNamingThem(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> new BmiOptinLookup(null).init(FakeMailetConfig.builder().mailetName("x").setProperty("optinLookup", url).build()))
            .hasMessageStartingWith("optinLookupQuery: required with a jdbc: optinLookup").message().doesNotContain(PASSWORD);
        assertThatThrownBy(() -> start(url, "SELECT profile FROM bmi_optin WHERE address = '$key'"))
            .hasMessageStartingWith("optinLookupQuery: write $key without quotes");
        Path f = Files.writeString(dir.resolve("optin.txt"), "a@example.test: strict\n");
        assertThatThrownBy(() -> new BmiOptinLookup(null).init(FakeMailetConfig.builder().mailetName("x").setProperty("optinLookup", f.toString())
            .setProperty("optinLookupQuery", "SELECT 1 WHERE 1 = $key").build()))
            .hasMessage("optinLookupQuery is for a jdbc: optinLookup, not a file");
        assertThat(BmiOptinLookup.BMI_OPTIN_ERROR).isEqualTo(AttributeName.of("jexim.bmi_optin_error"));
    }
}
