package org.jamesexim.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

/** No Docker engine runs here: the Dockerfile is checked statically against the build. */
class DockerfileTest {
    private final Path docker = Paths.get(System.getProperty("jexim.docker.dir"));
    private final Path root = docker.getParent();

    private List<String> instructions() throws Exception {
        return instructions(docker.resolve("Dockerfile"));
    }

    private static List<String> instructions(Path dockerfile) throws Exception {
        // join continuation lines, drop comments, one blank between words
        String text = Files.readString(dockerfile).replaceAll("\\\\\\n", " ");
        return text.lines().map(String::trim).filter(l -> !l.isEmpty() && !l.startsWith("#"))
            .map(l -> l.replaceAll("\\s+", " ")).collect(Collectors.toList());
    }

    @Test
    void baseIsTheOfficialJames381MemoryImage() throws Exception {
        assertThat(instructions().get(0)).isEqualTo("FROM apache/james:memory-3.8.1");
        assertThat(Files.readString(docker.resolve("Dockerfile"))).startsWith("# syntax=docker/dockerfile:1.6"); // ADD --checksum
    }

    /** The ACCP JAR of both images is the build's (it-tests' dependency, the one BENCHMARKS.md measured): version and bytes. */
    @Test
    void accpIsTheBuildsJarAndStartsJamesThroughTheStartScript() throws Exception {
        Path jar = Paths.get(Class.forName("com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider")
            .getProtectionDomain().getCodeSource().getLocation().toURI());
        String name = jar.getFileName().toString();
        Matcher v = Pattern.compile("AmazonCorrettoCryptoProvider-([0-9.]+)-linux-x86_64\\.jar").matcher(name);
        assertThat(v.matches()).as(name).isTrue();
        String add = "ADD --checksum=sha256:" + sha256(jar) + " https://repo1.maven.org/maven2/software/amazon/cryptools/"
            + "AmazonCorrettoCryptoProvider/" + v.group(1) + "/" + name + " /root/accp/AmazonCorrettoCryptoProvider.jar";
        for (Path dockerfile : List.of(docker.resolve("Dockerfile"), docker.resolve("distributed/Dockerfile"))) {
            List<String> lines = instructions(dockerfile);
            assertThat(lines).as(dockerfile.toString()).contains(add, "COPY docker/accp/ /root/accp/", "ENV JEXIM_ACCP=true",
                "ENTRYPOINT [\"/bin/sh\", \"/root/accp/start-james.sh\"]");
        }
        assertThat(root.resolve("docker/accp/start-james.sh")).exists();
        assertThat(root.resolve("docker/accp/java.security")).exists();
    }

    /**
     * The provider list names ACCP first, then every provider of this JDK in its order (an override list replaces the
     * JDK's, so a provider left out would be gone from James's JVM).
     */
    @Test
    void providerListIsAccpThenEveryJdkProviderInOrder() throws Exception {
        java.util.Properties p = new java.util.Properties();
        try (java.io.Reader r = Files.newBufferedReader(root.resolve("docker/accp/java.security"))) {
            p.load(r);
        }
        List<String> listed = new java.util.ArrayList<>();
        for (int i = 1; p.getProperty("security.provider." + i) != null; i++) {
            listed.add(p.getProperty("security.provider." + i));
        }
        assertThat(p.stringPropertyNames()).allMatch(k -> k.startsWith("security.provider."));
        assertThat(listed).hasSize(p.size());
        List<String> jdk = java.util.Arrays.stream(java.security.Security.getProviders()).map(java.security.Provider::getName)
            .filter(n -> !n.equals("AmazonCorrettoCryptoProvider")).collect(Collectors.toList());
        assertThat(listed.get(0)).isEqualTo("com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider");
        assertThat(listed.subList(1, listed.size())).containsExactlyElementsOf(jdk);
    }

    /** The start script run with a stand-in java: the official image's command, ACCP added unless JEXIM_ACCP=false. */
    @Test
    void startScriptRunsTheOfficialCommandWithAccpAddedUnlessSwitchedOff(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path java = bin.resolve("java");
        Files.writeString(java, "#!/bin/sh\nfor a in \"$@\"; do echo \"$a\"; done\n");
        java.toFile().setExecutable(true);
        Files.writeString(dir.resolve("jib-classpath-file"), "/root/resources:/root/classes:/root/libs/a.jar\n");
        Files.writeString(dir.resolve("jib-main-class-file"), "org.apache.james.MemoryJamesServerMain\n");
        List<String> official = List.of("-Dlogback.configurationFile=/root/conf/logback.xml", "-Dworking.directory=/root/",
            "-Djdk.tls.ephemeralDHKeySize=2048", "-Dextra.props=/root/conf/jvm.properties");

        List<String> on = run(dir, bin, null, 0);
        assertThat(on).containsSubsequence("-Djava.security.properties=" + dir + "/accp/java.security");
        assertThat(on).containsSubsequence(official).endsWith("-cp",
            "/root/resources:/root/classes:/root/libs/a.jar:" + dir + "/accp/AmazonCorrettoCryptoProvider.jar",
            "org.apache.james.MemoryJamesServerMain");
        assertThat(run(dir, bin, "true", 0)).isEqualTo(on);

        List<String> off = run(dir, bin, "false", 0);
        List<String> expected = new java.util.ArrayList<>(official);
        expected.addAll(List.of("-cp", "/root/resources:/root/classes:/root/libs/a.jar", "org.apache.james.MemoryJamesServerMain"));
        assertThat(off).containsExactlyElementsOf(expected);

        assertThat(run(dir, bin, "off", 64)).isEmpty();
    }

    private List<String> run(Path appRoot, Path bin, String accp, int exit) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("/bin/sh", root.resolve("docker/accp/start-james.sh").toString());
        pb.environment().put("PATH", bin + ":/usr/bin:/bin");
        pb.environment().put("JEXIM_APP_ROOT", appRoot.toString());
        pb.environment().remove("JEXIM_ACCP");
        if (accp != null) {
            pb.environment().put("JEXIM_ACCP", accp);
        }
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        Process proc = pb.start();
        List<String> out = new String(proc.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).lines()
            .collect(Collectors.toList());
        assertThat(proc.waitFor()).as("exit of JEXIM_ACCP=" + accp).isEqualTo(exit);
        return out;
    }

    private static String sha256(Path file) throws Exception {
        byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
        StringBuilder sb = new StringBuilder();
        for (byte b : d) {
            sb.append(String.format("%02x", b));
        }
        return sb.toString();
    }

    @Test
    void everyCopySourceExistsInTheBuildContext() throws Exception {
        List<String> copies = instructions().stream().filter(l -> l.startsWith("COPY ")).collect(Collectors.toList());
        assertThat(copies).hasSizeGreaterThanOrEqualTo(2);
        for (String copy : copies) {
            String[] words = copy.split("\\s+");
            String source = words[1];
            if (source.startsWith("pack/target/")) {
                // made by the build: its name must be the pack module's finalName
                continue;
            }
            assertThat(root.resolve(source)).as(copy).exists();
        }
    }

    @Test
    void jarNameIsWhatThePackModuleBuildsAndGoesToExtensionsJars() throws Exception {
        Matcher m = Pattern.compile("<finalName>([^<]+)</finalName>").matcher(Files.readString(root.resolve("pack/pom.xml")));
        assertThat(m.find()).isTrue();
        String jar = m.group(1) + ".jar";
        assertThat(instructions()).contains("COPY pack/target/" + jar + " /root/extensions-jars/" + jar);
        assertThat(Files.readString(root.resolve("README.md"))).contains("pack/target/" + jar);
    }

    @Test
    void sampleConfigurationGoesToRootConfAndIsBootable() throws Exception {
        assertThat(instructions()).contains("COPY james-config/ /root/conf/");
        assertThat(root.resolve("james-config/mailetcontainer.xml")).content().contains("<name>bcc</name>");
        // the sed in the Dockerfile must find the binds it rewrites
        assertThat(root.resolve("james-config/smtpserver.xml")).content().contains("<bind>127.0.0.1:");
        assertThat(root.resolve("james-config/imapserver.xml")).content().contains("<bind>127.0.0.1:");
    }
}
