package org.jamesexim.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.jamesexim.it.demo.Demo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "Walkthrough", run as written: {@link EmbeddedJames} boots exactly what {@code ./run-james} boots
 * ({@code james-config/} with its {@code demo/}), with random ports and a temporary James home as the only
 * differences; then every command line of the section's code blocks runs in bash (real swaks, curl and the CLI JAR,
 * from a folder where {@code run/james} is that home and {@code cli/} the repository's), with the README's ports
 * replaced by the random ones, and what each line must show is checked: our marks on local mail, the forwarded copy
 * at the demo MX ARC-sealed (verified by the CLI from the demo's DNS file) with an SRS0 sender (reversed by the CLI
 * with the demo's secret), the bounce to it sent back to the original sender, the sealed copy passing ARC
 * verification, the bounce with the DSN extra fields in demo's INBOX, and the queuefile way out and back.
 */
class WalkthroughIT {
    static final Path REPO = JamesHarness.defaultConfigDir().getParent();
    @TempDir
    static Path tmp;
    static JamesHarness james;
    static String startup;
    static Path home;
    static Path sandbox;

    @BeforeAll
    static void boot() throws Exception {
        home = tmp.resolve("james");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        james = EmbeddedJames.start(new String[] {"--random-ports", "--work-dir", home.toString()},
            new PrintStream(out, true, StandardCharsets.UTF_8));
        startup = out.toString(StandardCharsets.UTF_8);
        sandbox = Files.createDirectories(tmp.resolve("repo"));
        Files.createDirectories(sandbox.resolve("run"));
        Files.createSymbolicLink(sandbox.resolve("run/james"), home);
        Files.createSymbolicLink(sandbox.resolve("cli"), REPO.resolve("cli"));
    }

    @AfterAll
    static void stop() {
        if (james != null) {
            james.close();
        }
    }

    @Test
    void startupSaysInOneLineEachWhetherTheOutsideServicesAreUsedAndShowsNoSecret() throws Exception {
        List<String> lines = startup.lines().toList();
        int ready = lines.indexOf(lines.stream().filter(l -> l.startsWith("JAMES READY")).findFirst().orElseThrow());
        for (String service : List.of("demo: rspamd ", "demo: dovecot auth ", "demo: dccifd ")) {
            assertThat(lines.subList(0, ready)).as(service).filteredOn(l -> l.startsWith(service)).hasSize(1);
        }
        assertThat(lines.subList(0, ready)).anyMatch(l -> l.startsWith("demo: mail for @remote.test goes to the demo MX on 127.0.0.1:"));
        assertThat(startup).doesNotContain(Files.readString(james.demo().srsSecretFile()).trim())
            .doesNotContain(Files.readAllLines(home.resolve("demo/arc.pem")).get(1));
        for (String f : List.of("demo/arc.pem", "demo/srs-secret")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve(f)))).as(f).isEqualTo("rw-------");
        }
        assertThat(Files.readString(james.demo().arcDnsFile())).startsWith("{\"demo._domainkey.example.test\": \"v=DKIM1; k=rsa; p=");
    }

    /** The demo's files are the sample's plus blocks between demo: and /demo comments, nothing else. */
    @Test
    void theDemoFilesAreTheSampleConfigurationPlusMarkedBlocks() throws Exception {
        Path config = JamesHarness.defaultConfigDir();
        for (String name : List.of("mailetcontainer.xml", "smtpserver.xml")) {
            String demo = Files.readString(config.resolve("demo").resolve(name));
            String stripped = Pattern.compile("\\n[ \\t]*<!-- demo:.*?<!-- /demo -->", Pattern.DOTALL).matcher(demo).replaceAll("");
            assertThat(withoutFirstComment(stripped)).as("james-config/demo/" + name + " without its demo: blocks")
                .isEqualTo(withoutFirstComment(Files.readString(config.resolve(name))));
        }
    }

    private static String withoutFirstComment(String xml) {
        int a = xml.indexOf("<!--");
        return xml.substring(0, a) + xml.substring(xml.indexOf("-->", a) + 3);
    }

    @Test
    void theReadmeWalkthroughRunsAsWritten() throws Exception {
        List<String> commands = readmeCommands();
        assertThat(commands).as("README walkthrough commands").hasSize(13);
        String srs = null;
        for (String line : commands) {
            String cmd = line.replace("127.0.0.1:2525", "127.0.0.1:" + james.smtpPort())
                .replace("127.0.0.1:1143", "127.0.0.1:" + james.imapPort());
            if (cmd.startsWith("SRS=")) {
                srs = bash(cmd + "; printf '%s' \"$SRS\"", srs).trim();
                assertThat(srs).matches("SRS0=[A-Za-z0-9+/]{6}=[A-Z2-7]{2}=remote\\.test=alice@example\\.test");
                continue;
            }
            if (cmd.startsWith("head -3 run/james/demo-mx/001.eml")) {
                awaitFile(home.resolve("demo-mx/001.eml"));
            }
            if (cmd.startsWith("curl")) {
                awaitInbox("Subject: walkthrough 1"); // delivery takes a moment after swaks returns
            }
            String out = bash(cmd, srs);
            if (cmd.startsWith("swaks")) {
                assertThat(out).as(cmd).contains("<-  250 2.6.0 Message received");
            }
            if (cmd.startsWith("curl")) {
                assertThat(out).contains("Subject: walkthrough 1").contains("Authentication-Results: mx.example.test;")
                    .contains("arc=none smtp.remote-ip=127.0.0.1").contains("X-Jexim-Received: helo=");
            } else if (cmd.startsWith("head -3")) {
                assertThat(out).startsWith("Return-Path: <SRS0=").contains("=remote.test=alice@example.test>")
                    .contains("Delivered-To: " + Demo.FRIEND);
                String sealed = Files.readString(home.resolve("demo-mx/001.eml"), StandardCharsets.ISO_8859_1);
                assertThat(sealed.replace("\r\n\t", " ")).containsPattern("ARC-Seal: a=rsa-sha256; b=[^;]+; cv=none; d=example\\.test; i=1; s=demo;");
            } else if (cmd.contains(" arc-verify ")) {
                assertThat(out.trim()).isEqualTo("{\"state\":\"pass\",\"reason\":\"\",\"domains\":[\"example.test\"],\"oldest_pass\":1}");
            } else if (cmd.contains(" srs-reverse ")) {
                assertThat(out.trim()).isEqualTo("alice@remote.test");
            } else if (cmd.contains("--from '<>'")) {
                String back = Files.readString(awaitFile(home.resolve("demo-mx/002.eml")), StandardCharsets.ISO_8859_1);
                assertThat(back).startsWith("Return-Path: <>\r\nDelivered-To: alice@remote.test\r\n").contains("X-Jexim-SRS: reversed")
                    .contains("Subject: bounce of walkthrough 2");
            } else if (cmd.contains("--data @run/james/demo-mx/001.eml")) {
                assertThat(awaitInbox("X-Jexim-ARC: pass")).contains("arc=pass (i=1) header.s=demo arc.oldest-pass=1").contains("Subject: walkthrough 2");
            } else if (cmd.contains("--to refused@remote.test")) {
                String bounce = awaitInbox("Final-Recipient: rfc822; refused@remote.test");
                assertThat(bounce).contains("Subject: Mail delivery failed: returning message to sender")
                    .contains("Remote-MTA: X-ip; [127.0.0.1]:" + james.demo().mx().port() + "\r\n")
                    .contains("X-Remote-MTA-smtp-greeting: X-str; 220 capture.remote.test ESMTP\r\n")
                    .contains("X-Remote-MTA-helo-response: X-str; 250-capture.remote.test");
                assertThat(bounce.replace("\r\n ", " ")).contains("X-James-Exim-Diagnostic: X-str; SMTP error from remote mail server after "
                    + "RCPT TO:<refused@remote.test>: 550 5.1.1 <refused@remote.test>");
            } else if (cmd.contains("--to queuefile@example.test")) {
                awaitFiles(james.demo().queuefileOut(), 2);
                assertThat(awaitInbox(null).contains("walkthrough 4")).isFalse();
            } else if (cmd.contains(" queuefile list ")) {
                assertThat(out).containsPattern("\\S+ \\d+ <alice@remote.test> queuefile@example.test");
            } else if (cmd.startsWith("cd run/james/demo/queuefile")) {
                assertThat(awaitInbox("Subject: walkthrough 4")).contains("Authentication-Results: mx.example.test;");
                assertThat(james.demo().queuefileOut()).isEmptyDirectory();
                awaitFiles(james.demo().queuefileIn().resolve("done"), 2);
            }
        }
        assertThat(srs).isNotNull();
    }

    /** The command lines of the README's Walkthrough: the lines of its code blocks that start at the margin. */
    static List<String> readmeCommands() throws IOException {
        String readme = Files.readString(REPO.resolve("README.md"));
        int start = readme.indexOf("\n## Walkthrough\n");
        assertThat(start).as("README has a Walkthrough section").isPositive();
        int end = readme.indexOf("\n## ", start + 5);
        List<String> commands = new ArrayList<>();
        boolean inBlock = false;
        for (String line : readme.substring(start, end).split("\n")) {
            if (line.equals("```")) {
                inBlock = !inBlock;
            } else if (inBlock && !line.isBlank()) {
                commands.add(line);
            }
        }
        return commands;
    }

    /** One line in bash, in the sandbox (run/james, cli/), with this JVM's java first on the PATH; stdout and stderr. */
    static String bash(String command, String srs) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", command).directory(sandbox.toFile()).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.put("PATH", Paths.get(System.getProperty("java.home"), "bin") + ":" + env.getOrDefault("PATH", "/usr/bin:/bin"));
        if (srs != null) {
            env.put("SRS", srs);
        }
        Process p = pb.start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as(command).isTrue();
        String text = new String(out, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(command + " (swaks and curl come from .ci/install.d/00-base.sh)\n" + text).isZero();
        return text;
    }

    static Path awaitFile(Path file) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!Files.exists(file)) {
            assertThat(System.nanoTime()).as("waiting for " + file).isLessThan(deadline);
            Thread.sleep(200);
        }
        return file;
    }

    static void awaitFiles(Path dir, int count) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            try (Stream<Path> s = Files.exists(dir) ? Files.list(dir).filter(Files::isRegularFile) : Stream.empty()) {
                if (s.count() >= count) {
                    return;
                }
            }
            assertThat(System.nanoTime()).as("waiting for " + count + " files in " + dir).isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    /** The first message of demo's INBOX containing {@code needle}, waiting up to 60 s; null: all of them, now. */
    static String awaitInbox(String needle) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            List<String> messages;
            try (ImapReader r = ImapReader.login("127.0.0.1", james.imapPort(), JamesHarness.DEMO_USER, JamesHarness.DEMO_PASSWORD)) {
                messages = r.messages("INBOX");
            }
            if (needle == null) {
                return String.join("\n", messages);
            }
            for (String m : messages) {
                if (m.contains(needle)) {
                    return m;
                }
            }
            assertThat(System.nanoTime()).as("waiting for a message with '" + needle + "' in demo's INBOX").isLessThan(deadline);
            Thread.sleep(300);
        }
    }
}
