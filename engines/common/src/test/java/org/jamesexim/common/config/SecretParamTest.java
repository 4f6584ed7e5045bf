package org.jamesexim.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretParamTest {
    static final SecretParam PASSWORD = SecretParam.of("dbpassword");
    static final SecretParam SNAKE = SecretParam.of("server_tls_trust_store_password");
    static final String VALUE = "Zq3-not-a-published-value-8d1";

    @TempDir
    Path dir;

    private final Map<String, String> env = new HashMap<>();

    private Secret read(SecretParam p, String... kv) {
        Map<String, String> given = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            given.put(kv[i], kv[i + 1]);
        }
        return p.read(given::get, Path::of, env::get);
    }

    private Path file(String text, String mode) throws IOException {
        Path f = dir.resolve("secret-" + mode);
        Files.writeString(f, text);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(mode));
        return f;
    }

    @Test
    void namesFollowTheParameterNamingRule() {
        assertThat(PASSWORD.params()).extracting(Param::name)
            .containsExactly("dbpassword", "dbpasswordFile", "dbpasswordEnv", "dbpasswordProperty");
        assertThat(SNAKE.params()).extracting(Param::name).containsExactly("server_tls_trust_store_password",
            "server_tls_trust_store_password_file", "server_tls_trust_store_password_env", "server_tls_trust_store_password_property");
        assertThat(PASSWORD.inline().isSecret()).isTrue();
        assertThat(ParamSet.of().with(PASSWORD).names()).hasSize(4);
    }

    @Test
    void eachPlaceGivesTheSameSecret() throws IOException {
        assertThat(read(PASSWORD)).isNull();
        Secret inline = read(PASSWORD, "dbpassword", VALUE);
        assertThat(inline.form()).isEqualTo(Secret.Form.INLINE);
        assertThat(inline.text()).isEqualTo(VALUE);
        assertThat(PASSWORD.inlineWarning()).contains("dbpasswordFile", "dbpasswordEnv").doesNotContain(VALUE);

        Path f = file("# the database\n" + VALUE + "\nold\n", "rw-r-----");
        Secret fromFile = read(PASSWORD, "dbpasswordFile", f.toString());
        assertThat(fromFile.form()).isEqualTo(Secret.Form.FILE);
        assertThat(fromFile.file()).isEqualTo(f);
        assertThat(fromFile.firstLine()).isEqualTo(VALUE);
        assertThat(fromFile.lines()).containsExactly(VALUE, "old");

        env.put("JEXIM_DB_PASSWORD", VALUE);
        Secret fromEnv = read(PASSWORD, "dbpasswordEnv", "JEXIM_DB_PASSWORD");
        assertThat(fromEnv.form()).isEqualTo(Secret.Form.ENV);
        assertThat(fromEnv.text()).isEqualTo(VALUE);
        assertThat(fromEnv.parameter()).isEqualTo("dbpasswordEnv");

        System.setProperty("jexim.test.secret", VALUE);
        try {
            assertThat(read(PASSWORD, "dbpasswordProperty", "jexim.test.secret").text()).isEqualTo(VALUE);
        } finally {
            System.clearProperty("jexim.test.secret");
        }
        for (Secret s : List.of(inline, fromFile, fromEnv)) {
            assertThat(s.toString()).doesNotContain(VALUE);
        }
    }

    @Test
    void aSecretWrittenInlineIsReadWithOneWarningThatDoesNotShowIt() {
        ParamSet set = ParamSet.of(Param.bool("force", false)).with(PASSWORD);
        ParamValues v = set.read(ParamSource.of(Map.of("dbpassword", VALUE)));
        assertThat(PASSWORD.read(v, Path::of).value()).isEqualTo(VALUE);
        assertThat(v.warnings()).containsExactly(PASSWORD.inlineWarning());
        assertThat(v.warnings().get(0)).startsWith("parameter dbpassword: the secret is written in the configuration")
            .doesNotContain(VALUE);
        assertThat(ParamSet.of().with(set).read(ParamSource.of(Map.of("dbpassword", VALUE))).warnings()).hasSize(1);
        assertThat(set.read(ParamSource.of(Map.of("dbpasswordEnv", "X"))).warnings()).isEmpty();
    }

    @Test
    void oneSecretOnePlace() {
        env.put("X", VALUE);
        assertThatThrownBy(() -> read(PASSWORD, "dbpassword", VALUE, "dbpasswordEnv", "X"))
            .hasMessage("more than one of dbpassword, dbpasswordFile, dbpasswordEnv and dbpasswordProperty is set: give dbpassword in one place");
    }

    @Test
    void unsafeOrMissingSourcesAreRefusedWithoutTheSecret() throws IOException {
        Path open = file(VALUE + "\n", "rw-r--r--");
        assertThatThrownBy(() -> read(PASSWORD, "dbpasswordFile", open.toString()))
            .hasMessageStartingWith("dbpasswordFile: " + open + " has mode rw-r--r--").hasMessageContaining("chmod 600")
            .hasMessageNotContaining(VALUE);
        Path groupWritable = file(VALUE, "rw-rw----");
        assertThatThrownBy(() -> read(PASSWORD, "dbpasswordFile", groupWritable.toString())).hasMessageNotContaining(VALUE);
        assertThatThrownBy(() -> read(PASSWORD, "dbpasswordFile", dir.resolve("none").toString()))
            .hasMessageContaining("no such file");
        assertThatThrownBy(() -> read(PASSWORD, "dbpasswordEnv", "UNSET_VARIABLE"))
            .hasMessage("dbpasswordEnv: the environment variable UNSET_VARIABLE is not set (or empty)");
        assertThatThrownBy(() -> read(PASSWORD, "dbpasswordEnv", "not a name"))
            .hasMessageStartingWith("dbpasswordEnv: bad value 'not a name'");
        assertThatThrownBy(() -> read(PASSWORD, "dbpasswordProperty", "jexim.unset"))
            .hasMessage("dbpasswordProperty: the system property jexim.unset is not set (or empty)");
        Path big = file("x".repeat(SecretFiles.MAX_OCTETS + 1), "rw-------");
        assertThatThrownBy(() -> read(PASSWORD, "dbpasswordFile", big.toString())).hasMessageContaining("at most " + SecretFiles.MAX_OCTETS);
    }
}
