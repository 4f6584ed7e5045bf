package org.jamesexim.it.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.jamesexim.common.testing.RsaTestKey;
import org.jamesexim.it.JamesHarness;
import org.jamesexim.it.config.SnippetParametersTest.Snippet;
import org.junit.jupiter.api.Test;

/**
 * The XML operators copy boots: every snippet of the Javadoc of the pack's mailets, matchers and hooks and every XML
 * block of README.md and docs/*.md (those {@link SnippetParametersTest#snippets()} finds, with a pack class in them)
 * is put, as written, into one real James 3.8.1, which must start. James initialises every mailet, matcher and
 * handler of its configuration at start, so a snippet whose class refuses it (an unknown or bad parameter, a file it
 * cannot use) stops the boot. james-config/ itself is booted by the other tests.
 *
 * <ul>
 * <li>The {@code <mailet>}s of a snippet become one processor of their own ({@code snippet-N}); a snippet that writes
 * its own {@code <processor>}s keeps them, renamed {@code snippet-N-state} (and so are the references to them inside
 * it). A {@code <mailet>} whose body is {@code ...} (a James mailet shown only by name) is left out.</li>
 * <li>The {@code <handler>}s of a snippet become the handler chain of one more {@code <smtpserver>}, a copy of
 * james-config's with its own port, so that each chain is booted as written (a second auth hook in one chain is not
 * what any snippet shows).</li>
 * <li>The files a snippet names are made first: {@code file://conf/NAME} in James's conf/, an absolute
 * {@code /etc/...}, {@code /var/...} or {@code /run/...} path under the test's home (the value is rewritten to it). A
 * {@code .pem} is an RSA key, a name with {@code secret} or {@code password} a fresh random secret (mode 0600), a
 * {@code <directory>} a directory, anything else an empty lookup file.</li>
 * </ul>
 *
 * When the boot fails, each snippet is booted alone, and the failure names the snippets (file and class) that do not
 * boot with James's reason.
 */
class SnippetBootTest {
    private static final Pattern COMMENT = Pattern.compile("<!--.*?-->", Pattern.DOTALL);
    private static final Pattern PROCESSOR = Pattern.compile("<processor\\b[^>]*\\bstate=\"([^\"]+)\"[^>]*>.*?</processor>", Pattern.DOTALL);
    private static final Pattern MAILET = Pattern.compile("<mailet\\b[^>]*/>|<mailet\\b[^>]*[^/]>(.*?)</mailet>", Pattern.DOTALL);
    private static final Pattern HANDLERCHAIN = Pattern.compile("<handlerchain>(.*?)</handlerchain>", Pattern.DOTALL);
    private static final Pattern HANDLER = Pattern.compile("<handler\\b[^>]*/>|<handler\\b[^>]*[^/]>.*?</handler>", Pattern.DOTALL);
    private static final Pattern LEAF = Pattern.compile("<([A-Za-z_][\\w.\\-]*)>([^<]*)</\\1>");
    private static final Pattern ABSOLUTE_PATH = Pattern.compile("(?<![\\w/])/(?:etc|var|run)/[\\w./\\-]+");
    private static final Pattern CONF_FILE = Pattern.compile("file://conf/([\\w.\\-]+)");
    private static final String CORE = "<handler class=\"org.apache.james.smtpserver.CoreCmdHandlerLoader\"/>";
    private static final SecureRandom RANDOM = new SecureRandom();

    /** The snippets that name a pack class (as a mailet, matcher or handler), james-config/ left out. */
    static List<Snippet> bootable() throws IOException {
        List<Snippet> out = new ArrayList<>();
        for (Snippet s : SnippetParametersTest.snippets()) {
            if (s.where.startsWith("james-config")) {
                continue;
            }
            boolean pack = SnippetParametersTest.uses(s, false).stream()
                .anyMatch(u -> SnippetParametersTest.isPackClass(u.className) || u.match != null && SnippetParametersTest.isPackClass(u.match));
            if (pack) {
                out.add(s);
            }
        }
        return out;
    }

    @Test
    void everyJavadocAndDocSnippetBootsInJames() throws Exception {
        List<Snippet> snippets = bootable();
        Set<String> places = snippets.stream().map(s -> s.where).collect(Collectors.toCollection(LinkedHashSet::new));
        assertThat(snippets).as("snippets booted").hasSizeGreaterThan(35);
        assertThat(places).as("where they are").contains("README.md", "docs/arc.md", "docs/srs.md", "docs/dsn-protocol-detail.md",
            "mailets/src/main/java/org/jamesexim/mailets/ArcSeal.java", "mailets/src/main/java/org/jamesexim/mailets/SrsForward.java",
            "mailets/src/main/java/org/jamesexim/mailets/QueueFile.java", "smtp-hooks/src/main/java/org/jamesexim/smtp/DovecotAuthHook.java",
            "matchers/src/main/java/org/jamesexim/matchers/DmarcResult.java");

        String together = boot(snippets);
        if (together == null) {
            return;
        }
        List<String> alone = new ArrayList<>();
        for (Snippet s : snippets) {
            String failure = boot(List.of(s));
            if (failure != null) {
                alone.add(name(s) + ": " + failure);
            }
        }
        assertThat(alone).as("snippets that do not boot alone (together: " + together + ")").isEmpty();
        throw new AssertionError("every snippet boots alone, but not all together: " + together);
    }

    /**
     * Every snippet (james-config/ files too) is well-formed XML, as James's parser needs: a comment inside a comment
     * ends the outer one early and leaves the rest live, or refused.
     */
    @Test
    void everySnippetIsWellFormedXml() throws Exception {
        javax.xml.parsers.DocumentBuilderFactory factory = javax.xml.parsers.DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        List<String> problems = new ArrayList<>();
        int parsed = 0;
        for (Snippet s : SnippetParametersTest.snippets()) {
            String xml = s.where.startsWith("james-config") ? s.xml : "<snippet>" + s.xml + "</snippet>";
            if (!s.where.startsWith("james-config") && !s.xml.contains("<")) {
                continue;
            }
            javax.xml.parsers.DocumentBuilder builder = factory.newDocumentBuilder();
            builder.setErrorHandler(null);
            try {
                builder.parse(new org.xml.sax.InputSource(new java.io.StringReader(xml)));
                parsed++;
            } catch (org.xml.sax.SAXException e) {
                problems.add(name(s) + ": " + e.getMessage());
            }
        }
        assertThat(problems).as("snippets that are not well-formed XML").isEmpty();
        assertThat(parsed).isGreaterThan(50);
    }

    /** The test can fail: a snippet its class refuses stops James, and the failure says why. */
    @Test
    void aSnippetItsClassRefusesDoesNotBoot() throws Exception {
        Snippet bad = new Snippet("docs/example.md", null, "<mailet match=\"All\" class=\"org.jamesexim.mailets.ArcSeal\">\n"
            + "    <authservId>mx.example.test</authservId>\n    <domain>example.test</domain>\n    <selector>arc</selector>\n"
            + "    <key>/etc/james/arc/arc.pem</key>\n    <timestamps>maybe</timestamps>\n</mailet>\n");
        assertThat(boot(List.of(bad))).contains("timestamps").contains("maybe");

        Snippet badHook = new Snippet("docs/example.md", null, "<handler class=\"org.jamesexim.smtp.DccHook\">\n"
            + "    <mode>sometimes</mode>\n</handler>\n");
        assertThat(boot(List.of(badHook))).contains("mode").contains("sometimes");
    }

    static String name(Snippet s) {
        Set<String> classes = new LinkedHashSet<>();
        SnippetParametersTest.uses(s, false).forEach(u -> {
            if (SnippetParametersTest.isPackClass(u.className)) {
                classes.add(u.className.replaceFirst(".*\\.", ""));
            }
            if (u.match != null && SnippetParametersTest.isPackClass(u.match)) {
                classes.add(u.match.replaceFirst("=.*", "").replaceFirst(".*\\.", ""));
            }
        });
        return s.where + " " + classes;
    }

    /** Boots james-config with these snippets added; null when James started, else why it did not. */
    static String boot(List<Snippet> snippets) throws IOException {
        Path home = Files.createTempDirectory("snippet-boot-");
        try {
            Path conf = Files.createDirectories(home.resolve("conf"));
            Path config = JamesHarness.defaultConfigDir();
            StringBuilder processors = new StringBuilder();
            StringBuilder servers = new StringBuilder();
            String smtpTemplate = Files.readString(config.resolve("smtpserver.xml"), StandardCharsets.UTF_8);
            Matcher server = Pattern.compile("<smtpserver\\b.*?</smtpserver>", Pattern.DOTALL).matcher(smtpTemplate);
            assertThat(server.find()).as("james-config/smtpserver.xml has an <smtpserver>").isTrue();
            int n = 0;
            for (Snippet s : snippets) {
                n++;
                String xml = withFiles(COMMENT.matcher(s.xml).replaceAll(" "), home, conf);
                processors.append("<!-- ").append(name(s).replace("--", "- -")).append(" -->\n");
                processors.append(processorsOf(xml, "snippet-" + n));
                String chain = chainOf(xml);
                if (chain != null) {
                    servers.append(server.group()
                        .replaceFirst("<jmxName>[^<]*</jmxName>", "<jmxName>snippet-" + n + "</jmxName>")
                        .replaceFirst("(?s)<handlerchain>.*</handlerchain>", Matcher.quoteReplacement("<handlerchain>" + chain + "</handlerchain>")))
                        .append('\n');
                }
            }
            String mailets = Files.readString(config.resolve("mailetcontainer.xml"), StandardCharsets.UTF_8)
                .replace("</processors>", processors + "</processors>");
            String smtp = smtpTemplate.replace("</smtpservers>", servers + "</smtpservers>");
            try (JamesHarness james = JamesHarness.builder().workingDirectory(home).withoutDemo()
                    .config("mailetcontainer.xml", mailets).config("smtpserver.xml", smtp).start()) {
                return null;
            } catch (RuntimeException e) {
                return reasons(e);
            }
        } finally {
            JamesHarness.deleteTree(home);
        }
    }

    /** The snippet's processors, renamed, or its mailets in one processor {@code name}; empty without mailets. */
    static String processorsOf(String xml, String name) {
        List<String> states = new ArrayList<>();
        Matcher p = PROCESSOR.matcher(xml);
        while (p.find()) {
            states.add(p.group(1));
        }
        if (!states.isEmpty()) {
            StringBuilder out = new StringBuilder();
            p.reset();
            while (p.find()) {
                String text = p.group();
                for (String state : states) {
                    text = text.replace("state=\"" + state + "\"", "state=\"" + name + "-" + state + "\"")
                        .replaceAll(">\\s*" + Pattern.quote(state) + "\\s*<", ">" + name + "-" + state + "<");
                }
                out.append(dropElided(text)).append('\n');
            }
            return out.toString();
        }
        StringBuilder mailets = new StringBuilder();
        Matcher m = MAILET.matcher(xml);
        while (m.find()) {
            if (m.group(1) == null || !m.group(1).trim().equals("...")) {
                mailets.append(m.group()).append('\n');
            }
        }
        return mailets.length() == 0 ? "" : "<processor state=\"" + name + "\" enableJmx=\"false\">\n" + mailets + "</processor>\n";
    }

    static String dropElided(String processor) {
        return MAILET.matcher(processor).replaceAll(m -> m.group(1) != null && m.group(1).trim().equals("...") ? "" : Matcher.quoteReplacement(m.group()));
    }

    /** The snippet's handler chain (its {@code <handlerchain>}, else its handlers), ending in James's core; null without handlers. */
    static String chainOf(String xml) {
        Matcher c = HANDLERCHAIN.matcher(xml);
        String chain;
        if (c.find()) {
            chain = c.group(1);
        } else {
            StringBuilder handlers = new StringBuilder();
            Matcher h = HANDLER.matcher(xml);
            while (h.find()) {
                handlers.append(h.group()).append('\n');
            }
            chain = handlers.toString();
        }
        if (!chain.contains("<handler")) {
            return null;
        }
        return chain.contains("CoreCmdHandlerLoader") ? chain : chain + CORE + "\n";
    }

    /** Makes the files the snippet's values name, rewriting absolute paths to ones under {@code home}. */
    static String withFiles(String xml, Path home, Path conf) {
        return LEAF.matcher(xml).replaceAll(leaf -> {
            String element = leaf.group(1);
            String value = leaf.group(2);
            Matcher f = CONF_FILE.matcher(value);
            while (f.find()) {
                make(conf.resolve(f.group(1)), element);
            }
            String rewritten = ABSOLUTE_PATH.matcher(value).replaceAll(a -> {
                Path p = home.resolve("root" + a.group());
                make(p, element);
                return Matcher.quoteReplacement(p.toString());
            });
            return Matcher.quoteReplacement("<" + element + ">" + rewritten + "</" + element + ">");
        });
    }

    static void make(Path p, String element) {
        try {
            if (Files.exists(p)) {
                return;
            }
            Files.createDirectories(p.getParent());
            String file = p.getFileName().toString();
            if (element.equals("directory")) {
                Files.createDirectories(p);
            } else if (file.endsWith(".pem")) {
                RsaTestKey.generate(2048).writePem(p);
            } else if (file.contains("secret") || file.contains("password")) {
                byte[] secret = new byte[24];
                RANDOM.nextBytes(secret);
                Files.writeString(p, HexFormat.of().formatHex(secret) + "\n", StandardCharsets.US_ASCII);
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-------"));
            } else {
                Files.createFile(p);
            }
        } catch (IOException e) {
            throw new AssertionError("cannot make " + p + ": " + e, e);
        }
    }

    /** The messages of the cause chain, each shortened. */
    static String reasons(Throwable e) {
        List<String> out = new ArrayList<>();
        for (Throwable t = e; t != null && out.size() < 8; t = t.getCause() == t ? null : t.getCause()) {
            String m = String.valueOf(t.getMessage());
            out.add(m.length() > 400 ? m.substring(0, 400) + "..." : m);
        }
        return String.join(" <- ", out);
    }
}
