package org.jamesexim.srs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

/** The rules for SRS secrets: length, published examples, the secrets file. */
class SrsSecretsTest {
    @TempDir
    Path dir;

    /** A secret of our own, as the tests make them. */
    static String fresh() {
        byte[] b = new byte[32];
        new SecureRandom().nextBytes(b);
        return Base64.getEncoder().encodeToString(b);
    }

    @Test
    void shortAndPublishedSecretsAreRefusedNamingTheParameterNeverTheSecret() {
        String good = fresh();
        assertThatCode(() -> SrsSecrets.check("secrets", List.of(good, fresh()))).doesNotThrowAnyException();
        assertThatThrownBy(() -> SrsSecrets.check("secrets", List.of(good, "fifteen-octets!")))
            .hasMessageStartingWith("secrets: secret 2 of 2 is 15 octets long; at least 16")
            .hasMessageNotContaining("fifteen").hasMessageNotContaining(good);
        assertThat(SrsSecrets.MIN_OCTETS).isEqualTo(16);
        assertThatCode(() -> SrsSecrets.check("secrets", List.of("sixteen-octets!!"))).doesNotThrowAnyException();
        for (String published : List.of("change-me-new", "Change-Me-Something-Long-Enough", "change-me-and-make-it-long-too", "tops3cr3t",
            "s3condFwdS3cret")) {
            assertThatThrownBy(() -> SrsSecrets.check("eximSecret", List.of(published))).as(published)
                .hasMessageStartingWith("eximSecret: secret 1 of 1 is").hasMessageNotContaining(published);
        }
        assertThatThrownBy(() -> SrsSecrets.check("secrets", List.of(good, "change-me-but-it-is-long-enough")))
            .hasMessageContaining("secret 2 of 2 is an example published").hasMessageContaining("openssl rand");
    }

    @Test
    void everySecretInTheRepositorysDocsExamplesAndVectorsIsRefused() throws IOException {
        Path root = repositoryRoot();
        Set<String> found = new LinkedHashSet<>();
        List<Pattern> patterns = List.of(Pattern.compile("<secrets>([^<]*)</secrets>"), Pattern.compile("<eximSecret>([^<]*)</eximSecret>"),
            Pattern.compile("<srs_config>([^<]*)</srs_config>"), Pattern.compile("--secret[ =]([^\\s\\]`'\"]+)"),
            Pattern.compile("\"--secret\", \"([^\"]+)\""));
        List<Path> files = new ArrayList<>();
        // what an operator reads and copies: docs, sample configurations, the Javadoc of the classes, benchmark scripts
        for (String top : List.of("docs", "james-config", "docker", "README.md", "BENCHMARKS.md", "cli/src/main", "mailets/src/main",
            "smtp-hooks/src/main", "matchers/src/main", "engines/srs/src/main", "benchmarks/srs", "benchmarks/load", "benchmarks/src")) {
            Path p = root.resolve(top);
            if (Files.isRegularFile(p)) {
                files.add(p);
            } else if (Files.isDirectory(p)) {
                try (Stream<Path> s = Files.walk(p)) {
                    s.filter(Files::isRegularFile).filter(f -> !f.toString().contains("/target/"))
                        .filter(f -> f.toString().matches(".*\\.(md|xml|java|yml|yaml|sh|pl|properties)$")).forEach(files::add);
                }
            }
        }
        for (Path f : files) {
            String text = Files.readString(f);
            for (Pattern pat : patterns) {
                Matcher m = pat.matcher(text);
                while (m.find()) {
                    String value = m.group(1).trim();
                    if (pat.pattern().startsWith("<srs_config>")) {
                        value = SrsConfig.splitEximList(value).get(0);
                        found.add(value);
                    } else if (pat.pattern().startsWith("<secrets>")) {
                        found.addAll(SrsConfig.splitEximList(value));
                    } else {
                        found.add(value);
                    }
                }
            }
        }
        JsonNode vectors = SrsVectorsTest.vectors();
        vectors.get("vectors").forEach(v -> v.get("secrets").forEach(s -> found.add(s.asText())));
        vectors.get("exim_native_vectors").forEach(v -> found.add(v.get("secret").asText()));
        found.remove(""); // Exim's empty secret: not a secret (refused as empty)
        found.removeIf(s -> s.startsWith("$") || s.startsWith("{")); // code building the value
        // (the docs no longer carry the change-me-* examples; SrsSecrets refuses them all the same)
        assertThat(found).as("secrets found in docs, examples and vectors").contains("tops3cr3t", "n3wS3cret");
        assertThat(SrsSecrets.isPublished("change-me-new") && SrsSecrets.isPublished("change-me-old")).isTrue();
        List<String> accepted = new ArrayList<>();
        for (String s : found) {
            try {
                SrsSecrets.check("secrets", List.of(s));
                accepted.add(s);
            } catch (IllegalArgumentException expected) {
                // refused, as it must be
            }
        }
        assertThat(accepted).as("secrets published in docs/examples that a server would accept").isEmpty();
    }

    static Path repositoryRoot() {
        for (Path p = Paths.get("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("docs/srs.md"))) {
                return p;
            }
        }
        throw new AssertionError("no docs/srs.md above " + Paths.get("").toAbsolutePath());
    }

    @Test
    void aSecretsFileMustBeClosedToOtherUsersAndSmall() throws IOException {
        String secret = fresh();
        Path file = dir.resolve("srs-secrets");
        Files.writeString(file, "# the first line signs\n" + secret + "\r\n\n  " + fresh() + "  \n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        assertThat(SrsSecrets.readFile("secretsFile", file)).hasSize(2).first().isEqualTo(secret);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
        assertThat(SrsSecrets.readFile("secretsFile", file)).hasSize(2);
        for (String mode : List.of("rw-r--r--", "rw-rw----", "rw-----w-", "rw------x")) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
            assertThatThrownBy(() -> SrsSecrets.readFile("secretsFile", file)).as(mode)
                .hasMessageStartingWith("secretsFile: " + file + " has mode " + mode).hasMessageContaining("chmod 600")
                .hasMessageNotContaining(secret);
        }
        Path big = dir.resolve("big");
        Files.writeString(big, (fresh() + "\n").repeat(2000));
        Files.setPosixFilePermissions(big, PosixFilePermissions.fromString("rw-------"));
        assertThatThrownBy(() -> SrsSecrets.readFile("secretsFile", big)).hasMessageContaining("at most 65536");
        Path empty = dir.resolve("empty");
        Files.writeString(empty, "# nothing yet\n\n");
        Files.setPosixFilePermissions(empty, PosixFilePermissions.fromString("rw-------"));
        assertThatThrownBy(() -> SrsSecrets.readFile("secretsFile", empty)).hasMessageContaining("holds no secret");
        assertThatThrownBy(() -> SrsSecrets.readFile("secretsFile", dir.resolve("missing"))).hasMessageContaining("cannot read");
    }
}
