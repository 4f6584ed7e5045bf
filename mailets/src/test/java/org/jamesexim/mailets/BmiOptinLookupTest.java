package org.jamesexim.mailets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.james.core.builder.MimeMessageBuilder;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BmiOptinLookupTest {

    @Test
    void storesTheProfilesOfRecipientsFoundInTheFile(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("optin.txt");
        Files.writeString(f, "# profiles\nstrict@example.test: strict\nBoth@Example.test: strict:nolinks\nshort@example.test: x\n");
        BmiOptinLookup m = new BmiOptinLookup(null);
        m.init(FakeMailetConfig.builder().mailetName("BmiOptinLookup").setProperty("file", f.toString()).build());
        FakeMail mail = FakeMail.builder().name("m").recipients("STRICT@example.test", "both@example.test", "short@example.test", "none@example.test")
            .mimeMessage(MimeMessageBuilder.mimeMessageBuilder().setText("t")).build();
        m.service(mail);
        assertThat(BmiAttributes.optins(mail)).containsOnlyKeys("strict@example.test", "both@example.test");
        assertThat(BmiAttributes.optins(mail).get("both@example.test").options()).containsExactly("strict", "nolinks");
    }

    @Test
    void missingOrBadFileStopsInitNamingTheParameter(@TempDir Path dir) throws Exception {
        BmiOptinLookup m = new BmiOptinLookup(null);
        assertThatThrownBy(() -> m.init(FakeMailetConfig.builder().mailetName("x").build())).hasMessageStartingWith("optinLookup: required");
        assertThatThrownBy(() -> m.init(FakeMailetConfig.builder().mailetName("x").setProperty("file", dir.resolve("nope").toString()).build()))
            .as("the old name file is read as optinLookup").hasMessageStartingWith("optinLookup " + dir.resolve("nope") + ": ")
            .hasMessageContaining("cannot be read");
        Path bad = dir.resolve("bad.txt");
        Files.writeString(bad, "ok@example.test: a\nbroken line here\n");
        assertThatThrownBy(() -> m.init(FakeMailetConfig.builder().mailetName("x").setProperty("optinLookup", bad.toString()).build()))
            .hasMessageContaining("optinLookup " + bad + " line 2: bad opt-in string 'line here'");
        assertThatThrownBy(() -> m.init(FakeMailetConfig.builder().mailetName("x").setProperty("optinLookup", bad.toString())
            .setProperty("file", bad.toString()).build())).hasMessageContaining("optinLookup and its old name file are both given");
    }

    @Test
    void aChangedFileIsReadAgainAndABrokenEditKeepsTheTableInUse(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("optin.txt");
        Files.writeString(f, "a@example.test: strict\n");
        BmiOptinLookup m = new BmiOptinLookup(null);
        m.init(FakeMailetConfig.builder().mailetName("BmiOptinLookup").setProperty("file", f.toString())
            .setProperty("reloadInterval", "0s").build());
        assertThat(optins(m)).containsOnlyKeys("a@example.test");

        replace(dir, f, "a@example.test: strict\nb@example.test: nolinks\n");
        assertThat(optins(m)).containsOnlyKeys("a@example.test", "b@example.test");

        replace(dir, f, "b@example.test: nolinks\nbroken line here\n");
        assertThat(optins(m)).as("a malformed edit keeps the table in use").containsOnlyKeys("a@example.test", "b@example.test");
        Files.delete(f);
        assertThat(optins(m)).containsOnlyKeys("a@example.test", "b@example.test");
        replace(dir, f, "b@example.test: nolinks\n");
        assertThat(optins(m)).containsOnlyKeys("b@example.test");
    }

    @Test
    void theFileIsLookedAtEveryReloadIntervalNotOnEveryMail(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("optin.txt");
        Files.writeString(f, "a@example.test: strict\n");
        BmiOptinLookup m = new BmiOptinLookup(null);
        m.init(FakeMailetConfig.builder().mailetName("BmiOptinLookup").setProperty("file", f.toString())
            .setProperty("reloadInterval", "1h").build());
        replace(dir, f, "b@example.test: nolinks\n");
        assertThat(optins(m)).containsOnlyKeys("a@example.test");
        assertThatThrownBy(() -> new BmiOptinLookup(null).init(FakeMailetConfig.builder().mailetName("x").setProperty("file", f.toString())
            .setProperty("reloadInterval", "2h").build())).hasMessageStartingWith("reloadInterval: bad value '2h'");
    }

    private static java.util.Map<String, org.jamesexim.bmi.BmiOptin> optins(BmiOptinLookup m) throws Exception {
        FakeMail mail = FakeMail.builder().name("m").recipients("a@example.test", "b@example.test")
            .mimeMessage(MimeMessageBuilder.mimeMessageBuilder().setText("t")).build();
        m.service(mail);
        java.util.Map<String, org.jamesexim.bmi.BmiOptin> found = BmiAttributes.optins(mail);
        return found == null ? java.util.Map.of() : found;
    }

    private static void replace(Path dir, Path f, String text) throws java.io.IOException {
        Path tmp = dir.resolve("optin.tmp");
        Files.writeString(tmp, text);
        Files.move(tmp, f, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
}
