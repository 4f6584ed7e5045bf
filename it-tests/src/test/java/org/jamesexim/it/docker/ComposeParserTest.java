package org.jamesexim.it.docker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.jamesexim.common.testing.Prerequisites;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * {@code docker/distributed/docker-compose.yml} read by the real compose parser (Debian's {@code docker-compose}:
 * {@code config} validates the file against the compose schema and resolves it without a Docker engine), beside the
 * static checks of {@link DistributedComposeTest}, which read the file with a plain YAML parser.
 */
class ComposeParserTest {
    private static final Path DIST = Paths.get(System.getProperty("jexim.docker.dir")).toAbsolutePath().normalize()
        .resolve("distributed");
    private static String composeProgram;

    @BeforeAll
    static void compose() {
        composeProgram = Prerequisites.require("docker-compose");
    }

    /** Exit code and output (stdout and stderr together) of {@code docker-compose -f FILE config}. */
    private static Map.Entry<Integer, String> config(Path file) throws Exception {
        Process p = new ProcessBuilder(composeProgram, "--project-directory", DIST.toString(), "-f", file.toString(),
            "config").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return Map.entry(p.exitValue(), out);
    }

    @Test
    @SuppressWarnings("unchecked")
    void theComposeParserAcceptsTheFileAndSeesTheSameServices() throws Exception {
        Map.Entry<Integer, String> r = config(DIST.resolve("docker-compose.yml"));
        assertThat(r.getKey()).as(r.getValue()).isZero();
        Map<String, Object> resolved = new Yaml().load(r.getValue());
        Map<String, Object> raw;
        try (Reader in = Files.newBufferedReader(DIST.resolve("docker-compose.yml"))) {
            raw = new Yaml().load(in);
        }
        Map<String, Map<String, Object>> services = (Map<String, Map<String, Object>>) resolved.get("services");
        assertThat(services.keySet()).isEqualTo(((Map<String, Object>) raw.get("services")).keySet());
        // every bind mount the parser resolved exists in the repository
        for (Map.Entry<String, Map<String, Object>> s : services.entrySet()) {
            for (Object v : (List<Object>) s.getValue().getOrDefault("volumes", List.of())) {
                String source = v.toString().split(":")[0];
                if (source.startsWith("/")) {
                    assertThat(Paths.get(source)).as("bind mount of %s", s.getKey()).exists();
                }
            }
        }
    }

    @Test
    void theComposeParserRefusesAFileOutsideTheSchema(@TempDir Path dir) throws Exception {
        String yml = Files.readString(DIST.resolve("docker-compose.yml"));
        Path broken = dir.resolve("docker-compose.yml");
        Files.writeString(broken, yml.replaceFirst("(?m)^services:", "services:\n  bad:\n    image: busybox\n    no_such_key: 1"));
        Map.Entry<Integer, String> r = config(broken);
        assertThat(r.getKey()).isNotZero();
        assertThat(r.getValue()).contains("no_such_key");
    }
}
