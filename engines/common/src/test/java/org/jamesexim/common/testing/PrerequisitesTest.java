package org.jamesexim.common.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrerequisitesTest {
    @TempDir
    Path dir;

    Prerequisites manifest(String... lines) throws Exception {
        Path ci = Files.createDirectories(dir.resolve(".ci"));
        Files.write(ci.resolve("prerequisites"), String.join("\n", lines).getBytes(StandardCharsets.UTF_8));
        return new Prerequisites(ci.resolve("prerequisites"), dir);
    }

    @Test
    void aMissingOneFailsWithOneLineNamingItAndItsInstallStep() throws Exception {
        Prerequisites p = manifest("# name step packages check",
            "dovecot  50-dovecot.sh  dovecot-core  command -v jexim-no-such-program-dovecot");
        assertThatThrownBy(() -> p.check("dovecot")).isExactlyInstanceOf(AssertionError.class)
            .hasMessage("missing prerequisite 'dovecot' (dovecot-core): install it with: sudo .ci/install.d/50-dovecot.sh"
                + "  (or run ./run-tests as root)");
        // the same line every time (the outcome is kept, not checked again)
        assertThatThrownBy(() -> p.check("dovecot")).hasMessageStartingWith("missing prerequisite 'dovecot' ")
            .hasMessageNotContaining("\n");
    }

    @Test
    void aPresentOnePassesAndGivesTheLastLineItsCheckPrinted() throws Exception {
        Files.writeString(dir.resolve("tool"), "#!/bin/sh\n");
        Prerequisites p = manifest(
            "tool     00-base.sh  sometool   test -f tool && echo noise && echo \"$PWD/tool\"",
            "quiet    00-base.sh  other      true",
            "sbin     00-base.sh  other      case \":$PATH:\" in *:/usr/sbin:*) ;; *) exit 1;; esac");
        // checks run in the repository root (relative paths), with the sbin directories on PATH
        assertThat(p.check("tool")).isEqualTo(dir.toRealPath().resolve("tool").toString());
        assertThat(p.check("quiet")).isEmpty();
        assertThat(p.check("sbin")).isEmpty();
    }

    @Test
    void eachCheckRunsOncePerManifest() throws Exception {
        Prerequisites p = manifest("counted  00-base.sh  x  echo run >> count");
        p.check("counted");
        p.check("counted");
        assertThat(Files.readAllLines(dir.resolve("count"))).containsExactly("run");
    }

    @Test
    void aNameTheManifestDoesNotListAndABadLineAreErrorsToo() throws Exception {
        Prerequisites p = manifest("one  00-base.sh  x  true");
        assertThatThrownBy(() -> p.check("two")).isInstanceOf(AssertionError.class)
            .hasMessage("prerequisite 'two' is not listed in " + dir.resolve(".ci/prerequisites"));
        assertThatThrownBy(() -> manifest("three  00-base.sh  true")).isInstanceOf(AssertionError.class)
            .hasMessageContaining("prerequisites:1: needs four fields");
    }

    @Test
    void theRepositorysManifestIsFoundFromTheModuleAndNamesExistingInstallSteps() {
        Path root = Prerequisites.findRoot(Paths.get(""));
        assertThat(root).as("a folder above " + Paths.get("").toAbsolutePath() + " holding .ci/prerequisites").isNotNull();
        Prerequisites p = new Prerequisites(root.resolve(".ci/prerequisites"), root);
        assertThat(p.entries()).containsKeys("dovecot", "doveadm", "socat", "openssl", "swaks", "rspamd", "spamassassin",
            "dkimpy", "mail-dkim", "node", "mailauth", "mail-srs", "postsrsd", "faketime", "postgresql", "exim4",
            "smtp-sink", "docker-compose");
        p.entries().values().forEach(e -> assertThat(root.resolve(".ci/install.d").resolve(e.step))
            .as("install step of " + e.name).isRegularFile());
    }
}
