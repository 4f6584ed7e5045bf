package org.jamesexim.it.demo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.apache.james.GuiceJamesServer;
import org.apache.james.dnsservice.api.DNSService;
import org.apache.james.dnsservice.dnsjava.DNSJavaService;
import org.apache.james.utils.DataProbeImpl;
import org.jamesexim.it.CaptureSmtpServer;

import com.google.inject.AbstractModule;
import com.google.inject.Module;
import com.google.inject.Provides;
import com.google.inject.Singleton;

/**
 * The demo that {@code ./run-james} boots: the files of {@code james-config/demo/} laid over the sample configuration,
 * material generated at first start in James's home ({@code demo/arc.pem} and its DNS record, {@code demo/srs-secret},
 * {@code demo/queuefile/}), the demo MX (a {@link CaptureSmtpServer} on 127.0.0.1 standing in for {@code remote.test},
 * storing mail in {@code demo-mx/}), the embedded DNS ({@link DemoDns}), two address mappings, and one line per
 * outside service saying whether it is used. Nothing secret is printed or committed; everything listens on loopback
 * and uses reserved {@code .test} names.
 */
public final class Demo implements AutoCloseable {
    /** The demo's folder in {@code james-config/}. */
    public static final String OVERLAY = "demo";
    public static final String DOMAIN = "example.test";
    public static final String MX_DOMAIN = "remote.test";
    /** Forwards to {@link #FRIEND}: leaves with an SRS0 sender, ARC-sealed. */
    public static final String FORWARD = "forward@example.test";
    public static final String FRIEND = "friend@remote.test";
    /** The demo MX refuses it at RCPT: the sender gets a bounce with the DSN extra fields. */
    public static final String REFUSED = "refused@remote.test";
    /** Written to {@code demo/queuefile/out}; an alias of demo@ once requeued. */
    public static final String QUEUEFILE = "queuefile@example.test";
    public static final String DEMO_USER = "demo@example.test";
    public static final String ARC_SELECTOR = "demo";
    public static final String ARC_DNS_NAME = ARC_SELECTOR + "._domainkey." + DOMAIN;
    /** The demo MX's port with the configured ports ({@code gatewayPort} of the demo-mx processor). */
    public static final int MX_PORT = 2526;

    private static final String MX_GATEWAY = "<gateway>127.0.0.1</gateway>\n                <gatewayPort>" + MX_PORT + "</gatewayPort>";
    private static final String DOVECOT_MARK = "<!-- demo: Dovecot auth:";
    private static final String DCC_MARK = "<!-- demo: DCC:";

    private final Path home;
    private final Map<String, String> txt;
    private final CaptureSmtpServer mx;
    private final List<String> lines;

    private Demo(Path home, Map<String, String> txt, CaptureSmtpServer mx, List<String> lines) {
        this.home = home;
        this.txt = txt;
        this.mx = mx;
        this.lines = lines;
    }

    /**
     * Lays the demo over {@code conf} (already holding the sample configuration and the caller's own files, which
     * the demo leaves alone), generates what is missing in {@code home}, starts the demo MX and checks the outside
     * services.
     *
     * @param configDir the configuration folder whose {@code demo/} is laid over
     * @param home James's home (working directory)
     * @param own the {@code conf/} files the caller set itself
     * @param randomPorts the demo MX on a free port instead of {@link #MX_PORT}
     * @param mxLog told one line per mail the demo MX stores (may be null)
     */
    public static Demo prepare(Path configDir, Path home, Set<String> own, boolean randomPorts, Consumer<String> mxLog) throws IOException {
        Path conf = home.resolve("conf");
        Path overlay = configDir.resolve(OVERLAY);
        try (Stream<Path> s = Files.list(overlay)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String name = p.getFileName().toString();
                if (Files.isRegularFile(p) && !own.contains(name)) {
                    Files.copy(p, conf.resolve(name), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        List<String> lines = new ArrayList<>();
        Path demo = Files.createDirectories(home.resolve("demo"));
        // QueueFile and QueueFileRequeue refuse directories others can write: owner only, whatever the umask
        for (String d : List.of("", "queuefile", "queuefile/out", "queuefile/in")) {
            Path p = Files.createDirectories(demo.resolve(d));
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
        }
        boolean keyExisted = Files.exists(demo.resolve("arc.pem"));
        String record = arcRecord(demo.resolve("arc.pem"));
        Files.writeString(demo.resolve("arc-dns.json"), "{\"" + ARC_DNS_NAME + "\": \"" + record + "\"}\n");
        boolean secretExisted = Files.exists(demo.resolve("srs-secret"));
        srsSecret(demo.resolve("srs-secret"));
        lines.add("demo: " + (keyExisted && secretExisted ? "kept" : "generated") + " in " + demo
            + ": ARC key arc.pem (selector " + ARC_SELECTOR + ", TXT " + ARC_DNS_NAME + " answered by the embedded DNS, also in"
            + " arc-dns.json for arc-verify --dns), SRS secret srs-secret (mode 0600), queuefile/out and queuefile/in");

        CaptureSmtpServer mx;
        try {
            mx = new CaptureSmtpServer(randomPorts ? 0 : MX_PORT, home.resolve("demo-mx"), Set.of(REFUSED), mxLog);
        } catch (java.net.BindException e) {
            throw new IOException("demo MX: 127.0.0.1:" + MX_PORT + " is in use (the demo-mx processor delivers there)", e);
        }
        Path mailets = conf.resolve("mailetcontainer.xml");
        String xml = Files.readString(mailets);
        if (randomPorts && xml.contains(MX_GATEWAY)) {
            Files.writeString(mailets, xml.replace(MX_GATEWAY, MX_GATEWAY.replace(">" + MX_PORT + "<", ">" + mx.port() + "<")));
        }
        lines.add("demo: mail for @" + MX_DOMAIN + " goes to the demo MX on 127.0.0.1:" + mx.port() + ", stored as "
            + home.resolve("demo-mx") + "/NNN.eml; it refuses " + REFUSED + " (550); " + FORWARD + " forwards to " + FRIEND
            + ", " + QUEUEFILE + " goes through demo/queuefile");

        lines.add(rspamd(Files.readString(mailets)));
        lines.add(dovecot(configDir, conf, own));
        lines.add(dcc(configDir, conf, own));
        return new Demo(home, Map.of(ARC_DNS_NAME, record), mx, List.copyOf(lines));
    }

    /** What the demo printed about itself and the outside services (one line each). */
    public List<String> lines() {
        return lines;
    }

    public CaptureSmtpServer mx() {
        return mx;
    }

    /** James's home, where {@code demo/} and {@code demo-mx/} are. */
    public Path home() {
        return home;
    }

    /** {@code demo/arc-dns.json}: the ARC key's DNS record, in the form of the CLI's {@code --dns FILE}. */
    public Path arcDnsFile() {
        return home.resolve("demo/arc-dns.json");
    }

    /** {@code demo/srs-secret}: the SRS secret, one line. */
    public Path srsSecretFile() {
        return home.resolve("demo/srs-secret");
    }

    public Path mxDirectory() {
        return home.resolve("demo-mx");
    }

    public Path queuefileOut() {
        return home.resolve("demo/queuefile/out");
    }

    public Path queuefileIn() {
        return home.resolve("demo/queuefile/in");
    }

    /**
     * James's DNS with the demo's names answered first: over {@code delegate} (a test's DNS), or, when null, over
     * James's own dnsjava service.
     */
    public Module dnsModule(DNSService delegate) {
        if (delegate != null) {
            DemoDns dns = new DemoDns(txt, delegate);
            return binder -> binder.bind(DNSService.class).toInstance(dns);
        }
        return new AbstractModule() {
            @Provides
            @Singleton
            DNSService dns(DNSJavaService james) {
                return new DemoDns(txt, james);
            }
        };
    }

    /** Once James runs: the demo's address mappings (forward@ to friend@remote.test, queuefile@ to demo@). */
    public void afterStart(GuiceJamesServer server) throws Exception {
        DataProbeImpl probe = server.getProbe(DataProbeImpl.class);
        probe.addAddressMapping("forward", DOMAIN, FRIEND);
        probe.addAddressMapping("queuefile", DOMAIN, DEMO_USER);
    }

    @Override
    public void close() throws IOException {
        mx.close();
    }

    /** The key's DNS record; the key (RSA 2048, PKCS#8 PEM, mode 0600) is made at the first start. */
    static String arcRecord(Path keyFile) throws IOException {
        try {
            if (!Files.exists(keyFile)) {
                KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
                g.initialize(2048, new SecureRandom());
                KeyPair kp = g.generateKeyPair();
                writePrivate(keyFile, "-----BEGIN PRIVATE KEY-----\n"
                    + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(kp.getPrivate().getEncoded())
                    + "\n-----END PRIVATE KEY-----\n");
            }
            String pem = Files.readString(keyFile, StandardCharsets.US_ASCII);
            byte[] der = Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
            KeyFactory f = KeyFactory.getInstance("RSA");
            RSAPrivateCrtKey k = (RSAPrivateCrtKey) f.generatePrivate(new PKCS8EncodedKeySpec(der));
            byte[] pub = f.generatePublic(new RSAPublicKeySpec(k.getModulus(), k.getPublicExponent())).getEncoded();
            return "v=DKIM1; k=rsa; p=" + Base64.getEncoder().encodeToString(pub);
        } catch (java.security.GeneralSecurityException | IllegalArgumentException | ClassCastException e) {
            throw new IOException(keyFile + ": not the demo's RSA key in PKCS#8 PEM (delete it to have a new one made): "
                + e.getClass().getSimpleName(), e);
        }
    }

    /** A random secret (32 bytes, base64url), made at the first start. */
    static void srsSecret(Path file) throws IOException {
        if (Files.exists(file)) {
            return;
        }
        byte[] b = new byte[32];
        new SecureRandom().nextBytes(b);
        writePrivate(file, Base64.getUrlEncoder().withoutPadding().encodeToString(b) + "\n");
    }

    private static void writePrivate(Path file, String text) throws IOException {
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(file);
        } catch (FileAlreadyExistsException e) {
            throw new IOException(file + " appeared while it was being made", e);
        }
        Files.writeString(file, text, StandardCharsets.US_ASCII);
    }

    private static final Pattern ENDPOINT = Pattern.compile("class=\"org\\.jamesexim\\.mailets\\.BmiRun\">.*?<endpoint>\\s*(\\S+)\\s+(\\d+)\\s*</endpoint>", Pattern.DOTALL);

    static String rspamd(String mailets) {
        Matcher m = ENDPOINT.matcher(mailets);
        if (!m.find()) {
            return "demo: BMI is not in conf/mailetcontainer.xml";
        }
        String where = m.group(1) + ":" + m.group(2);
        return tcpAnswers(m.group(1), Integer.parseInt(m.group(2)))
            ? "demo: rspamd listening on " + where + ": BMI verdicts from Rspamd (X-Brightmail-* headers)"
            : "demo: rspamd not listening on " + where + ": BMI fails open (every recipient delivered)";
    }

    static String dovecot(Path configDir, Path conf, Set<String> own) throws IOException {
        String example = Files.readString(configDir.resolve("examples/dovecot-smtpserver.xml"));
        Matcher addr = Pattern.compile("<server_socket>\\s*(\\S+)\\s+(\\d+)\\s*</server_socket>").matcher(example);
        Matcher hook = Pattern.compile("<handler class=\"org\\.jamesexim\\.smtp\\.DovecotAuthHook\">.*?</handler>", Pattern.DOTALL).matcher(example);
        if (!addr.find() || !hook.find()) {
            throw new IOException("examples/dovecot-smtpserver.xml: no DovecotAuthHook with a host and port");
        }
        String where = addr.group(1) + ":" + addr.group(2);
        if (!dovecotAnswers(addr.group(1), Integer.parseInt(addr.group(2)))) {
            return "demo: dovecot auth not listening on " + where + ": SMTP AUTH checked against James's own users ("
                + DEMO_USER + " / demo)";
        }
        if (!insert(conf.resolve("smtpserver.xml"), own, DOVECOT_MARK, hook.group())) {
            return "demo: dovecot auth listening on " + where + ", but conf/smtpserver.xml is not the demo's: not used";
        }
        return "demo: dovecot auth listening on " + where + ": SMTP AUTH checked by Dovecot (DovecotAuthHook added; its users, not "
            + DEMO_USER + ")";
    }

    static String dcc(Path configDir, Path conf, Set<String> own) throws IOException {
        String props = Files.readString(configDir.resolve("examples/dcc.properties"));
        Matcher addr = Pattern.compile("(?m)^dccifd_address\\s*=\\s*(\\S+)\\s*$").matcher(props);
        String hook = find(configDir.resolve("examples/dcc-smtpserver.xml"),
            "<handler class=\"org\\.jamesexim\\.smtp\\.DccHook\">.*?</handler>");
        String matcher = find(configDir.resolve("examples/dcc-mailetcontainer.xml"),
            "<mailet match=\"org\\.jamesexim\\.matchers\\.Dcc=fail\".*?</mailet>");
        if (!addr.find()) {
            throw new IOException("examples/dcc.properties: no dccifd_address");
        }
        String where = addr.group(1);
        if (!unixAnswers(Path.of(where))) {
            return "demo: dccifd not listening on " + where + ": DCC not used (DccHook not added)";
        }
        if (!insert(conf.resolve("smtpserver.xml"), own, DCC_MARK, hook)
            || !insert(conf.resolve("mailetcontainer.xml"), own, DCC_MARK, matcher)) {
            return "demo: dccifd listening on " + where + ", but conf/ is not the demo's: not used";
        }
        if (!own.contains("dcc.properties")) {
            Files.writeString(conf.resolve("dcc.properties"), props);
        }
        return "demo: dccifd listening on " + where + ": DCC verdicts at end of DATA (DccHook with defer_ok, Dcc=fail to a repository)";
    }

    private static String find(Path file, String regex) throws IOException {
        Matcher m = Pattern.compile(regex, Pattern.DOTALL).matcher(Files.readString(file));
        if (!m.find()) {
            throw new IOException(file + ": no " + regex);
        }
        return m.group();
    }

    /** Puts {@code element} after the demo comment starting with {@code mark}; false when the file has none. */
    private static boolean insert(Path file, Set<String> own, String mark, String element) throws IOException {
        String xml = Files.readString(file);
        int at = xml.indexOf(mark);
        if (own.contains(file.getFileName().toString()) || at < 0) {
            return false;
        }
        int end = xml.indexOf("-->", at) + 3;
        Files.writeString(file, xml.substring(0, end) + "\n            " + element + xml.substring(end));
        return true;
    }

    private static boolean tcpAnswers(String host, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Dovecot's auth service greets with "VERSION\t1\t..." at once. */
    private static boolean dovecotAnswers(String host, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 500);
            s.setSoTimeout(1000);
            String first = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
            return first != null && first.startsWith("VERSION\t1\t");
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean unixAnswers(Path socket) {
        if (!Files.exists(socket)) {
            return false;
        }
        try (SocketChannel c = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            return true;
        } catch (IOException | UncheckedIOException e) {
            return false;
        }
    }
}
