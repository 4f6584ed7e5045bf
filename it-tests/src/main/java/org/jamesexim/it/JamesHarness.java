package org.jamesexim.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.apache.james.GuiceJamesServer;
import org.apache.james.MemoryJamesConfiguration;
import org.apache.james.MemoryJamesServerMain;
import org.apache.james.data.UsersRepositoryModuleChooser;
import org.apache.james.dnsservice.api.DNSService;
import org.apache.james.modules.protocols.ImapGuiceProbe;
import org.apache.james.modules.protocols.SmtpGuiceProbe;
import org.apache.james.utils.DataProbeImpl;
import org.apache.james.utils.WebAdminGuiceProbe;
import org.jamesexim.it.demo.Demo;

import com.google.inject.Module;

/**
 * A real Apache James 3.8.1 memory server, in this JVM, booted from the sample configuration in
 * {@code james-config/} with the given files replacing or adding to it.
 *
 * <p>The working directory is a fresh temporary folder: {@code conf/} holds the configuration,
 * {@code extensions-jars/} the JARs given with {@link Builder#extensionJar(Path)}. With {@link Builder#randomPorts()}
 * (the default for tests) every listener binds 127.0.0.1 on a free port and James resolves names through a
 * {@link LocalDns} the test fills, so nothing leaves the machine and no lookup waits for a timeout. The domain {@code example.test} and the user {@code demo@example.test} /
 * {@code demo} exist once {@link Builder#start()} returns.</p>
 *
 * <p>The configuration folder's {@code demo/} (in {@code james-config/}: what {@code ./run-james} shows) is laid over
 * it by default, with its generated material, demo MX and embedded DNS ({@link Demo}); {@link Builder#withoutDemo()}
 * boots the sample alone. Files a test sets with {@link Builder#config} are never replaced by the demo's.</p>
 */
public final class JamesHarness implements AutoCloseable {
    public static final String DOMAIN = "example.test";
    public static final String DEMO_USER = "demo@example.test";
    public static final String DEMO_PASSWORD = "demo";

    private final GuiceJamesServer server;
    private final Path workingDirectory;
    private final boolean deleteOnClose;
    private final LocalDns dns;
    private final Demo demo;

    private JamesHarness(GuiceJamesServer server, Path workingDirectory, boolean deleteOnClose, LocalDns dns, Demo demo) {
        this.server = server;
        this.workingDirectory = workingDirectory;
        this.deleteOnClose = deleteOnClose;
        this.dns = dns;
        this.demo = demo;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds the configuration folder and boots the server. */
    public static final class Builder {
        private Path configDir = defaultConfigDir();
        private Path workingDirectory;
        private final Map<String, byte[]> files = new LinkedHashMap<>();
        private final List<Path> extensionJars = new ArrayList<>();
        private final List<Module> overrides = new ArrayList<>();
        private boolean randomPorts = true;
        private LocalDns dns = new LocalDns();
        private boolean demo = true;
        private Consumer<String> demoMxLog;

        /** The folder whose files form {@code conf/} before overrides (default: the repository's {@code james-config/}). */
        public Builder configDir(Path dir) {
            this.configDir = dir;
            return this;
        }

        /** Replaces (or adds) {@code conf/<name>} with this text, e.g. {@code "mailetcontainer.xml"}. */
        public Builder config(String name, String content) {
            files.put(name, content.getBytes(StandardCharsets.UTF_8));
            return this;
        }

        /** Replaces (or adds) {@code conf/<name>} with the content of a file (e.g. an {@code james-config/examples/} one). */
        public Builder configFile(String name, Path file) {
            try {
                files.put(name, Files.readAllBytes(file));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return this;
        }

        /** Adds a file to {@code conf/} (alias of {@link #config}, for properties and keys). */
        public Builder extraConfig(String name, String content) {
            return config(name, content);
        }

        /** Copies a JAR into {@code extensions-jars/}, as an operator would. */
        public Builder extensionJar(Path jar) {
            extensionJars.add(jar);
            return this;
        }

        /** Guice bindings that replace the server's (e.g. a DNSService for the test). */
        public Builder overrideWith(Module module) {
            overrides.add(module);
            return this;
        }

        /** The DNS James sees (default: an empty {@link LocalDns}; with {@link #fixedPorts()} the configured resolvers). */
        public Builder dns(LocalDns dns) {
            this.dns = dns;
            return this;
        }

        /** Keep the ports and DNS of the configuration as written (./run-james does this). */
        public Builder fixedPorts() {
            this.randomPorts = false;
            return this;
        }

        public Builder randomPorts() {
            this.randomPorts = true;
            return this;
        }

        /** Use this working directory instead of a fresh temporary one (kept after close). */
        public Builder workingDirectory(Path dir) {
            this.workingDirectory = dir;
            return this;
        }

        /** Boots the sample configuration alone, without the configuration folder's {@code demo/}. */
        public Builder withoutDemo() {
            this.demo = false;
            return this;
        }

        /** Told one line per mail the demo MX stores (EmbeddedJames prints them). */
        public Builder demoMxLog(Consumer<String> log) {
            this.demoMxLog = log;
            return this;
        }

        public JamesHarness start() {
            boolean temporary = workingDirectory == null;
            Demo laidDemo = null;
            try {
                Path wd = (temporary ? Files.createTempDirectory("james-exim-") : workingDirectory).toAbsolutePath();
                prepare(wd);
                if (demo && Files.isDirectory(configDir.resolve(Demo.OVERLAY))) {
                    laidDemo = Demo.prepare(configDir, wd, files.keySet(), randomPorts, demoMxLog);
                }
                if (randomPorts) {
                    randomise(wd.resolve("conf"));
                }
                List<Module> modules = new ArrayList<>();
                LocalDns localDns = randomPorts ? dns : null;
                if (laidDemo != null) {
                    modules.add(laidDemo.dnsModule(localDns));
                } else if (localDns != null) {
                    modules.add(binder -> binder.bind(DNSService.class).toInstance(localDns));
                }
                modules.addAll(overrides);
                GuiceJamesServer server = MemoryJamesServerMain.createServer(MemoryJamesConfiguration.builder()
                        .workingDirectory(wd.toFile())
                        .usersRepository(UsersRepositoryModuleChooser.Implementation.DEFAULT)
                        .build())
                    .overrideWith(modules);
                try {
                    server.start();
                    JamesHarness harness = new JamesHarness(server, wd, temporary, localDns, laidDemo);
                    harness.server.getProbe(DataProbeImpl.class).fluent().addUser(DEMO_USER, DEMO_PASSWORD);
                    if (laidDemo != null) {
                        laidDemo.afterStart(server);
                    }
                    return harness;
                } catch (Exception e) {
                    server.stop();
                    throw e;
                }
            } catch (RuntimeException e) {
                closeQuietly(laidDemo);
                throw e;
            } catch (Exception e) {
                closeQuietly(laidDemo);
                throw new IllegalStateException("James did not start: " + e.getMessage(), e);
            }
        }

        private static void closeQuietly(Demo d) {
            if (d != null) {
                try {
                    d.close();
                } catch (IOException ignored) {
                    // the demo MX is going away anyway
                }
            }
        }

        private void prepare(Path wd) throws IOException {
            Path conf = wd.resolve("conf");
            Files.createDirectories(conf);
            try (Stream<Path> s = Files.list(configDir)) {
                for (Path p : (Iterable<Path>) s::iterator) {
                    if (Files.isRegularFile(p)) {
                        Files.copy(p, conf.resolve(p.getFileName().toString()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                Path target = conf.resolve(f.getKey());
                Files.createDirectories(target.getParent());
                Files.write(target, f.getValue());
            }
            if (!extensionJars.isEmpty()) {
                Path ext = wd.resolve("extensions-jars");
                Files.createDirectories(ext);
                for (Path jar : extensionJars) {
                    Files.copy(jar, ext.resolve(jar.getFileName().toString()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }

        /** Every listener on 127.0.0.1:0, WebAdmin on a free port, DNS only through 127.0.0.1 (unless a test gave its own). */
        private void randomise(Path conf) throws IOException {
            for (String name : List.of("smtpserver.xml", "imapserver.xml", "lmtpserver.xml", "pop3server.xml", "managesieveserver.xml")) {
                Path p = conf.resolve(name);
                if (Files.exists(p)) {
                    String xml = Files.readString(p);
                    Files.writeString(p, xml.replaceAll("<bind>[^<]*</bind>", "<bind>127.0.0.1:0</bind>"));
                }
            }
            Path webadmin = conf.resolve("webadmin.properties");
            if (Files.exists(webadmin)) {
                String props = Files.readString(webadmin);
                Files.writeString(webadmin, props.replaceAll("(?m)^port\\s*=.*$", "port=0"));
            }
            if (!files.containsKey("dnsservice.xml")) {
                Files.writeString(conf.resolve("dnsservice.xml"),
                    "<dnsservice><servers><server>127.0.0.1</server></servers><autodiscover>false</autodiscover>"
                        + "<authoritative>false</authoritative><maxcachesize>50000</maxcachesize></dnsservice>\n");
            }
        }
    }

    /** The repository's {@code james-config/} (system property {@code jexim.config.dir}, else found from the working directory). */
    public static Path defaultConfigDir() {
        String prop = System.getProperty("jexim.config.dir");
        if (prop != null) {
            return Paths.get(prop);
        }
        for (Path p = Paths.get("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("james-config/mailetcontainer.xml"))) {
                return p.resolve("james-config");
            }
        }
        throw new IllegalStateException("cannot find james-config/: set -Djexim.config.dir");
    }

    /** The test DNS James resolves through; add records at any time. Null with {@link Builder#fixedPorts()}. */
    public LocalDns dns() {
        return dns;
    }

    /** The demo laid over the configuration, or null ({@link Builder#withoutDemo()}, or a folder without {@code demo/}). */
    public Demo demo() {
        return demo;
    }

    public GuiceJamesServer server() {
        return server;
    }

    public Path workingDirectory() {
        return workingDirectory;
    }

    public int smtpPort() {
        return server.getProbe(SmtpGuiceProbe.class).getSmtpPort().getValue();
    }

    public int imapPort() {
        return server.getProbe(ImapGuiceProbe.class).getImapPort();
    }

    public int webAdminPort() {
        return server.getProbe(WebAdminGuiceProbe.class).getWebAdminPort().getValue();
    }

    /** A new SMTP connection to this server (greeting already read). */
    public SmtpClient smtp() throws IOException {
        return SmtpClient.connect("127.0.0.1", smtpPort());
    }

    /**
     * A new SMTP connection to this server from {@code localAddress} (a 127.0.0.x address of its own keeps one case's
     * per-IP state, such as an AUTH backoff, from the next), greeting read and {@code EHLO client.example.net} sent
     * (its reply: {@link SmtpClient#ehloReply()}).
     */
    public SmtpClient smtpFrom(String localAddress) throws IOException {
        SmtpClient c = SmtpClient.connect("127.0.0.1", smtpPort(), java.net.InetAddress.getByName(localAddress));
        c.ehlo("client.example.net");
        return c;
    }

    /**
     * Sends one message over SMTP (EHLO client.example.net) and returns the reply to the end of DATA,
     * or the first refusal (MAIL/RCPT).
     */
    public SmtpClient.Reply send(String from, List<String> to, String rawMessage) throws IOException {
        try (SmtpClient c = smtp()) {
            c.ehlo("client.example.net");
            SmtpClient.Reply r = c.mailFrom(from);
            if (!r.isPositive()) {
                return r;
            }
            for (String rcpt : to) {
                r = c.rcptTo(rcpt);
                if (!r.isPositive()) {
                    return r;
                }
            }
            r = c.data(rawMessage);
            c.quit();
            return r;
        }
    }

    public void addUser(String user, String password) throws Exception {
        server.getProbe(DataProbeImpl.class).fluent().addUser(user, password);
    }

    public void addDomain(String domain) throws Exception {
        server.getProbe(DataProbeImpl.class).fluent().addDomain(domain);
    }

    /** Messages of the user's INBOX over IMAP, waiting until at least {@code count} are there. */
    public List<String> awaitMailbox(String user, String password, int count, Duration timeout) throws Exception {
        return awaitFolder(user, password, "INBOX", count, timeout);
    }

    /** Messages of one folder over IMAP, waiting until at least {@code count} are there or failing after the timeout. */
    public List<String> awaitFolder(String user, String password, String folder, int count, Duration timeout) throws Exception {
        return ImapReader.await(imapPort(), user, password, folder, count, timeout);
    }

    @Override
    public void close() {
        server.stop();
        Builder.closeQuietly(demo);
        if (deleteOnClose) {
            deleteTree(workingDirectory);
        }
    }

    /** Deletes {@code root} and everything below it, best effort (for the tests' temporary folders). */
    public static void deleteTree(Path root) {
        try (Stream<Path> s = Files.walk(root)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort on a temporary folder
        }
    }
}
