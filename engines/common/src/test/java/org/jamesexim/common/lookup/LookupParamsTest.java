package org.jamesexim.common.lookup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.jamesexim.common.config.ParamException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one lookup grammar: bad or misplaced parameters are refused at start, naming them, never showing a password. */
class LookupParamsTest {
    private static final LookupParams P = LookupParams.of("optin", "file");

    @TempDir
    Path dir;

    private LookupFixtures fx() {
        return new LookupFixtures(dir, Map.of("PW_VAR", "Env-Secret-Pw"));
    }

    private Lookup open(Map<String, String> given) {
        return fx().open(P, given, null);
    }

    private Path table() throws Exception {
        Path f = dir.resolve("optin.txt");
        Files.writeString(f, "a@example.org: strict\n");
        return f;
    }

    @Test
    void declaresTheParametersOfItsWord() {
        assertThat(P.params().names()).containsExactlyInAnyOrder("optinLookup", "optinLookupQuery", "optinLookupUser", "optinLookupDriver",
            "optinLookupTimeout", "optinLookupDeadline", "optinLookupConnections", "optinLookupPassword", "optinLookupPasswordFile",
            "optinLookupPasswordEnv", "optinLookupPasswordProperty");
        assertThat(P.lookup().isSecret()).isTrue();
        assertThat(P.timeout().defaultText()).isEqualTo("2s");
        assertThat(P.deadline().defaultText()).isEqualTo("5s");
        assertThat(P.params().param("optinLookupConnections").defaultText()).isEqualTo("4");
        assertThat(P.jdbcOnly()).doesNotContain("optinLookup", "optinLookupDeadline").contains("optinLookupQuery", "optinLookupPasswordFile");
    }

    @Test
    void aFileLookupFromAPathOrFileUrlAndTheOldNameStillWorks() throws Exception {
        Path f = table();
        try (Lookup l = open(Map.of("optinLookup", f.toString()))) {
            assertThat(l).isInstanceOf(FileLookup.class);
            assertThat(l.find("A@example.org", l.deadline()).value()).contains("strict");
        }
        try (Lookup l = open(Map.of("optinLookup", "file://conf/optin.txt", "optinLookupDeadline", "10s"))) {
            assertThat(l.describe()).isEqualTo("optinLookup file://conf/optin.txt");
        }
        assertThat(fx().values(P, Map.of("file", f.toString())).warnings())
            .containsExactly("parameter file is deprecated: use optinLookup (file will be refused in a later release)");
        try (Lookup l = open(Map.of("file", f.toString()))) {
            assertThat(l.find("a@example.org", l.deadline()).value()).contains("strict");
        }
        assertThatThrownBy(() -> open(Map.of("file", f.toString(), "optinLookup", f.toString())))
            .isInstanceOf(ParamException.class).hasMessage("optinLookup and its old name file are both given: keep optinLookup");
        assertThat(open(Map.of())).as("nothing set: no lookup").isNull();
    }

    @Test
    void unknownAndBadValuesAreRefusedNamingTheParameter() throws Exception {
        Path f = table();
        assertThatThrownBy(() -> open(Map.of("optinLookup", f.toString(), "optinLookupQeury", "x")))
            .isInstanceOf(ParamException.class).hasMessageStartingWith("unknown parameter optinLookupQeury");
        assertThatThrownBy(() -> open(Map.of("optinLookup", f.toString(), "optinLookupDeadline", "0s")))
            .hasMessageStartingWith("optinLookupDeadline: bad value '0s'");
        assertThatThrownBy(() -> open(Map.of("optinLookup", "jdbc:h2:mem:x", "optinLookupQuery", "SELECT $key", "optinLookupTimeout", "61s")))
            .hasMessageStartingWith("optinLookupTimeout: bad value '61s'");
        assertThatThrownBy(() -> open(Map.of("optinLookup", "jdbc:h2:mem:x", "optinLookupQuery", "SELECT $key", "optinLookupConnections", "0")))
            .hasMessageStartingWith("optinLookupConnections: bad value '0'");
        assertThatThrownBy(() -> open(Map.of("optinLookup", "conf/relative-Secret.txt")))
            .hasMessageStartingWith("optinLookup: expected file://conf/..., an absolute path or a jdbc: URL")
            .message().doesNotContain("relative-Secret");
        assertThatThrownBy(() -> open(Map.of("optinLookup", dir.resolve("missing.txt").toString())))
            .hasMessageStartingWith("optinLookup " + dir.resolve("missing.txt"));
        Path bad = dir.resolve("bad.txt");
        Files.writeString(bad, "a: 1\n^x: 2\n");
        assertThatThrownBy(() -> open(Map.of("optinLookup", bad.toString()))).hasMessageStartingWith("optinLookup " + bad + " line 2: ");
    }

    @Test
    void jdbcParametersAreRefusedWithAFileLookupAndWithoutALookup() throws Exception {
        Path f = table();
        Path pwFile = dir.resolve("pw");
        Files.writeString(pwFile, "File-Secret-Pw\n");
        Files.setPosixFilePermissions(pwFile, PosixFilePermissions.fromString("rw-------"));
        System.setProperty("jexim.test.lookup.pw", "Prop-Secret-Pw");
        Map<String, String> values = new HashMap<>(Map.of("optinLookupQuery", "SELECT v FROM t WHERE k = $key", "optinLookupUser", "sa",
            "optinLookupDriver", "org.h2.Driver", "optinLookupTimeout", "3s", "optinLookupConnections", "2", "optinLookupPassword",
            "Inline-Secret-Pw", "optinLookupPasswordFile", pwFile.toString(), "optinLookupPasswordEnv", "PW_VAR",
            "optinLookupPasswordProperty", "jexim.test.lookup.pw"));
        for (String name : P.jdbcOnly()) {
            assertThat(values).containsKey(name);
            assertThatThrownBy(() -> open(Map.of("optinLookup", f.toString(), name, values.get(name))))
                .as(name).hasMessage(name + " is for a jdbc: optinLookup, not a file");
            assertThatThrownBy(() -> open(Map.of(name, values.get(name))))
                .as(name).hasMessage(name + " is set but optinLookup is not");
        }
        System.clearProperty("jexim.test.lookup.pw");
        assertThatThrownBy(() -> open(Map.of("optinLookupDeadline", "3s"))).hasMessage("optinLookupDeadline is set but optinLookup is not");
        assertThatThrownBy(() -> open(Map.of("optinLookup", "jdbc:h2:mem:x", "optinLookupQuery", "SELECT $key",
            "optinLookupPassword", "Inline-Secret-Pw", "optinLookupPasswordEnv", "PW_VAR")))
            .hasMessageStartingWith("more than one of optinLookupPassword").message().doesNotContain("Secret-Pw");
    }

    @Test
    void aJdbcLookupNeedsItsQueryAndAKnownDriverAndShowsNoPassword() {
        String url = "jdbc:h2:mem:params;PASSWORD=Url-Secret-Pw";
        assertThatThrownBy(() -> open(Map.of("optinLookup", url)))
            .hasMessageStartingWith("optinLookupQuery: required with a jdbc: optinLookup").message().doesNotContain("Url-Secret");
        assertThatThrownBy(() -> open(Map.of("optinLookup", url, "optinLookupQuery", "SELECT 1", "optinLookupPasswordEnv", "PW_VAR")))
            .hasMessageStartingWith("optinLookupQuery: must use $key").message().doesNotContain("Secret-Pw");
        assertThatThrownBy(() -> open(Map.of("optinLookup", url, "optinLookupQuery", "SELECT $key", "optinLookupDriver", "no.Such")))
            .hasMessageStartingWith("optinLookupDriver: class no.Such is not on the classpath");
        assertThatThrownBy(() -> open(Map.of("optinLookup", url, "optinLookupQuery", "SELECT $key", "optinLookupPasswordEnv", "UNSET_VAR")))
            .hasMessageStartingWith("optinLookupPasswordEnv: the environment variable UNSET_VAR is not set");
        try (Lookup l = open(Map.of("optinLookup", url, "optinLookupQuery", "SELECT CAST($key AS VARCHAR)", "optinLookupDriver", "org.h2.Driver"))) {
            assertThat(l.describe()).isEqualTo("optinLookup jdbc:h2:mem:params");
            assertThat(l.find("Echo@Example.org", l.deadline()).value()).contains("echo@example.org");
        }
        for (String u : List.of("jdbc:postgresql://jexim:Url-Secret-Pw@db.example:5432/mail?ssl=true",
            "jdbc:oracle:thin:jexim/Url-Secret-Pw@//db.example:1521/mail", "jdbc:sqlserver://db.example;user=jexim;password=Url-Secret-Pw")) {
            assertThat(org.jamesexim.common.jdbc.JdbcUrlSecrets.passwords(u)).as(u).containsExactly("Url-Secret-Pw");
            assertThat(org.jamesexim.common.jdbc.JdbcUrlSecrets.shown(u, List.of())).as(u).doesNotContain("Url-Secret").doesNotContain("jexim");
        }
    }
}
