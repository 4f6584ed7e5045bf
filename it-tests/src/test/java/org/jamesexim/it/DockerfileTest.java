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
        // join continuation lines, drop comments
        String text = Files.readString(docker.resolve("Dockerfile")).replaceAll("\\\\\\n", " ");
        return text.lines().map(String::trim).filter(l -> !l.isEmpty() && !l.startsWith("#")).collect(Collectors.toList());
    }

    @Test
    void baseIsTheOfficialJames381MemoryImage() throws Exception {
        assertThat(instructions().get(0)).isEqualTo("FROM apache/james:memory-3.8.1");
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
