package org.jamesexim.it.docker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * ACCP for James's whole JVM the non-Docker way (README.md, "Fast signing"): the JAR on James's class path and
 * {@code -Djava.security.properties=docker/accp/java.security}. In a JVM started so, with no code calling ACCP, the
 * embedded James's ArcSeal signs through ACCP (the engine's KeyFactory and SHA256withRSA lookups answer
 * AmazonCorrettoCryptoProvider) and the seal verifies at the next hop; without the property, the same JVM signs with
 * the JDK's SunRsaSign. What the Docker image's start script does (DockerfileTest runs that script).
 */
class AccpJvmTest {
    static final Path SECURITY = Paths.get(System.getProperty("jexim.docker.dir")).resolve("accp/java.security").toAbsolutePath();

    static Map<String, String> probe(boolean accp) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString()));
        if (accp) {
            cmd.add("-Djava.security.properties=" + SECURITY);
        }
        for (String p : List.of("james.exit.on.startup.error", "jexim.config.dir", "james.lifecycle.leak.detection.mode")) {
            if (System.getProperty(p) != null) {
                cmd.add("-D" + p + "=" + System.getProperty(p));
            }
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), AccpProbe.class.getName()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        Map<String, String> out = new LinkedHashMap<>();
        StringBuilder all = new StringBuilder();
        try (java.io.BufferedReader r = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(),
            java.nio.charset.StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                all.append(line).append('\n');
                int eq = line.indexOf('=');
                if (eq > 0 && line.matches("(first|keyfactory|sign|sealed)=\\S+")) {
                    out.put(line.substring(0, eq), line.substring(eq + 1));
                }
            }
        }
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(all.toString()).isZero();
        return out;
    }

    @Test
    void withTheSecurityFileJamesSignsThroughAccpAndWithoutItThroughTheJdk() throws Exception {
        Map<String, String> on = probe(true);
        assertThat(on).containsEntry("first", "AmazonCorrettoCryptoProvider").containsEntry("keyfactory", "AmazonCorrettoCryptoProvider")
            .containsEntry("sign", "AmazonCorrettoCryptoProvider").containsEntry("sealed", "pass");
        Map<String, String> off = probe(false);
        assertThat(off).containsEntry("first", "SUN").containsEntry("sign", "SunRsaSign").containsEntry("sealed", "pass");
    }
}
