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
        assertThatThrownBy(() -> m.init(FakeMailetConfig.builder().mailetName("x").build())).hasMessageStartingWith("file: required");
        assertThatThrownBy(() -> m.init(FakeMailetConfig.builder().mailetName("x").setProperty("file", dir.resolve("nope").toString()).build()))
            .hasMessageStartingWith("file: cannot read");
        Path bad = dir.resolve("bad.txt");
        Files.writeString(bad, "ok@example.test: a\nbroken line here\n");
        assertThatThrownBy(() -> m.init(FakeMailetConfig.builder().mailetName("x").setProperty("file", bad.toString()).build()))
            .hasMessageContaining("file: " + bad + " line 2");
    }
}
