package org.jamesexim.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.jamesexim.common.config.ParamSource;
import org.jamesexim.mailets.SrsSettings;
import org.jamesexim.smtp.testing.RecordingLogs;
import org.jamesexim.srs.SrsConfig;
import org.jamesexim.srs.SrsEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SRS secrets file rotated while the components run ({@code reloadInterval} 0: looked at on every use): the new
 * first line signs, addresses made with the old secret still reverse, a file that breaks the rules keeps the secrets
 * in use with one WARN that shows none of them. Secrets come from a file, an environment variable or the
 * configuration (with a WARN), one place each.
 */
class SrsSecretsRotationTest {
    static final String OLD = "Old-rotation-secret-0b7e1c55";
    static final String NEW = "New-rotation-secret-5d20aa93";
    static final String SENDER = "alice@origin.test";

    @TempDir
    Path dir;

    private Path secrets;

    private void write(String text, String mode) throws IOException {
        Path tmp = dir.resolve("srs-secrets.tmp");
        Files.writeString(tmp, text);
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString(mode));
        Files.move(tmp, secrets, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private SrsSettings settings(Map<String, String> env, String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return SrsSettings.read(ParamSource.of(m), SrsSettings.PARAMETERS, Path::of, env::get);
    }

    private static SrsEngine only(String secret) {
        return new SrsEngine(SrsConfig.builder().secrets(List.of(secret)).build(), java.time.Clock.systemUTC());
    }

    private static List<String> srsLines(int from) {
        List<String> all = RecordingLogs.lines();
        return all.subList(from, all.size()).stream().filter(l -> l.contains("SrsSettings")).collect(Collectors.toList());
    }

    @Test
    void aRotatedSecretsFileSignsWithTheNewSecretAndTheOldAddressesStillReverse() throws IOException {
        secrets = dir.resolve("srs-secrets");
        write(OLD + "\n", "rw-------");
        int from = RecordingLogs.lines().size();
        SrsSettings s = settings(Map.of(), "secretsFile", secrets.toString(), "reloadInterval", "0s");
        String before = s.engine().forward(SENDER, "fwd.test").address();
        assertThat(only(OLD).reverse(before).valid()).isTrue();

        write("# rotated\n" + NEW + "\n" + OLD + "\n", "rw-r-----");
        String after = s.engine().forward(SENDER, "fwd.test").address();
        assertThat(after).isNotEqualTo(before);
        assertThat(only(NEW).reverse(after).valid()).as("the new first line signs").isTrue();
        assertThat(only(OLD).reverse(after).valid()).isFalse();
        assertThat(s.engine().reverse(before).recipient()).as("made with the old secret, still reversed").contains(SENDER);
        assertThat(s.engine().reverse(after).recipient()).contains(SENDER);

        List<String> lines = srsLines(from);
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).startsWith("INFO").contains("secretsFile", secrets.toString(), "read: 1 secrets in use");
        assertThat(lines.get(1)).startsWith("INFO").contains("secretsFile", secrets.toString(), "reloaded: 2 secrets in use");

        write(OLD + "\n", "rw-r--r--"); // readable by everyone: refused, the secrets in use stay
        assertThat(s.engine().forward(SENDER, "fwd.test").address()).isEqualTo(after);
        write("short\n" + NEW + "\n", "rw-------"); // a first secret of 5 octets: refused
        assertThat(s.engine().forward(SENDER, "fwd.test").address()).isEqualTo(after);
        assertThat(s.engine().reverse(before).valid()).isTrue();
        lines = srsLines(from);
        assertThat(lines).hasSize(4);
        assertThat(lines.get(2)).startsWith("WARN").contains("has mode rw-r--r--", "kept");
        assertThat(lines.get(3)).startsWith("WARN").contains("secret 1 of 2 is 5 octets long", "kept");
        for (String l : lines) {
            assertThat(l).doesNotContain(OLD).doesNotContain(NEW).doesNotContain("short");
        }

        Files.delete(secrets);
        assertThat(s.engine().reverse(after).valid()).as("a missing file keeps the secrets too").isTrue();
    }

    @Test
    void secretsComeFromOnePlaceAndInlineIsWarnedAbout() throws IOException {
        SrsSettings fromEnv = settings(Map.of("JEXIM_SRS_SECRETS", NEW + ":" + OLD), "secretsEnv", "JEXIM_SRS_SECRETS");
        assertThat(fromEnv.engine().config().secrets()).containsExactly(NEW, OLD);
        assertThat(fromEnv.secretsReloaded()).isFalse();

        int from = RecordingLogs.lines().size();
        SrsSettings inline = settings(Map.of(), "secrets", NEW);
        assertThat(inline.engine().config().secrets()).containsExactly(NEW);
        List<String> lines = srsLines(from);
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0)).startsWith("WARN").contains("parameter secrets: the secret is written in the configuration",
            "secretsFile", "secretsEnv").doesNotContain(NEW);

        secrets = dir.resolve("srs-secrets");
        write(NEW + "\n", "rw-------");
        assertThatThrownBy(() -> settings(Map.of("X", NEW), "secretsFile", secrets.toString(), "secretsEnv", "X"))
            .hasMessageContaining("give secrets in one place").hasMessageNotContaining(NEW);
        assertThatThrownBy(() -> settings(Map.of(), "secretsEnv", "JEXIM_UNSET"))
            .hasMessage("secretsEnv: the environment variable JEXIM_UNSET is not set (or empty)");
        assertThatThrownBy(() -> settings(Map.of("X", "change-me-new"), "secretsEnv", "X"))
            .hasMessageContaining("secretsEnv: secret 1 of 1 is an example published").hasMessageNotContaining("change-me-new");
        assertThatThrownBy(() -> settings(Map.of("X", OLD), "secrets", NEW, "dburl", "jdbc:h2:mem:x", "dbpasswordEnv", "X",
            "dbtimeout", "soon")).hasMessageNotContaining(OLD).hasMessageNotContaining(NEW);
    }
}
